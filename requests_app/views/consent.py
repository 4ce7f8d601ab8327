"""Pages for withdrawals of consent: recording one, the list, and each with the notices it sent."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from igportal.forms import show_errors
from igportal.people import display_name
from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.consent import ConsentWithdrawalForm, NoticeToldForm
from requests_app.forms.registers import WithdrawalFilterForm
from requests_app.models import ConsentWithdrawal
from requests_app.permissions import can_change_registers, can_read_registers
from requests_app.selectors import consent as selectors
from requests_app.selectors.registers import refuse_change
from requests_app.services.consent import consent_notice_told, consent_withdrawal_record
from requests_app.views.registers import RegisterCreate, RegisterList, RegisterPages

CSV_HEADER = (
    "Reference",
    "Person (pseudonymous reference)",
    "Consent withdrawn on",
    "Data flows marked for reassessment",
    "Disclosures",
    "Organisations told",
    "Organisations not yet told",
    "Recorded by",
    "Recorded at",
)


def _csv_row(withdrawal: ConsentWithdrawal) -> list[object]:
    notices = list(withdrawal.notices.all())
    return [
        withdrawal.reference,
        withdrawal.subject_reference,
        withdrawal.withdrawn_on,
        "; ".join(sorted(flow.reference for flow in withdrawal.flows.all())),
        "; ".join(sorted(disclosure.reference for disclosure in withdrawal.disclosures.all())),
        "; ".join(notice.organisation.name for notice in notices if notice.notified_at),
        "; ".join(notice.organisation.name for notice in notices if not notice.notified_at),
        display_name(withdrawal.recorded_by),
        timezone.localtime(withdrawal.recorded_at),
    ]


PAGES = RegisterPages[ConsentWithdrawal](
    kind="consent_withdrawal",
    prefix="registers/consent-withdrawals/",
    noun="withdrawal",
    may_open=can_read_registers,
    get=selectors.get_withdrawal_for_user,
    listing=RegisterList(
        register="consent_withdrawals",
        filter_form=WithdrawalFilterForm,
        rows=lambda request, filters, now: selectors.withdrawal_list(user=request.user, **filters),
        template="requests_app/consent_withdrawal_list.html",
        context=lambda request, now: {"can_change": can_change_registers(request.user)},
        csv_name="Consent withdrawal",
        header=CSV_HEADER,
        row=_csv_row,
        export_rows=lambda request, filters, now: (
            selectors.withdrawal_list(user=request.user, **filters)
            .select_related("recorded_by")
            .prefetch_related("flows", "disclosures", "notices__organisation")
        ),
    ),
    creating=RegisterCreate(
        wanted="record a withdrawal",
        template="requests_app/consent_withdrawal_form.html",
        new_form=lambda request, start: ConsentWithdrawalForm(request.POST or None),
        save=lambda request, form, start: consent_withdrawal_record(
            actor=request.user, http_request=request, **form.cleaned_data
        ),
        created=lambda withdrawal: (
            f"{withdrawal.reference} recorded: the flows are marked and the recipients are being told."
        ),
    ),
    detail_template="requests_app/consent_withdrawal_detail.html",
    detail_context=lambda request, withdrawal: {
        "can_change": can_change_registers(request.user),
        "told_form": NoticeToldForm(),
    },
)


@require_POST
def consent_notice_told_view(request: AuthenticatedHttpRequest, pk: int, notice_id: int) -> HttpResponse:
    withdrawal = selectors.get_withdrawal_for_user(request.user, pk, http_request=request)
    if not can_change_registers(request.user):
        refuse_change(
            request.user, target=withdrawal, wanted="record how a recipient was told", http_request=request
        )
    notice = withdrawal.notices.filter(pk=notice_id).select_related("organisation", "withdrawal").first()
    if notice is None:
        raise Http404("No such notice.")
    form = NoticeToldForm(request.POST)
    if form.is_valid():
        try:
            consent_notice_told(
                notice=notice, actor=request.user, how=form.cleaned_data["how"], http_request=request
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"Recorded how {notice.organisation.name} was told.")
            return redirect("consent_withdrawal_detail", pk=withdrawal.pk)
    return PAGES.detail_page(request, withdrawal, {"told_form": form, "told_notice": notice.pk}, 400)
