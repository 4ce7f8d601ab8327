"""Single sign-on writes: the person an ID token names, and the roles their claims map to.

Called by the sign-in view once ``igportal.accounts.oidc`` has verified the ID token. Accounts are
matched on (issuer, subject) only; an email address is copied onto the account but never used to find
one, so a reassigned or mistyped address at the provider cannot open someone else's account.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from igportal.roles import Role, role_grant, role_revoke, roles_of
from requests_app.models import ExternalIdentity, RoleMapping
from requests_app.services.audit import audit_record

# Bounds on what a provider may hand us: a token is not trusted to be small.
MAX_CLAIM_VALUES = 500
MAX_CLAIM_VALUE_LENGTH = 255
_NAME_MAX = 150


class InactiveAccount(Exception):
    """The identity is linked to a portal account that has been switched off."""


def claim_values(claims: dict[str, Any], path: str) -> list[str]:
    """The strings the roles claim carries: ``path`` names a claim holding a string or a list of strings,
    or ``claim.key`` for a list of objects (CIS2's ``nhsid_nrbac_roles.role_code``)."""
    name, _, key = path.partition(".")
    raw = claims.get(name)
    items: Iterable[Any] = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    values: list[str] = []
    for item in items:
        value = item.get(key) if key and isinstance(item, dict) else (None if key else item)
        if isinstance(value, str) and 0 < len(value) <= MAX_CLAIM_VALUE_LENGTH and value not in values:
            values.append(value)
        if len(values) >= MAX_CLAIM_VALUES:
            break
    return values


def mapped_roles(values: Iterable[str]) -> frozenset[Role]:
    return frozenset(
        Role(role)
        for role in RoleMapping.objects.filter(claim_value__in=list(values)).values_list("role", flat=True)
    )


def _text(claims: dict[str, Any], name: str, limit: int) -> str:
    value = claims.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _new_username(issuer: str, subject: str) -> str:
    # Never the email address: an account's username must not suggest it was found by one.
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:20]
    return f"sso-{digest}"


def _apply_roles(*, user: User, values: list[str], request: HttpRequest) -> dict[str, list[str]]:
    """Grant the mapped roles the person's claims carry; revoke mapped roles they no longer carry.

    Roles that no mapping names are the portal's own business (granted by a superuser) and are left alone.
    """
    wanted = mapped_roles(values)
    managed = frozenset(Role(role) for role in RoleMapping.objects.values_list("role", flat=True).distinct())
    held = roles_of(user)
    granted = sorted(wanted - held)
    revoked = sorted((held & managed) - wanted)
    for role in granted:
        role_grant(user=user, role=role)
        audit_record(
            action="auth.sso_role_granted",
            actor=user,
            target=user,
            request=request,
            detail={"role": role.value},
        )
    for role in revoked:
        role_revoke(user=user, role=role)
        audit_record(
            action="auth.sso_role_revoked",
            actor=user,
            target=user,
            request=request,
            detail={"role": role.value},
        )
    return {"granted": [r.value for r in granted], "revoked": [r.value for r in revoked]}


@transaction.atomic
def sso_sign_in(*, issuer: str, claims: dict[str, Any], roles_claim: str, request: HttpRequest) -> User:
    """The portal user for a verified ID token: found by (issuer, sub) or created, details and roles
    brought up to date from the claims. Raises ``InactiveAccount`` for a switched-off account."""
    subject = str(claims["sub"])[:MAX_CLAIM_VALUE_LENGTH]
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    created = identity is None
    if identity is None:
        user = User(username=_new_username(issuer, subject))
        user.set_unusable_password()
        user.save()
        identity = ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    user = identity.user
    if not user.is_active:
        raise InactiveAccount
    user.first_name = _text(claims, "given_name", _NAME_MAX) or user.first_name
    user.last_name = _text(claims, "family_name", _NAME_MAX) or user.last_name
    user.email = _text(claims, "email", 254) or user.email
    user.save(update_fields=["first_name", "last_name", "email"])
    values = claim_values(claims, roles_claim)
    identity.last_sign_in_at = timezone.now()
    identity.last_claim_values = values
    identity.save(update_fields=["last_sign_in_at", "last_claim_values"])
    if created:
        audit_record(
            action="auth.sso_account_created",
            actor=user,
            target=identity,
            request=request,
            detail={"issuer": issuer},
        )
    changes = _apply_roles(user=user, values=values, request=request)
    audit_record(
        action="auth.sso_verified",
        actor=user,
        target=identity,
        request=request,
        detail={"issuer": issuer, "claim_values": len(values), **changes},
    )
    return user


def sso_reauthentication_refused_record(
    *, user: User, reason: str, claims: dict[str, Any], request: HttpRequest
) -> None:
    """A confirmation that did not confirm: the account the provider named (so a shared or swapped
    smartcard can be traced) and why it was refused."""
    audit_record(
        action="auth.sso_reauth_refused",
        actor=user,
        request=request,
        detail={
            "reason": reason,
            "subject": str(claims.get("sub", ""))[:MAX_CLAIM_VALUE_LENGTH],
            "auth_time": claims.get("auth_time") if isinstance(claims.get("auth_time"), int) else None,
        },
    )


def sso_refusal_record(*, reason: str, detail: str, request: HttpRequest) -> None:
    audit_record(
        action="auth.sso_refused", actor=None, request=request, detail={"reason": reason, "detail": detail}
    )


@transaction.atomic
def role_mapping_save(
    *, mapping: RoleMapping, actor: User, request: HttpRequest | None, created: bool
) -> None:
    mapping.save()
    audit_record(
        action="sso.role_mapping_added" if created else "sso.role_mapping_changed",
        actor=actor,
        target=mapping,
        request=request,
        detail={"claim_value": mapping.claim_value, "role": mapping.role},
    )


@transaction.atomic
def role_mapping_delete(*, mapping: RoleMapping, actor: User, request: HttpRequest | None) -> None:
    detail = {"claim_value": mapping.claim_value, "role": mapping.role}
    audit_record(
        action="sso.role_mapping_removed", actor=actor, target=mapping, request=request, detail=detail
    )
    mapping.delete()
