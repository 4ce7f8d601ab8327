"""Withdrawal of consent: every flow that relied on it is marked for reassessment, every recipient told.

[001 s6]: "Sharing or disclosure of personal data must cease if consent is withdrawn. Withdrawal of
consent must be communicated to the other parties as soon as possible", and each must then assess
whether another lawful condition applies. One notice per recipient organisation, sent once by a task.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from igportal.dates import full_date, short_date
from igportal.log_redaction import redact
from requests_app.models import (
    ConsentWithdrawal,
    ConsentWithdrawalNotice,
    DataFlow,
    Disclosure,
    DisclosureKind,
    Organisation,
    OrganisationSettings,
)
from requests_app.permissions import can_change_registers
from requests_app.services.audit import audit_record
from requests_app.services.notifications import Delivery, notification_deliver, organisation_notification_make
from requests_app.services.outbox import outbox_enqueue
from requests_app.services.references import reference_allocate
from requests_app.tasks import notify_consent_withdrawal


def _check_reference(subject_reference: str) -> str | None:
    reference = subject_reference.strip()
    if not reference:
        return "Enter the pseudonymous reference for the person."
    if redact(reference) != reference:
        return "Use a pseudonymous reference: not an NHS number, an email address or a postcode."
    return None


@transaction.atomic
def consent_withdrawal_record(
    *,
    actor: User,
    subject_reference: str,
    withdrawn_on: datetime.date,
    flows: Iterable[DataFlow] = (),
    disclosures: Iterable[Disclosure] = (),
    notes: str = "",
    http_request: HttpRequest | None = None,
) -> ConsentWithdrawal:
    """Record the withdrawal against the flows and disclosures that relied on the person's consent.

    Each flow is marked for reassessment, and each organisation that received information on that
    basis gets one notice, emailed to its IG contact (a notification, see ``consent_notice_deliver``) once the
    transaction commits; an organisation with
    no contact on record is listed for the IG team to tell another way.
    """
    if not can_change_registers(actor):
        raise PermissionDenied("Only IG officers and the DPO record withdrawals of consent.")
    flows = list(
        DataFlow.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .filter(pk__in=[flow.pk for flow in flows])
        .order_by("reference")
    )
    disclosures = list(
        Disclosure.objects.select_related("recipient")
        .filter(pk__in=[disclosure.pk for disclosure in disclosures])
        .order_by("reference")
    )
    errors: dict[str, list[str]] = {}
    problem = _check_reference(subject_reference)
    if problem:
        errors["subject_reference"] = [problem]
    if withdrawn_on > timezone.localdate():
        errors["withdrawn_on"] = ["The date cannot be in the future."]
    if not flows and not disclosures:
        errors["flows"] = ["Choose the data flows or disclosures that relied on the person's consent."]
    for flow in flows:
        if not flow.relies_on_consent:
            errors.setdefault("flows", []).append(f"{flow.reference} does not rely on consent.")
    for disclosure in disclosures:
        if disclosure.kind != DisclosureKind.DISCLOSURE or not disclosure.relies_on_consent:
            errors.setdefault("disclosures", []).append(f"{disclosure.reference} did not rely on consent.")
    if errors:
        raise ValidationError(errors)

    withdrawal = ConsentWithdrawal.objects.create(
        reference=reference_allocate(prefix="CW", year=timezone.localdate().year),
        subject_reference=subject_reference.strip(),
        withdrawn_on=withdrawn_on,
        notes=notes.strip(),
        recorded_by=actor,
    )
    withdrawal.flows.set(flows)
    withdrawal.disclosures.set(disclosures)
    reason = f"{withdrawal.reference}: a data subject withdrew consent on {short_date(withdrawn_on)}."
    for flow in flows:
        flow.needs_reassessment = True
        flow.reassessment_reason = (
            f"{flow.reassessment_reason}\n{reason}".strip() if flow.reassessment_reason else reason
        )
        flow.save(update_fields=["needs_reassessment", "reassessment_reason", "updated_at"])
    recipients: dict[int, Organisation] = {}
    for flow in flows:
        recipients.setdefault(flow.recipient_id, flow.recipient)
    for disclosure in disclosures:
        recipients.setdefault(disclosure.recipient_id, disclosure.recipient)
    notices = ConsentWithdrawalNotice.objects.bulk_create(
        ConsentWithdrawalNotice(
            withdrawal=withdrawal, organisation=organisation, email=organisation.contact_email
        )
        for organisation in sorted(recipients.values(), key=lambda organisation: organisation.name)
    )
    audit_record(
        action="consent_withdrawal.create",
        actor=actor,
        target=withdrawal,
        request=http_request,
        detail={
            "flows": [flow.reference for flow in flows],
            "disclosures": [disclosure.reference for disclosure in disclosures],
            "organisations_told": sum(1 for notice in notices if notice.email),
            "organisations_without_contact": sum(1 for notice in notices if not notice.email),
        },
    )
    for notice in notices:
        if notice.email:
            outbox_enqueue(notify_consent_withdrawal, notice.pk)
    return withdrawal


@transaction.atomic
def consent_notice_told(
    *, notice: ConsentWithdrawalNotice, actor: User, how: str, http_request: HttpRequest | None = None
) -> ConsentWithdrawalNotice:
    """An organisation with no contact email was told another way (by phone, by letter)."""
    if not can_change_registers(actor):
        raise PermissionDenied("Only IG officers and the DPO record how an organisation was told.")
    if not how.strip():
        raise ValidationError({"how": "Say how, when and to whom they were told."})
    claimed = ConsentWithdrawalNotice.objects.filter(pk=notice.pk, notified_at=None).update(
        notified_at=timezone.now(), told_how=how.strip()
    )
    if not claimed:
        raise ValidationError(f"{notice.organisation.name} has already been told.")
    notice.refresh_from_db()
    audit_record(
        action="consent_withdrawal.told",
        actor=actor,
        target=notice.withdrawal,
        request=http_request,
        detail={"organisation": notice.organisation.name},
    )
    return notice


def consent_notice_deliver(*, notice_id: int, task_id: str, now: datetime.datetime) -> int:
    """Email one recipient organisation that consent was withdrawn [001 s6]; returns 1 when this call sent
    it, 0 when it was already sent, is being sent, has no address or failed (then it is retried).

    The email is a notification like any other: claimed with a lease, sent with a stable Message-ID,
    a failure rescheduled in the database and sent again by the delivery sweep. The message names the
    pseudonymous reference and our references, never the person.
    """
    notice = (
        ConsentWithdrawalNotice.objects.select_related("withdrawal", "organisation")
        .filter(pk=notice_id, notified_at=None)
        .exclude(email="")
        .first()
    )
    if notice is None:
        return 0
    subject, body = _notice_message(notice)
    notification = organisation_notification_make(notice=notice, subject=subject, body=body, now=now)
    delivery = notification_deliver(notification_id=notification.pk, task_id=task_id, now=now)
    return int(delivery == Delivery.SENT)


def _notice_message(notice: ConsentWithdrawalNotice) -> tuple[str, str]:
    withdrawal = notice.withdrawal
    received = [
        f"- data flow {flow.reference} ({flow.get_schedule_display().lower()})"
        for flow in withdrawal.flows.filter(recipient=notice.organisation)
    ] + [
        f"- disclosure {disclosure.reference} of {full_date(disclosure.disclosed_on)}"
        for disclosure in withdrawal.disclosures.filter(recipient=notice.organisation)
    ]
    portal = OrganisationSettings.load()
    body = (
        f"Dear {notice.organisation.contact_name or 'IG lead'},\n\n"
        f"A data subject has withdrawn the consent on which {portal.name} shared their information with "
        f"{notice.organisation.name}. Our reference for the person is {withdrawal.subject_reference}; "
        f"the withdrawal is recorded as {withdrawal.reference}, "
        f"dated {full_date(withdrawal.withdrawn_on)}.\n\n"
        "It concerns what you received under:\n" + "\n".join(received) + "\n\n"
        "Please stop any sharing or use that relies on this consent, and assess whether another condition "
        "under the UK GDPR lawfully applies to the information you already hold. Reply to this message "
        "when you have done so.\n"
    )
    return f"Consent withdrawn: {withdrawal.reference} ({portal.name})", body
