"""Pages of the disclosure log. Each fetches through the checked getter or the list selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from igportal.forms import show_errors
from igportal.people import display_name
from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.disclosures import DisclosureForm
from requests_app.forms.registers import DisclosureFilterForm
from requests_app.models import Disclosure
from requests_app.permissions import (
    can_change_registers,
    can_read_registers,
    can_see_own_disclosures_and_flows,
)
from requests_app.selectors import disclosures as selectors
from requests_app.selectors.registers import refuse_change
from requests_app.selectors.sharing import get_sharing_request_for_user
from requests_app.services.disclosures import (
    disclosure_initial,
    disclosure_kind_for,
    disclosure_record,
    may_record_for,
    offered_items,
)
from requests_app.services.overrides import approved_terms
from requests_app.views.registers import RegisterCreate, RegisterList, RegisterPages

CSV_HEADER = (
    "Reference",
    "Outcome",
    "Date",
    "Shared with or asked by",
    "Purpose",
    "What was shared or asked for",
    "Legal basis",
    "Method",
    "Shared or refused by",
    "Rationale for refusing",
    "Sharing request",
    "Logged outside the wizard",
    "Police officer",
    "Police reference",
    "What the police asked for",
    "What was given to the police",
    "Acknowledgement",
    "Acknowledged on",
    "Recorded by",
    "Recorded at",
)


def _csv_row(entry: Disclosure) -> list[object]:
    return [
        entry.reference,
        entry.get_kind_display(),
        entry.disclosed_on,
        entry.recipient.name,
        entry.get_purpose_category_display(),
        entry.information,
        entry.legal_basis_summary,
        entry.get_transfer_method_display(),
        display_name(entry.disclosed_by),
        entry.refusal_rationale,
        entry.request.reference if entry.request else "",
        entry.outside_wizard,
        entry.police_officer,
        entry.police_reference,
        entry.police_requested,
        entry.police_given,
        entry.police_acknowledgement,
        entry.police_acknowledged_on,
        display_name(entry.recorded_by),
        timezone.localtime(entry.recorded_at),
    ]


def _form_page(request: AuthenticatedHttpRequest, form: DisclosureForm, **context: Any) -> HttpResponse:
    return render(request, "requests_app/disclosure_form.html", {"form": form, **context})


PAGES = RegisterPages[Disclosure](
    kind="disclosure",
    prefix="registers/disclosures/",
    noun="disclosure",
    may_open=lambda user: can_read_registers(user) or can_see_own_disclosures_and_flows(user),
    get=selectors.get_disclosure_for_user,
    listing=RegisterList(
        register="disclosures",
        filter_form=DisclosureFilterForm,
        rows=lambda request, filters, now: selectors.disclosure_list(user=request.user, **filters),
        template="requests_app/disclosure_list.html",
        context=lambda request, now: {
            "can_log": can_change_registers(request.user),
            "own_only": not can_read_registers(request.user),
        },
        csv_name="Disclosure log",
        header=CSV_HEADER,
        row=_csv_row,
        export_rows=lambda request, filters, now: selectors.disclosure_list(
            user=request.user, **filters
        ).select_related("recorded_by"),
    ),
    # The IG team logs a disclosure or refusal handled outside the wizard.
    creating=RegisterCreate(
        wanted="log a disclosure outside the wizard",
        template="requests_app/disclosure_form.html",
        new_form=lambda request, start: DisclosureForm(
            request.POST or None,
            initial={"disclosed_on": timezone.localdate(), "disclosed_by": request.user.pk},
        ),
        save=lambda request, form, start: disclosure_record(
            sharing_request=None, actor=request.user, http_request=request, **form.cleaned_data
        ),
        created=lambda disclosure: f"{disclosure.reference} logged.",
        context=lambda start: {"heading": "Log a disclosure or refusal handled outside the wizard"},
    ),
    detail_template="requests_app/disclosure_detail.html",
)


@require_http_methods(["GET", "POST"])
def request_disclosure(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The requester (or the IG team) records what happened to a decided one-off request."""
    sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
    existing = Disclosure.objects.filter(request=sharing_request).first()
    if existing is not None:
        return redirect("disclosure_detail", pk=existing.pk)
    kind = disclosure_kind_for(sharing_request)
    if kind is None or not may_record_for(request.user, sharing_request):
        refuse_change(
            request.user,
            target=sharing_request,
            wanted="record a disclosure for this request",
            http_request=request,
        )
    police = sharing_request.purpose_category == "police_crime"
    terms = approved_terms(sharing_request)
    form = DisclosureForm(
        request.POST or None,
        kind=kind,
        police=police,
        items=offered_items(sharing_request, terms),
        conditions=terms.texts,
        initial={
            **disclosure_initial(sharing_request, today=timezone.localdate(), terms=terms),
            "disclosed_by": request.user.pk,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            disclosure = disclosure_record(
                sharing_request=sharing_request, actor=request.user, http_request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{disclosure.reference} logged for {sharing_request.reference}.")
            return redirect("request_detail", reference=sharing_request.reference)
    verb = "disclosure" if kind == "disclosure" else "refusal"
    return _form_page(
        request,
        form,
        heading=f"Record the {verb} for {sharing_request.reference}",
        sharing_request=sharing_request,
        terms=terms if kind == "disclosure" else None,
        back_url=reverse("request_detail", args=[sharing_request.reference]),
    )
