"""Notifications: made once per person, listed in the portal, emailed with a stable Message-ID.

The send window. ``notification_deliver`` claims the row (status ``sending``, with a lease), hands the
email to the mail server, then marks it ``sent``. A crash after the hand-over and before the mark
leaves the row ``sending``; it is sent again when the lease ends (the delivery sweep) or at once when
the broker redelivers the same task after its worker died. That resend carries the same Message-ID,
so a mail client or an operator can recognise it: the only duplicates are those, inside that window.
The lease outlasts the hard task time limit, so a live send is never doubled.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from igportal.people import display_name
from igportal.roles import Role, role_holders
from requests_app import tasks
from requests_app.models import (
    AgreementHistory,
    AgreementSignature,
    ConsentWithdrawalNotice,
    DeliveryStatus,
    Notification,
    OrganisationSettings,
    ReminderMilestone,
    RequestHistory,
    RequestStatus,
    SignOffStage,
)
from requests_app.models.notifications import OWED_STATUSES
from requests_app.services.outbox import outbox_enqueue
from requests_app.signers import stage_roles

logger = logging.getLogger(__name__)
D = DeliveryStatus


class Delivery(StrEnum):
    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"
    # Someone else holds it, or it needs nothing: already sent, failed for good, or portal-only.
    SKIPPED = "skipped"


def send_lease() -> timedelta:
    """How long a send may hold its row: longer than any task may run, so the holder is dead by then."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: doubling from the base, capped."""
    seconds = settings.CHASER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.CHASER_RETRY_MAX_SECONDS))


def message_id(kind: str, subject_id: int, recipient_id: int) -> str:
    """Stable per (thing notified about, recipient): e.g. ``<reminder.42.7@nhs.example>``."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{kind}.{subject_id}.{recipient_id}@{domain}>"


def notifications_create(
    *,
    recipients: Iterable[User],
    subject: str,
    body: str,
    link: str,
    now: datetime,
    milestone: ReminderMilestone | None = None,
    history: RequestHistory | None = None,
    agreement_history: AgreementHistory | None = None,
) -> list[Notification]:
    """One notification per recipient about a milestone or a workflow event; the caller queues the emails.

    A second call for the same milestone or event and person breaks a unique constraint: callers
    create them only inside the transaction that claimed the milestone or event.
    """
    subjects = [
        (kind, about)
        for kind, about in (("reminder", milestone), ("history", history), ("isa-history", agreement_history))
        if about is not None
    ]
    assert len(subjects) == 1
    kind, subject_id = subjects[0][0], subjects[0][1].pk
    requeue_at = now + timedelta(seconds=settings.CHASER_REQUEUE_AFTER_SECONDS)
    return Notification.objects.bulk_create(
        Notification(
            recipient=person,
            milestone=milestone,
            history=history,
            agreement_history=agreement_history,
            subject=subject[:200],
            body=body,
            link=link,
            email=person.email,
            message_id=message_id(kind, subject_id, person.pk),
            status=D.PENDING if person.email else D.NOT_EMAILED,
            next_attempt_at=requeue_at if person.email else None,
        )
        for person in recipients
    )


def organisation_notification_make(
    *, notice: ConsentWithdrawalNotice, subject: str, body: str, now: datetime
) -> Notification:
    """The one email owed to another organisation for a notice (a withdrawal of consent); made once.

    No person in the portal receives it, so it is only emailed, through the same send window, Message-ID
    and retries as a person's notification. A second call returns the one already made.
    """
    notification, _ = Notification.objects.get_or_create(
        consent_notice=notice,
        defaults={
            "subject": subject[:200],
            "body": body,
            "email": notice.email,
            "message_id": message_id("consent", notice.pk, notice.organisation_id),
            "status": D.PENDING,
            "next_attempt_at": now + timedelta(seconds=settings.CHASER_REQUEUE_AFTER_SECONDS),
        },
    )
    return notification


def _email(notification: Notification) -> EmailMessage:
    link = ""
    if notification.link:
        link = f"\n\nOpen it in IG Portal: {settings.PORTAL_BASE_URL}{notification.link}"
    return EmailMessage(
        subject=notification.subject,
        body=f"{notification.body.rstrip()}{link}\n",
        to=[notification.email],
        # Auto-Submitted asks mail systems not to send out-of-office replies to a machine (RFC 3834).
        headers={"Message-ID": notification.message_id, "Auto-Submitted": "auto-generated"},
    )


def is_permanent(exc: BaseException) -> bool:
    """A failure that no retry can fix: the address or this message was refused (5xx), or is malformed."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return isinstance(exc, ValidationError)


def notification_deliver(*, notification_id: int, task_id: str, now: datetime) -> Delivery:
    """Email one notification, at most once outside the send window; a second run does nothing.

    Transient failures are rescheduled in the database with a doubling backoff (never as a broker
    countdown); permanent ones and the last attempt are recorded as failed. Either way only this
    notification is affected.
    """
    claimable = Q(status__in=[D.PENDING, D.RETRYING]) | Q(status=D.SENDING, next_attempt_at__lte=now)
    if task_id:
        # The broker redelivers a task whose worker died only once that worker is gone.
        claimable |= Q(status=D.SENDING, sending_task_id=task_id)
    claimed = Notification.objects.filter(claimable, pk=notification_id).update(
        status=D.SENDING,
        sending_task_id=task_id,
        attempts=F("attempts") + 1,
        next_attempt_at=now + send_lease(),
    )
    if not claimed:
        return Delivery.SKIPPED
    notification = Notification.objects.get(pk=notification_id)
    try:
        validate_email(notification.email)
        _email(notification).send()
    except Exception as exc:
        return _record_failure(notification, exc, now=now)
    sent_at = timezone.now()
    Notification.objects.filter(pk=notification_id).update(
        status=D.SENT, sent_at=sent_at, next_attempt_at=None, last_error=""
    )
    if notification.consent_notice_id is not None:
        # The organisation has been told: what the withdrawal's page and the registers show.
        ConsentWithdrawalNotice.objects.filter(pk=notification.consent_notice_id, notified_at=None).update(
            notified_at=sent_at
        )
    return Delivery.SENT


def _record_failure(notification: Notification, exc: Exception, *, now: datetime) -> Delivery:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    final = is_permanent(exc) or notification.attempts >= settings.CHASER_MAX_ATTEMPTS
    if not isinstance(exc, smtplib.SMTPException | OSError | ValidationError):
        logger.exception("Unexpected error emailing notification %s", notification.pk)
    else:
        logger.warning("Emailing notification %s failed: %s", notification.pk, error)
    if final:
        Notification.objects.filter(pk=notification.pk).update(
            status=D.FAILED, last_error=error, next_attempt_at=None
        )
        return Delivery.FAILED
    Notification.objects.filter(pk=notification.pk).update(
        status=D.RETRYING, last_error=error, next_attempt_at=now + retry_delay(notification.attempts)
    )
    return Delivery.RETRYING


def notifications_requeue(*, now: datetime, batch_size: int) -> list[int]:
    """Queue the emails that are owed now: retries whose wait is over, queue messages that were lost,
    sends whose worker died (lease over). Bounded; each row is pushed on so the next sweep skips it."""
    grace = now + timedelta(seconds=settings.CHASER_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        owed = list(
            Notification.objects.filter(status__in=OWED_STATUSES, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("pk", "status")[:batch_size]
        )
        abandoned = [pk for pk, status in owed if status == D.SENDING]
        Notification.objects.filter(pk__in=abandoned, status=D.SENDING).update(
            status=D.RETRYING,
            next_attempt_at=grace,
            last_error="The worker sending this email stopped mid-send; it is sent again with the same "
            "Message-ID.",
        )
        waiting = [pk for pk, status in owed if status != D.SENDING]
        Notification.objects.filter(pk__in=waiting).update(next_attempt_at=grace)
        for pk, _ in owed:
            outbox_enqueue(tasks.send_notification, pk)
    return [pk for pk, _ in owed]


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: User, now: datetime) -> None:
    """The owner marks one of their notifications read; the caller's getter has checked ownership."""
    assert notification.recipient_id == user.pk
    Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=now)


def notifications_mark_all_read(*, user: User, now: datetime) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=now)


# --- workflow events ---------------------------------------------------------------------------------

# Who is told when a request reaches each status, besides the requester: the roles that act next.
# The two sign-off stages take their roles from the organisation's policy (``requests_app.signers``).
_NEXT_SIGNER_ROLES: dict[str, tuple[Role, ...]] = {
    RequestStatus.SUBMITTED: (Role.IG_OFFICER,),
    RequestStatus.IG_REVIEW: (),
}
_NEXT_SIGNER_STAGE: dict[str, str] = {
    RequestStatus.AWAITING_CALDICOTT: SignOffStage.CALDICOTT_GUARDIAN,
    RequestStatus.AWAITING_SIRO: SignOffStage.SIRO,
}


def _next_signer_roles(status: str) -> tuple[Role, ...]:
    stage = _NEXT_SIGNER_STAGE.get(status)
    return tuple(stage_roles(stage)) if stage is not None else _NEXT_SIGNER_ROLES.get(status, ())


def _next_signers(history: RequestHistory) -> QuerySet[User]:
    request = history.request
    status = RequestStatus(history.to_status)
    if status == RequestStatus.IG_REVIEW and request.assigned_to_id is not None:
        people = Q(pk=request.assigned_to_id)
    elif status == RequestStatus.AWAITING_CALDICOTT and OrganisationSettings.load().caldicott_guardian_id:
        # The named Caldicott Guardian first; the deputies in the role group are not mailed for every request.
        people = Q(pk=OrganisationSettings.load().caldicott_guardian_id)
    else:
        people = Q(pk__in=role_holders(_next_signer_roles(status)).values("pk"))
    return (
        User.objects.filter(people, is_active=True)
        .exclude(pk__in=[history.actor_id, request.requester_id])
        .order_by("pk")
    )


def request_history_announce(*, history_id: int, task_id: str) -> int:
    """Tell the requester and the next signers about one workflow event; returns the emails sent.

    The event is claimed (``notified_at``) in the same transaction that makes each person's
    notification, so it is announced once; the emails then go out one by one, each failure recorded
    on its own notification. A second call sends nothing.
    """
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
        recipients = list(_next_signers(history))
        if request.requester_id != history.actor_id and request.requester.is_active:
            recipients.append(request.requester)
        # Emails leave the organisation's systems: they carry the reference and the status, never the answers.
        made = notifications_create(
            recipients=recipients,
            subject=f"{request.reference}: {status}",
            body=(
                f"Sharing request {request.reference} is now: {status}.\n"
                f"Action: {history.action.replace('_', ' ')} by {display_name(history.actor)}."
            ),
            link=reverse("request_detail", args=[request.reference]),
            now=now,
            history=history,
        )
    return sum(
        notification_deliver(notification_id=notification.pk, task_id=task_id, now=timezone.now()) == "sent"
        for notification in made
        if notification.status == DeliveryStatus.PENDING
    )


def agreement_question_announce(*, history_id: int, signature_id: int, task_id: str) -> int:
    """Bring a partner's question about an ISA version (``history_id``, asked through the link of
    ``signature_id``) to the IG team, in the portal and by email; returns the emails sent. The question
    is asked on the signing page by someone with no account, so nobody in the portal would otherwise
    learn of it until they opened the agreement.

    The history row is locked while each person's notification is made, and a row already announced is
    left alone, so a second run (or the task delivered twice) tells nobody twice.
    """
    now = timezone.now()
    with transaction.atomic():
        history = (
            AgreementHistory.objects.select_for_update(of=("self",))
            .select_related("version__agreement")
            .get(pk=history_id)
        )
        if history.notifications.exists():
            return 0
        version = history.version
        signature = AgreementSignature.objects.select_related("signatory", "organisation").get(
            pk=signature_id, version=version
        )
        party = signature.organisation.name if signature.organisation else OrganisationSettings.load().name
        signer = signature.signatory
        who = f"{signer.name} ({signer.get_role_display()}, {signer.email})" if signer else party
        made = notifications_create(
            recipients=role_holders([Role.IG_OFFICER, Role.DPO]).order_by("pk"),
            subject=f"Question from {party} about {version.audit_label}",
            # The question came from outside (the partner wrote it), so quoting it in the email leaks
            # nothing of ours; who asked, and their address, let the IG team answer.
            body=(
                f"{who} asks about version {version.number} of {version.agreement.title} before signing "
                f"for {party}:\n\n{history.comment}\n\nAnswer them by email. If the agreement must change, "
                "draft its next version from the agreement's page: every party is then asked to sign again."
            ),
            link=reverse("agreement_version", args=[version.agreement_id, version.number]),
            now=now,
            agreement_history=history,
        )
    return sum(
        notification_deliver(notification_id=notification.pk, task_id=task_id, now=timezone.now()) == "sent"
        for notification in made
        if notification.status == DeliveryStatus.PENDING
    )
