"""Who may do what, as plain predicates; views and services both ask these."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from igportal.roles import Role, has_role

User = AbstractBaseUser | AnonymousUser


def can_manage_organisations(user: User) -> bool:
    return has_role(user, Role.IG_OFFICER, Role.DPO)


def can_edit_organisation_settings(user: User) -> bool:
    return has_role(user, Role.DPO)


def can_view_access_requests(user: User) -> bool:
    # Need-to-know: the cases hold requesters' and data subjects' personal data.
    return has_role(user, Role.IG_OFFICER, Role.DPO, Role.AUDITOR)


def can_change_access_requests(user: User) -> bool:
    return has_role(user, Role.IG_OFFICER, Role.DPO)


def can_read_audit_trail(user: User) -> bool:
    return has_role(user, Role.DPO, Role.AUDITOR)


def can_view_chaser_health(user: User) -> bool:
    # Operators' page: the DPO answers for reminders being sent, superusers run the servers.
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.DPO)
