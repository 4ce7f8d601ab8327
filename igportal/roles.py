"""Roles are Django groups; this module is the one place that names them.

A user may hold several roles. Only ``role_grant`` and ``role_revoke`` change
membership so that later every change can be audited in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, User
from django.db import transaction
from django.db.models import QuerySet


class Role(StrEnum):
    REQUESTER = "requester"
    IG_OFFICER = "ig_officer"
    DPO = "dpo"
    CALDICOTT_GUARDIAN = "caldicott_guardian"
    SIRO = "siro"
    AUDITOR = "auditor"
    INFORMATION_ASSET_OWNER = "information_asset_owner"

    @property
    def group_name(self) -> str:
        return ROLE_GROUP_NAMES[self]

    @property
    def label(self) -> str:
        return ROLE_GROUP_NAMES[self]


ROLE_GROUP_NAMES: dict[Role, str] = {
    Role.REQUESTER: "Staff requester",
    Role.IG_OFFICER: "IG officer",
    Role.DPO: "Data Protection Officer",
    Role.CALDICOTT_GUARDIAN: "Caldicott Guardian",
    Role.SIRO: "SIRO",
    Role.AUDITOR: "Auditor",
    Role.INFORMATION_ASSET_OWNER: "Information Asset Owner",
}
_ROLE_BY_GROUP_NAME = {name: role for role, name in ROLE_GROUP_NAMES.items()}

# Roles that review or sign off other people's requests; the others only ask or read.
REVIEWING_ROLES = frozenset({Role.IG_OFFICER, Role.DPO, Role.CALDICOTT_GUARDIAN, Role.SIRO})

# The IG team: IG officers and the Data Protection Officer triage, route, keep the registers and handle
# access requests. Written once here; ``is_ig_team`` is the predicate.
IG_TEAM = frozenset({Role.IG_OFFICER, Role.DPO})

_CACHE_ATTRIBUTE = "_igportal_roles"


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[Role]:
    """The roles a user holds, read once per request and cached on the user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        names = Group.objects.filter(user__pk=user.pk).values_list("name", flat=True)
        cached = frozenset(_ROLE_BY_GROUP_NAME[name] for name in names if name in _ROLE_BY_GROUP_NAME)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def remember_roles(user: AbstractBaseUser, group_names: frozenset[str]) -> None:
    """Cache the roles read with the session (``igportal.accounts.principal``) for this request."""
    roles = frozenset(_ROLE_BY_GROUP_NAME[name] for name in group_names if name in _ROLE_BY_GROUP_NAME)
    setattr(user, _CACHE_ATTRIBUTE, roles)


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: Role) -> bool:
    """True when the user holds at least one of ``roles``."""
    return not roles_of(user).isdisjoint(roles)


def is_ig_team(user: AbstractBaseUser | AnonymousUser) -> bool:
    """An IG officer or the DPO."""
    return not roles_of(user).isdisjoint(IG_TEAM)


def role_holders(roles: Iterable[Role]) -> QuerySet[User]:
    """The active people holding at least one of ``roles``, each once (unordered: callers order)."""
    names = [role.group_name for role in roles]
    return User.objects.filter(is_active=True, groups__name__in=names).distinct()


def _forget_cached_roles(user: User) -> None:
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def ensure_role_groups() -> None:
    """Create the role groups if they are missing; safe to run any number of times."""
    for name in ROLE_GROUP_NAMES.values():
        Group.objects.get_or_create(name=name)


@transaction.atomic
def role_grant(*, user: User, role: Role) -> None:
    group, _ = Group.objects.get_or_create(name=role.group_name)
    group.user_set.add(user)
    _forget_cached_roles(user)


@transaction.atomic
def role_revoke(*, user: User, role: Role) -> None:
    group = Group.objects.filter(name=role.group_name).first()
    if group is not None:
        group.user_set.remove(user)
    _forget_cached_roles(user)
