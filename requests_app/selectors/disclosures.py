"""Reads of the disclosure log: everyone's entries for the register readers, their own for requesters."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from requests_app.models import Disclosure
from requests_app.permissions import can_read_registers, can_see_own_disclosures_and_flows
from requests_app.selectors.registers import refuse_unseen

User = AbstractBaseUser | AnonymousUser


def visible_disclosures(user: User) -> QuerySet[Disclosure]:
    if can_read_registers(user):
        return Disclosure.objects.all()
    if can_see_own_disclosures_and_flows(user):
        return Disclosure.objects.filter(request__requester_id=user.pk)
    return Disclosure.objects.none()


def get_disclosure_for_user(user: User, pk: int, *, http_request: HttpRequest | None = None) -> Disclosure:
    """The entry, or 404 when the user may not see it. Entries are never changed once logged."""
    disclosure = (
        visible_disclosures(user)
        .select_related("request", "recipient", "disclosed_by", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if disclosure is None:
        refuse_unseen(user, target_type="disclosure", label=str(pk), http_request=http_request)
    return disclosure


def disclosure_list(
    *,
    user: User,
    search: str = "",
    kind: str = "",
    purpose: str = "",
    outside_wizard: bool = False,
    police: bool = False,
    disclosed_from: datetime.date | None = None,
    disclosed_to: datetime.date | None = None,
) -> QuerySet[Disclosure]:
    """The log as ``user`` may see it, filtered; newest first."""
    entries = visible_disclosures(user).select_related("request", "recipient", "disclosed_by")
    if search:
        entries = entries.filter(
            Q(reference__icontains=search)
            | Q(recipient__name__icontains=search)
            | Q(request__reference__icontains=search)
            | Q(information__icontains=search)
        )
    if kind:
        entries = entries.filter(kind=kind)
    if purpose:
        entries = entries.filter(purpose_category=purpose)
    if outside_wizard:
        entries = entries.filter(request__isnull=True)
    if police:
        entries = entries.filter(purpose_category="police_crime")
    if disclosed_from:
        entries = entries.filter(disclosed_on__gte=disclosed_from)
    if disclosed_to:
        entries = entries.filter(disclosed_on__lte=disclosed_to)
    return entries.order_by("-disclosed_on", "-id")
