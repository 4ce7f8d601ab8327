"""Reads of the DPIA register."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import HttpRequest

from requests_app.models import Dpia, DpiaStatus
from requests_app.permissions import can_change_registers, can_read_dpias
from requests_app.selectors.registers import refuse_change, refuse_unseen

User = AbstractBaseUser | AnonymousUser


def get_dpia_for_user(
    user: User, pk: int, *, for_change: bool = False, http_request: HttpRequest | None = None
) -> Dpia:
    """The DPIA, or 404 when the user may not see DPIAs; 403 when they may see it but not change it."""
    dpia = (
        Dpia.objects.select_related("request", "created_by", "dpo_advice_by", "siro_signed_by")
        .prefetch_related("risks")
        .filter(pk=pk)
        .first()
        if can_read_dpias(user)
        else None
    )
    if dpia is None:
        refuse_unseen(user, target_type="dpia", label=str(pk), http_request=http_request)
    if for_change and not can_change_registers(user):
        refuse_change(user, target=dpia, wanted="change a DPIA", http_request=http_request)
    return dpia


def review_overdue(today: datetime.date) -> Q:
    return Q(status=DpiaStatus.SIGNED_OFF, next_review_on__lt=today)


def dpia_list(
    *, user: User, today: datetime.date, search: str = "", status: str = "", overdue: bool = False
) -> QuerySet[Dpia]:
    if not can_read_dpias(user):
        return Dpia.objects.none()
    dpias = Dpia.objects.select_related("request", "siro_signed_by").prefetch_related("risks")
    if search:
        dpias = dpias.filter(
            Q(reference__icontains=search)
            | Q(title__icontains=search)
            | Q(request__reference__icontains=search)
        )
    if status:
        dpias = dpias.filter(status=status)
    if overdue:
        dpias = dpias.filter(review_overdue(today))
    return dpias.annotate(
        overdue=Case(
            When(review_overdue(today), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    ).order_by("-overdue", "-created_at", "-id")
