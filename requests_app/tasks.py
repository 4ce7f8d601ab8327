"""Background work: thin tasks that take ids, call one service, and do nothing on a second run.

None retries through the broker: a failed email is rescheduled in the database and the delivery
sweep queues it again, so no reminder ever waits as a delayed (ETA or countdown) broker message.
The services queue these tasks, so each task imports its service when it runs.
"""

from __future__ import annotations

import smtplib

from celery import Task, shared_task
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from igportal.people import display_name
from requests_app.models import (
    ConsentWithdrawalNotice,
    DeliveryStatus,
    OrganisationSettings,
    RequestHistory,
    RequestStatus,
)

# Who is told when a request reaches each status (besides the requester).
_NEXT_SIGNER_GROUPS = {
    RequestStatus.SUBMITTED: ("IG officer",),
    RequestStatus.IG_REVIEW: (),
    RequestStatus.AWAITING_CALDICOTT: ("Caldicott Guardian",),
    RequestStatus.AWAITING_SIRO: ("SIRO",),
}


def _next_signers(history: RequestHistory) -> QuerySet[User]:
    request = history.request
    status = RequestStatus(history.to_status)
    if status == RequestStatus.IG_REVIEW and request.assigned_to_id is not None:
        people = Q(pk=request.assigned_to_id)
    elif status == RequestStatus.AWAITING_CALDICOTT and OrganisationSettings.load().caldicott_guardian_id:
        # The named Caldicott Guardian first; the deputies in the role group are not mailed for every request.
        people = Q(pk=OrganisationSettings.load().caldicott_guardian_id)
    else:
        people = Q(groups__name__in=_NEXT_SIGNER_GROUPS.get(status, ()))
    return (
        User.objects.filter(people, is_active=True)
        .exclude(pk__in=[history.actor_id, request.requester_id])
        .distinct()
        .order_by("pk")
    )


@shared_task(bind=True)
def notify_request_history(self: Task, history_id: int) -> int:
    """Tell the requester and the next signers about one workflow event; returns the emails sent.

    The event is claimed (``notified_at``) in the same transaction that makes each person's
    notification, so it is announced once; the emails then go out one by one, each failure recorded
    on its own notification. A second run sends nothing.
    """
    from requests_app.services.notifications import notification_deliver, notifications_create

    now = timezone.now()
    with transaction.atomic():
        claimed = RequestHistory.objects.filter(pk=history_id, notified_at=None).update(notified_at=now)
        if not claimed:
            return 0
        history = RequestHistory.objects.select_related("request", "request__requester", "actor").get(
            pk=history_id
        )
        request = history.request
        status = history.get_to_status_display()
        actor = display_name(history.actor)
        recipients = list(_next_signers(history))
        if request.requester_id != history.actor_id and request.requester.is_active:
            recipients.append(request.requester)
        # Emails leave the organisation's systems: they carry the reference and the status, never the answers.
        made = notifications_create(
            recipients=recipients,
            subject=f"{request.reference}: {status}",
            body=(
                f"Sharing request {request.reference} is now: {status}.\n"
                f"Action: {history.action.replace('_', ' ')} by {actor}."
            ),
            link=reverse("request_detail", args=[request.reference]),
            now=now,
            history=history,
        )
    task_id = self.request.id or ""
    return sum(
        notification_deliver(notification_id=notification.pk, task_id=task_id, now=timezone.now()) == "sent"
        for notification in made
        if notification.status == DeliveryStatus.PENDING
    )


@shared_task(bind=True)
def send_notification(self: Task, notification_id: int) -> str:
    """Email one notification; safe to run any number of times (see the send window in the service)."""
    from requests_app.services.notifications import notification_deliver

    return notification_deliver(
        notification_id=notification_id, task_id=self.request.id or "", now=timezone.now()
    ).value


@shared_task
def run_sweep(kind: str) -> int:
    """One reminder source's sweep for today; returns the milestones it claimed."""
    from requests_app.services.reminders import sweep_run

    now = timezone.now()
    return sweep_run(kind=kind, today=timezone.localdate(now), now=now).claimed


@shared_task
def run_all_sweeps() -> list[str]:
    """Beat's entry point: one sweep task per registered source, so a failing source stops no other."""
    from requests_app.reminders import REMINDER_SOURCES

    for kind in REMINDER_SOURCES:
        run_sweep.delay(kind)
    return list(REMINDER_SOURCES)


@shared_task
def requeue_deliveries() -> int:
    """Queue the emails owed now (retries, lost messages, dead senders); returns how many."""
    from requests_app.services.reminders import deliveries_sweep

    return deliveries_sweep(now=timezone.now()).claimed


@shared_task
def render_decision_record(history_id: int) -> int:
    """Render and store the decision record of one decision; a second run finds it stored."""
    from requests_app.services.documents import decision_record_render

    return decision_record_render(history_id=history_id).pk


@shared_task
def render_agreement_document(version_id: int) -> int:
    """Render and store the PDF of an ISA version that came into force; a second run finds it stored."""
    from requests_app.services.documents import agreement_document_render

    return agreement_document_render(version_id=version_id).pk


@shared_task
def render_missing_documents() -> int:
    """Queue the renders of decision records and ISA documents that are missing; returns how many."""
    from requests_app.services.documents import documents_sweep

    missing = documents_sweep(now=timezone.now())
    return len(missing.decision_events) + len(missing.agreement_versions)


@shared_task
def relay_outbox() -> int:
    """Hand the work waiting in the outbox to the broker; returns how many messages it handed over."""
    from requests_app.services.outbox import outbox_relay

    return outbox_relay(now=timezone.now()).handed_over


@shared_task
def expire_agreements() -> int:
    """Daily: ISAs whose end date has passed stop being in force, and their flows are suspended."""
    from requests_app.services.isas import agreements_expire

    return len(agreements_expire(today=timezone.localdate()))


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def notify_consent_withdrawal(notice_id: int) -> int:
    """Tell one recipient organisation that consent was withdrawn [001 s6]; a second run sends nothing.

    The notice is claimed before sending and released if sending fails, so the retry sends it.
    The message names the pseudonymous reference and our references, never the person.
    """
    claimed = (
        ConsentWithdrawalNotice.objects.filter(pk=notice_id, notified_at=None)
        .exclude(email="")
        .update(notified_at=timezone.now())
    )
    if not claimed:
        return 0
    notice = ConsentWithdrawalNotice.objects.select_related("withdrawal", "organisation").get(pk=notice_id)
    withdrawal = notice.withdrawal
    received = [
        f"- data flow {flow.reference} ({flow.get_schedule_display().lower()})"
        for flow in withdrawal.flows.filter(recipient=notice.organisation)
    ] + [
        f"- disclosure {disclosure.reference} of {disclosure.disclosed_on:%d %B %Y}"
        for disclosure in withdrawal.disclosures.filter(recipient=notice.organisation)
    ]
    portal = OrganisationSettings.load()
    body = (
        f"Dear {notice.organisation.contact_name or 'IG lead'},\n\n"
        f"A data subject has withdrawn the consent on which {portal.name} shared their information with "
        f"{notice.organisation.name}. Our reference for the person is {withdrawal.subject_reference}; "
        f"the withdrawal is recorded as {withdrawal.reference}, dated {withdrawal.withdrawn_on:%d %B %Y}.\n\n"
        "It concerns what you received under:\n" + "\n".join(received) + "\n\n"
        "Please stop any sharing or use that relies on this consent, and assess whether another condition "
        "under the UK GDPR lawfully applies to the information you already hold. Reply to this message "
        "when you have done so.\n"
    )
    message = EmailMessage(
        subject=f"Consent withdrawn: {withdrawal.reference} ({portal.name})", body=body, to=[notice.email]
    )
    try:
        message.send()
    except Exception:
        ConsentWithdrawalNotice.objects.filter(pk=notice_id).update(notified_at=None)
        raise
    return 1
