"""Background work: thin tasks that take ids, call one service, and do nothing on a second run.

None retries through the broker: a failed email is rescheduled in the database and the delivery
sweep queues it again, so no reminder ever waits as a delayed (ETA or countdown) broker message.
The services queue these tasks, so each task imports its service when it runs.
"""

from __future__ import annotations

import smtplib

from celery import Task, shared_task
from django.utils import timezone


@shared_task(bind=True)
def notify_request_history(self: Task, history_id: int) -> int:
    """Tell the requester and the next signers about one workflow event; returns the emails sent.

    The event is claimed (``notified_at``) in the same transaction that makes each person's
    notification, so it is announced once; the emails then go out one by one, each failure recorded
    on its own notification. A second run sends nothing.
    """
    from requests_app.services.notifications import request_history_announce

    return request_history_announce(history_id=history_id, task_id=self.request.id or "")


@shared_task(bind=True)
def notify_agreement_question(self: Task, history_id: int, signature_id: int) -> int:
    """Tell the IG team of a partner's question about an ISA version; a second run tells nobody."""
    from requests_app.services.notifications import agreement_question_announce

    return agreement_question_announce(
        history_id=history_id, signature_id=signature_id, task_id=self.request.id or ""
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
def sweep_disposals() -> int:
    """Beat's daily job: list each record past its retention period for the DPO, once; returns how many."""
    from requests_app.services.retention import disposal_sweep

    return disposal_sweep(today=timezone.localdate()).raised


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
def send_signature_requests(version_id: int) -> int:
    """Render the signing copy of an ISA version sent for signature and email each unsent link once."""
    from requests_app.services.isas import signature_requests_send

    return signature_requests_send(version_id=version_id)


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


@shared_task(bind=True)
def notify_consent_withdrawal(self: Task, notice_id: int) -> int:
    """Tell one recipient organisation that consent was withdrawn [001 s6]; a second run sends nothing.

    The email is a notification: a failure is rescheduled in the database like any other.
    """
    from requests_app.services.consent import consent_notice_deliver

    return consent_notice_deliver(notice_id=notice_id, task_id=self.request.id or "", now=timezone.now())


@shared_task
def sequence_audit() -> int:
    """Chain the audit events left waiting while the chain was busy (``audit_sequence``); how many."""
    from requests_app.services.audit import audit_sequence

    return audit_sequence()


@shared_task
def checkpoint_audit() -> int | None:
    """Append the audit chain's head, signed, to AUDIT_CHECKPOINT_FILE; returns its last event id.

    A second run with no new events writes nothing. A broken chain raises, so the failure is logged
    by the worker and no checkpoint ever vouches for it.
    """
    from requests_app.services.audit_integrity import audit_checkpoint

    checkpoint = audit_checkpoint(now=timezone.now())
    return checkpoint.last_id if checkpoint is not None else None


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def acknowledge_access_request(case_id: int) -> int:
    """Email an online requester their reference and due date; a second run sends nothing."""
    from requests_app.services.access import access_request_acknowledge

    return access_request_acknowledge(case_id=case_id)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def notify_access_request_lapsed(case_id: int) -> int:
    """Tell a requester their case closed after a pause passed its limit; a second run sends nothing."""
    from requests_app.services.access import access_request_lapse_notice

    return access_request_lapse_notice(case_id=case_id)
