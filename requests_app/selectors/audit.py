"""Reads of the audit trail for the DPO and the auditor."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from requests_app.models import AuditEvent
from requests_app.permissions import can_read_audit_trail


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_event_list(
    *,
    viewer: AbstractBaseUser | AnonymousUser,
    actor_id: int | None = None,
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    occurred_from: date | None = None,
    occurred_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, filtered; dates are whole local (UK) days and both ends are included.

    An action ending in a dot (``auth.``) matches every action under it.
    """
    if not can_read_audit_trail(viewer):
        raise PermissionDenied("Only the Data Protection Officer and auditors read the audit trail.")
    events = AuditEvent.objects.all()
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if action.endswith("."):
        events = events.filter(action__startswith=action)
    elif action:
        events = events.filter(action=action)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    if occurred_from is not None:
        events = events.filter(occurred_at__gte=_start_of_day(occurred_from))
    if occurred_to is not None:
        events = events.filter(occurred_at__lt=_start_of_day(occurred_to + timedelta(days=1)))
    return events.select_related("actor").order_by("-id")
