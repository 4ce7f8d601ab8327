"""Pages of the DPIA register. Each fetches through the checked getter or the list selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from necessity.rules import DPIA_SCREENING_QUESTIONS
from requests_app.forms.dpias import DpiaForm, DpiaRiskForm
from requests_app.forms.registers import DpiaFilterForm
from requests_app.models import Dpia, DpiaStatus, SharingRequest
from requests_app.permissions import can_change_registers, can_read_dpias
from requests_app.selectors import dpias as selectors
from requests_app.selectors.sharing import get_sharing_request_for_user
from requests_app.services import dpias as services
from requests_app.services.workflow import workflow_for
from requests_app.views.registers import RegisterCreate, RegisterEdit, RegisterList, RegisterPages

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


def _detail_context(request: AuthenticatedHttpRequest, dpia: Dpia) -> dict[str, Any]:
    return {
        "screening": [(entry, dpia.screening.get(entry.id)) for entry in DPIA_SCREENING_QUESTIONS],
        "risks": dpia.risks.all(),
        "editable": can_change_registers(request.user) and dpia.status == DpiaStatus.DRAFT,
        "overdue": dpia.status == DpiaStatus.SIGNED_OFF
        and dpia.next_review_on is not None
        and dpia.next_review_on < timezone.localdate(),
        "risk_form": DpiaRiskForm(),
    }


def _confirm_sign_off(request: AuthenticatedHttpRequest, dpia: Dpia, name: str) -> HttpResponse | None:
    """A sign-off is deliberate: first what is being signed, then the signature; anyone else is refused by
    the service as before."""
    comment = request.POST.get("comment", "").strip()
    spec = workflow_for(dpia).transitions.get(name)
    may_sign = spec is not None and dpia.status in spec.sources and spec.may_fire(request.user, dpia)
    if name == "sign_off" and may_sign and comment and request.POST.get("confirmed") != "True":
        return render(
            request,
            "requests_app/dpia_signoff_confirm.html",
            {"dpia": dpia, "risks": dpia.risks.all(), "comment": comment},
        )
    return None


def _start(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """``?request=ISR-...`` starts the DPIA from that request's screening answers."""
    reference = request.GET.get("request", "")
    if not reference:
        return {"sharing_request": None}
    return {"sharing_request": get_sharing_request_for_user(request.user, reference, http_request=request)}


def _new_form(request: AuthenticatedHttpRequest, start: dict[str, Any]) -> DpiaForm:
    sharing_request: SharingRequest | None = start["sharing_request"]
    initial: dict[str, Any] = {}
    if sharing_request is not None:
        initial = {"title": sharing_request.title, **services.screening_from_request(sharing_request)}
    return DpiaForm(request.POST or None, initial=initial)


PAGES = RegisterPages[Dpia](
    kind="dpia",
    prefix="registers/dpias/",
    noun="dpia",
    may_open=can_read_dpias,
    get=selectors.get_dpia_for_user,
    listing=RegisterList(
        register="dpias",
        filter_form=DpiaFilterForm,
        rows=lambda request, filters, now: selectors.dpia_list(
            user=request.user, today=timezone.localdate(now), **filters
        ),
        template="requests_app/dpia_list.html",
        context=lambda request, now: {"can_change": can_change_registers(request.user)},
        csv_name="DPIA",
        header=CSV_HEADER,
        row=_csv_row,
    ),
    creating=RegisterCreate(
        wanted="start a DPIA",
        template="requests_app/dpia_form.html",
        start=_start,
        new_form=_new_form,
        save=lambda request, form, start: services.dpia_create(
            actor=request.user,
            sharing_request=start["sharing_request"],
            http_request=request,
            **form.service_data(),  # type: ignore[attr-defined]
        ),
        created=lambda dpia: f"{dpia.reference} started.",
        context=lambda start: {"heading": "Start a DPIA", **start},
    ),
    editing=RegisterEdit(
        template="requests_app/dpia_form.html",
        new_form=lambda request, dpia: DpiaForm(
            request.POST or None,
            initial={
                "title": dpia.title,
                "processing_description": dpia.processing_description,
                "necessity_assessment": dpia.necessity_assessment,
                **dpia.screening,
            },
        ),
        save=lambda request, dpia, form: services.dpia_update(
            dpia=dpia,
            actor=request.user,
            http_request=request,
            **form.service_data(),  # type: ignore[attr-defined]
        ),
        saved=lambda dpia: f"{dpia.reference} saved.",
        context=lambda dpia: {"heading": f"Change {dpia.reference}"},
    ),
    detail_template="requests_app/dpia_detail.html",
    detail_context=_detail_context,
    moves=True,
    confirm=_confirm_sign_off,
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
    return PAGES.detail_page(request, dpia, {"risk_form": form}, 400)


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
