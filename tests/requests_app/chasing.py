"""Helpers for the reminder tests: run sweeps as beat would (emails queued on commit), read the mail."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from typing import Any

from django.core import mail
from django.utils import timezone

from requests_app.models import RequestHistory, RequestStatus, SharingRequest
from requests_app.services.reminders import SweepResult, sweep_run


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def sweep(capture: Any, kind: str, day: date) -> SweepResult:
    """One sweep on ``day``; the send tasks it queues on commit run (inline) before it returns."""
    with capture(execute=True):
        return sweep_run(kind=kind, today=day, now=at(day))


def message_ids() -> Counter[str]:
    return Counter(message.extra_headers["Message-ID"] for message in mail.outbox)


def sent_to(address: str) -> list[str]:
    return [str(message.subject) for message in mail.outbox if message.to == [address]]


def entered(sharing_request: SharingRequest, status: RequestStatus, when: datetime) -> RequestHistory:
    """Record that the request entered ``status`` at ``when``, as the workflow's history would."""
    history = RequestHistory.objects.create(
        request=sharing_request,
        action="start_review" if status == RequestStatus.IG_REVIEW else "approve",
        from_status=RequestStatus.SUBMITTED if status == RequestStatus.IG_REVIEW else RequestStatus.IG_REVIEW,
        to_status=status,
        actor=sharing_request.requester,
    )
    # occurred_at is set on insert; the test needs the past.
    RequestHistory.objects.filter(pk=history.pk).update(occurred_at=when, notified_at=when)
    history.refresh_from_db()
    return history
