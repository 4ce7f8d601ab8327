"""Pages of the DPIA register. Each fetches through the checked getter or the list selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from necessity.rules import DPIA_SCREENING_QUESTIONS
from requests_app.forms.dpias import DpiaForm, DpiaRiskForm
from requests_app.forms.registers import CommentForm, DpiaFilterForm
from requests_app.models import Dpia, DpiaStatus, SharingRequest
from requests_app.permissions import can_change_registers, can_read_dpias
from requests_app.selectors import dpias as selectors
from requests_app.selectors.registers import refuse_action
from requests_app.selectors.sharing import get_sharing_request_for_user
from requests_app.services import dpias as services
from requests_app.services.audit import audit_record
from requests_app.services.workflow import workflow_for
from requests_app.views.registers import actions_for, csv_export, fire, list_page


def _may_open_register(request: AuthenticatedHttpRequest) -> None:
    if not can_read_dpias(request.user):
        raise Http404("No such page.")


@require_GET
def dpia_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_open_register(request)
    form = DpiaFilterForm(request.GET or None)
    filters = form.filters()
    return list_page(
        request,
        register="dpias",
        form=form,
        filters=filters,
        rows=selectors.dpia_list(user=request.user, today=timezone.localdate(), **filters),
        template="requests_app/dpia_list.html",
        context={"can_change": can_change_registers(request.user)},
    )


CSV_HEADER = (
    "Reference",
    "Title",
    "Status",
    "Screening questions answered yes",
    "Full DPIA required",
    "Risks",
    "Highest residual risk",
    "DPO advice given",
    "Signed off by the SIRO",
    "Next review",
    "Review overdue",
    "Sharing request",
)


def _csv_row(dpia: Dpia) -> list[object]:
    residual = dpia.residual_risk
    return [
        dpia.reference,
        dpia.title,
        dpia.get_status_display(),
        ", ".join(str(number) for number in dpia.screening_yes),
        dpia.full_required,
        len(dpia.risks.all()),
        residual.label if residual else "",
        timezone.localtime(dpia.dpo_advice_at) if dpia.dpo_advice_at else None,
        timezone.localtime(dpia.siro_signed_at) if dpia.siro_signed_at else None,
        dpia.next_review_on,
        dpia.overdue,  # type: ignore[attr-defined]
        dpia.request.reference if dpia.request else "",
    ]


@require_GET
def dpia_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    _may_open_register(request)
    form = DpiaFilterForm(request.GET or None)
    filters = form.filters()
    return csv_export(
        request,
        audit_type="dpia",
        register="DPIA",
        filters=filters,
        rows=selectors.dpia_list(user=request.user, today=timezone.localdate(), **filters),
        header=CSV_HEADER,
        row=_csv_row,
    )


def _detail_page(
    request: AuthenticatedHttpRequest, dpia: Dpia, extra: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    editable = can_change_registers(request.user) and dpia.status == DpiaStatus.DRAFT
    context: dict[str, Any] = {
        "dpia": dpia,
        "screening": [(entry, dpia.screening.get(entry.id)) for entry in DPIA_SCREENING_QUESTIONS],
        "risks": dpia.risks.all(),
        "history": dpia.history.select_related("actor"),
        "actions": actions_for(
            request, dpia, url=lambda name: reverse("dpia_transition", args=[dpia.pk, name])
        ),
        "editable": editable,
        "overdue": dpia.status == DpiaStatus.SIGNED_OFF
        and dpia.next_review_on is not None
        and dpia.next_review_on < timezone.localdate(),
        "risk_form": DpiaRiskForm(),
        "action_form": CommentForm(),
        **(extra or {}),
    }
    return render(request, "requests_app/dpia_detail.html", context, status=status)


@require_GET
def dpia_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dpia = selectors.get_dpia_for_user(request.user, pk, http_request=request)
    audit_record(action="dpia.view", target=dpia, request=request)
    return _detail_page(request, dpia)


@require_POST
def dpia_transition(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    dpia = selectors.get_dpia_for_user(request.user, pk, http_request=request)
    comment = request.POST.get("comment", "").strip()
    spec = workflow_for(dpia).transitions.get(name)
    may_sign = spec is not None and dpia.status in spec.sources and spec.may_fire(request.user, dpia)
    if name == "sign_off" and may_sign and comment and request.POST.get("confirmed") != "True":
        # A sign-off is deliberate: first what is being signed, then the signature; anyone else is
        # refused by the service as before.
        return render(
            request,
            "requests_app/dpia_signoff_confirm.html",
            {"dpia": dpia, "risks": dpia.risks.all(), "comment": comment},
        )
    return fire(
        request,
        dpia,
        name,
        success_url=reverse("dpia_detail", args=[dpia.pk]),
        render_page=lambda extra, status: _detail_page(request, dpia, extra, status),
    )


@require_http_methods(["GET", "POST"])
def dpia_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new DPIA; ``?request=ISR-...`` starts it from that request's screening answers."""
    _may_open_register(request)
    if not can_change_registers(request.user):
        refuse_action(request.user, target_type="dpia", wanted="start a DPIA", http_request=request)
    reference = request.GET.get("request", "")
    sharing_request: SharingRequest | None = None
    initial: dict[str, Any] = {}
    if reference:
        sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
        screening = services.screening_from_request(sharing_request)
        initial = {"title": sharing_request.title, **{key: value for key, value in screening.items()}}
    form = DpiaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dpia = services.dpia_create(
                actor=request.user,
                sharing_request=sharing_request,
                http_request=request,
                **form.service_data(),
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{dpia.reference} started.")
            return redirect("dpia_detail", pk=dpia.pk)
    return render(
        request,
        "requests_app/dpia_form.html",
        {"form": form, "heading": "Start a DPIA", "sharing_request": sharing_request},
    )


@require_http_methods(["GET", "POST"])
def dpia_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dpia = selectors.get_dpia_for_user(request.user, pk, for_change=True, http_request=request)
    initial = {
        "title": dpia.title,
        "processing_description": dpia.processing_description,
        "necessity_assessment": dpia.necessity_assessment,
        **dpia.screening,
    }
    form = DpiaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.dpia_update(dpia=dpia, actor=request.user, http_request=request, **form.service_data())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{dpia.reference} saved.")
            return redirect("dpia_detail", pk=dpia.pk)
    return render(
        request,
        "requests_app/dpia_form.html",
        {"form": form, "heading": f"Change {dpia.reference}", "dpia": dpia},
    )


@require_POST
def dpia_risk_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dpia = selectors.get_dpia_for_user(request.user, pk, for_change=True, http_request=request)
    form = DpiaRiskForm(request.POST)
    if form.is_valid():
        try:
            services.dpia_risk_add(dpia=dpia, actor=request.user, http_request=request, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Risk added.")
            return redirect("dpia_detail", pk=dpia.pk)
    return _detail_page(request, dpia, {"risk_form": form}, 400)


@require_POST
def dpia_risk_remove(request: AuthenticatedHttpRequest, pk: int, risk_id: int) -> HttpResponse:
    dpia = selectors.get_dpia_for_user(request.user, pk, for_change=True, http_request=request)
    risk = dpia.risks.filter(pk=risk_id).first()
    if risk is None:
        raise Http404("No such risk.")
    try:
        services.dpia_risk_remove(risk=risk, actor=request.user, http_request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Risk removed.")
    return redirect("dpia_detail", pk=dpia.pk)
