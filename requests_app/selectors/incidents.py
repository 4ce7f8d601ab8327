"""Reads of the incident log."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import HttpRequest

from requests_app.incident_grading import ICO_DEADLINE
from requests_app.models import Incident
from requests_app.permissions import can_change_registers, can_read_registers
from requests_app.selectors.registers import refuse_change, refuse_unseen

User = AbstractBaseUser | AnonymousUser


def get_incident_for_user(
    user: User, pk: int, *, for_change: bool = False, http_request: HttpRequest | None = None
) -> Incident:
    incident = (
        Incident.objects.select_related("request", "flow", "reported_by").filter(pk=pk).first()
        if can_read_registers(user)
        else None
    )
    if incident is None:
        refuse_unseen(user, target_type="incident", label=str(pk), http_request=http_request)
    if for_change and not can_change_registers(user):
        refuse_change(user, target=incident, wanted="change an incident", http_request=http_request)
    return incident


def ico_clock_running() -> Q:
    """Decided reportable and not yet reported: the 72 hours are running (or have run out)."""
    return Q(ico_reportable=True, reported_to_ico_at__isnull=True)


def ico_overdue(now: datetime.datetime) -> Q:
    return ico_clock_running() & Q(aware_at__lt=now - ICO_DEADLINE)


def incident_list(
    *,
    user: User,
    now: datetime.datetime,
    search: str = "",
    kind: str = "",
    status: str = "",
    ico_reportable: bool = False,
    clock_running: bool = False,
) -> QuerySet[Incident]:
    """The log, incidents whose ICO report is overdue first, then the newest."""
    if not can_read_registers(user):
        return Incident.objects.none()
    incidents = Incident.objects.select_related("request", "flow")
    if search:
        incidents = incidents.filter(
            Q(reference__icontains=search)
            | Q(title__icontains=search)
            | Q(request__reference__icontains=search)
            | Q(flow__reference__icontains=search)
        )
    if kind:
        incidents = incidents.filter(kind=kind)
    if status:
        incidents = incidents.filter(status=status)
    if ico_reportable:
        incidents = incidents.filter(ico_reportable=True)
    if clock_running:
        incidents = incidents.filter(ico_clock_running())
    return incidents.annotate(
        overdue=Case(
            When(ico_overdue(now), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    ).order_by("-overdue", "-aware_at", "-id")
