"""Reads for delegated sign-off: the roles a person acts in today, and whose signature they would give."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import QuerySet
from django.utils import timezone

from igportal.roles import Role, roles_of
from requests_app.models import Delegation

_CACHE_ATTRIBUTE = "_igportal_acting_roles"


def delegations_in_force(*, deputy: AbstractBaseUser, on: datetime.date) -> QuerySet[Delegation]:
    return Delegation.objects.filter(
        deputy_id=deputy.pk,
        ended_at__isnull=True,
        starts_on__lte=on,
        ends_on__gte=on,
        officer__is_active=True,
    )


def acting_roles(user: AbstractBaseUser | AnonymousUser, on: datetime.date | None = None) -> frozenset[Role]:
    """The roles a person holds, plus those delegated to them that are in force ``on`` (today).

    Only the sign-off predicate and the reviewers' reads ask this: a deputy signs the officer's stage
    and sees what the officer would see to sign it, and nothing else of the officer's changes hands.
    A delegation stops counting if its officer no longer holds the role.
    """
    own = roles_of(user)
    if not user.is_authenticated or not user.is_active:
        return own
    today = timezone.localdate()
    when = on or today
    cached: frozenset[Role] | None = getattr(user, _CACHE_ATTRIBUTE, None) if when == today else None
    if cached is None:
        delegated = {
            Role(delegation.role)
            for delegation in delegations_in_force(deputy=user, on=when).select_related("officer")
            if Role(delegation.role) in roles_of(delegation.officer)
        }
        cached = own | delegated
        if when == today:
            setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def delegator_for(user: User, roles: Iterable[Role], on: datetime.date | None = None) -> User | None:
    """The officer on whose behalf ``user`` signs a stage that ``roles`` may sign: None when the user holds
    one of those roles themselves (they sign in their own name)."""
    wanted = frozenset(roles)
    if roles_of(user) & wanted:
        return None
    for delegation in delegations_in_force(deputy=user, on=on or timezone.localdate()).select_related(
        "officer"
    ):
        role = Role(delegation.role)
        if role in wanted and role in roles_of(delegation.officer):
            return delegation.officer
    return None


def delegations_for(user: User) -> QuerySet[Delegation]:
    """The delegations a person gave or holds, newest first, for their delegation page."""
    return (Delegation.objects.filter(officer=user) | Delegation.objects.filter(deputy=user)).select_related(
        "officer", "deputy"
    )
