"""Pages of the data flow register. Each fetches through the checked getter or the list selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from igportal.forms import show_errors
from igportal.people import display_name
from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.flows import FlowForm, FlowReviewForm
from requests_app.forms.registers import FlowFilterForm
from requests_app.models import DataFlow
from requests_app.permissions import (
    can_change_registers,
    can_read_registers,
    can_see_own_disclosures_and_flows,
)
from requests_app.selectors import flows as selectors
from requests_app.selectors.registers import refuse_change
from requests_app.selectors.sharing import get_sharing_request_for_user
from requests_app.services.flows import (
    data_flow_create,
    data_flow_review,
    flow_initial,
    flow_registration_problem,
)
from requests_app.services.overrides import approved_terms
from requests_app.views.registers import RegisterList, RegisterPages

CSV_HEADER = (
    "Reference",
    "Flow",
    "Status",
    "Recipient",
    "Purpose",
    "Source asset",
    "Asset owner",
    "Form of the information",
    "Data items",
    "Legal basis",
    "Method",
    "Frequency",
    "How often",
    "ISA",
    "Next review",
    "Review overdue",
    "To reassess",
    "Sharing request",
)


def _csv_row(flow: DataFlow) -> list[object]:
    return [
        flow.reference,
        flow.name,
        flow.get_status_display(),
        flow.recipient.name,
        flow.get_purpose_category_display(),
        flow.source_asset,
        display_name(flow.asset_owner),
        flow.get_data_form_display(),
        "; ".join(item.name for item in flow.data_items.all()),
        flow.legal_basis_summary,
        flow.get_transfer_method_display(),
        flow.get_frequency_display(),
        flow.get_schedule_display(),
        flow.agreement.reference if flow.agreement else "",
        flow.next_review_on,
        flow.overdue,  # type: ignore[attr-defined]
        flow.needs_reassessment,
        flow.request.reference,
    ]


def _detail_context(request: AuthenticatedHttpRequest, flow: DataFlow) -> dict[str, Any]:
    return {
        "items": flow.data_items.all(),
        "reviews": flow.reviews.select_related("reviewed_by"),
        "withdrawals": flow.consent_withdrawals.order_by("-withdrawn_on"),
        "overdue": flow.status in selectors.REVIEWED_STATUSES and flow.next_review_on < timezone.localdate(),
        "can_change": can_change_registers(request.user),
        "assurance_lapses": [
            (flow.recipient, lapses)
            for lapses in [flow.recipient.assurance_lapses(timezone.localdate())]
            if lapses
        ],
        "review_form": FlowReviewForm(),
    }


PAGES = RegisterPages[DataFlow](
    kind="data_flow",
    name="flow",
    prefix="registers/flows/",
    noun="flow",
    may_open=lambda user: can_read_registers(user) or can_see_own_disclosures_and_flows(user),
    get=selectors.get_flow_for_user,
    listing=RegisterList(
        register="data_flows",
        filter_form=FlowFilterForm,
        rows=lambda request, filters, now: selectors.flow_page_rows(
            selectors.flow_list(user=request.user, today=timezone.localdate(now), **filters),
            today=timezone.localdate(now),
        ),
        template="requests_app/flow_list.html",
        context=lambda request, now: {"own_only": not can_read_registers(request.user)},
        csv_name="Data flow",
        header=CSV_HEADER,
        row=_csv_row,
        export_rows=lambda request, filters, now: (
            selectors.flow_list(user=request.user, today=timezone.localdate(now), **filters)
            .select_related("request")
            .prefetch_related("data_items")
        ),
    ),
    detail_template="requests_app/flow_detail.html",
    detail_context=_detail_context,
    moves=True,
    move_for_change=True,
)


@require_POST
def flow_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    flow = selectors.get_flow_for_user(request.user, pk, for_change=True, http_request=request)
    form = FlowReviewForm(request.POST)
    if form.is_valid():
        try:
            data_flow_review(flow=flow, actor=request.user, http_request=request, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{flow.reference}: review recorded.")
            return redirect("flow_detail", pk=flow.pk)
    return PAGES.detail_page(request, flow, {"review_form": form}, 400)


@require_http_methods(["GET", "POST"])
def request_flow(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The IG team registers an approved routine or bulk request as a data flow."""
    sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
    existing = DataFlow.objects.filter(request=sharing_request).first()
    if existing is not None:
        return redirect("flow_detail", pk=existing.pk)
    if not can_change_registers(request.user) or flow_registration_problem(sharing_request):
        refuse_change(
            request.user,
            target=sharing_request,
            wanted="register this request as a data flow",
            http_request=request,
        )
    initial = flow_initial(sharing_request, today=timezone.localdate())
    form = FlowForm(
        request.POST or None,
        initial={**initial, "asset_owner": request.user.pk},
        removed_items=approved_terms(sharing_request).removed_items,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            flow = data_flow_create(
                sharing_request=sharing_request,
                actor=request.user,
                new_agreement=data["agreement"] is None,
                http_request=request,
                **data,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{flow.reference} registered.")
            return redirect("flow_detail", pk=flow.pk)
    return render(request, "requests_app/flow_form.html", {"form": form, "sharing_request": sharing_request})
