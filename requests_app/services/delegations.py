"""Delegated sign-off: an officer names a deputy to sign their stage for a period, and may end it early."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from igportal.roles import Role, roles_of
from requests_app.models import Delegation
from requests_app.models.delegations import DELEGABLE_ROLES, MAX_DELEGATION_DAYS
from requests_app.services.audit import audit_record


def delegable_roles_of(user: User) -> list[Role]:
    held = roles_of(user)
    return [role for role in DELEGABLE_ROLES if role in held]


@transaction.atomic
def delegation_create(
    *,
    officer: User,
    deputy: User | None,
    role: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    request: HttpRequest | None = None,
) -> Delegation:
    errors: dict[str, str] = {}
    mine = delegable_roles_of(officer)
    if not mine:
        raise PermissionDenied("You hold no role whose sign-off can be delegated.")
    if role not in {r.value for r in mine}:
        errors["role"] = "Choose a role you hold: you can only delegate your own sign-off."
    if deputy is None or not deputy.is_active:
        errors["deputy"] = "Enter the username or email address of an active portal user."
    elif deputy.pk == officer.pk:
        errors["deputy"] = "Choose someone else: the deputy signs while you are away."
    today = timezone.localdate()
    if starts_on < today:
        errors["starts_on"] = "The start date must be today or in the future."
    if ends_on < starts_on:
        errors["ends_on"] = "The end date must be the same as or after the start date."
    elif (ends_on - starts_on).days + 1 > MAX_DELEGATION_DAYS:
        errors["ends_on"] = f"A delegation can last {MAX_DELEGATION_DAYS} days at most."
    if not reason.strip():
        errors["reason"] = "Enter why you are delegating, for example annual leave."
    if not errors and (
        Delegation.objects.select_for_update()
        .filter(
            officer=officer, role=role, ended_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        .exists()
    ):
        errors["starts_on"] = (
            "You have already delegated this role for some of these dates: end that one first."
        )
    if errors:
        raise ValidationError(errors)
    assert deputy is not None
    delegation = Delegation.objects.create(
        officer=officer, deputy=deputy, role=role, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()
    )
    audit_record(
        action="delegation.created",
        actor=officer,
        target=delegation,
        request=request,
        detail={
            "role": role,
            "deputy": deputy.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return delegation


@transaction.atomic
def delegation_end(*, delegation: Delegation, actor: User, request: HttpRequest | None = None) -> None:
    """The officer ends a delegation early; one that has already run out is left as it is."""
    if delegation.officer_id != actor.pk:
        raise PermissionDenied("Only the officer who gave a delegation can end it.")
    locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if locked.ended_at is not None or locked.ends_on < timezone.localdate():
        return
    locked.ended_at = timezone.now()
    locked.save(update_fields=["ended_at"])
    audit_record(
        action="delegation.ended", actor=actor, target=locked, request=request, detail={"role": locked.role}
    )
