"""Writes and the credential check for personal API tokens."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from igportal.accounts.mfa import mfa_required_by_role
from requests_app.models import ApiToken, ApiTokenScope
from requests_app.services.audit import audit_record

TOKEN_PREFIX = "igp"  # noqa: S105 (the tokens' fixed first part, not a secret)
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
MAX_ACTIVE_TOKENS = 20
# Recording every use would write a row per API call; a few minutes is precise enough to spot a stale token.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """The new token's row and its full text, which exists only here and is shown to its owner once."""

    token: ApiToken
    plaintext: str


def write_token_needs_mfa(user: User) -> bool:
    return mfa_required_by_role(user)


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scope: str,
    expires_in_days: int = DEFAULT_LIFETIME_DAYS,
    mfa_verified: bool,
    http_request: HttpRequest | None = None,
) -> IssuedToken:
    """Issue a token for ``user``; write tokens of MFA roles only from a session that passed MFA."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Say what the token is for."
    if scope not in ApiTokenScope.values:
        errors["scope"] = "Choose read or write."
    if not 1 <= expires_in_days <= MAX_LIFETIME_DAYS:
        errors["expires_in_days"] = f"A token lasts from 1 to {MAX_LIFETIME_DAYS} days."
    if errors:
        raise ValidationError(errors)
    if scope == ApiTokenScope.WRITE and write_token_needs_mfa(user) and not mfa_verified:
        raise PermissionDenied(
            "Your role needs multi-factor authentication: verify your second factor in this session "
            "before you create a write token."
        )
    # Locks the owner's row so that two requests at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    active = ApiToken.objects.filter(user=user, revoked_at=None, expires_at__gt=now).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(f"You have {active} active tokens; revoke one you no longer use first.")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        secret_sha256=_sha256(secret),
        scope=scope,
        created_with_mfa=mfa_verified,
        expires_at=now + datetime.timedelta(days=expires_in_days),
    )
    audit_record(
        action="api.token_created",
        actor=user,
        target=token,
        request=http_request,
        detail={"scope": scope, "expires_at": token.expires_at, "created_with_mfa": mfa_verified},
    )
    return IssuedToken(token=token, plaintext=f"{TOKEN_PREFIX}_{prefix}_{secret}")


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User, http_request: HttpRequest | None = None) -> ApiToken:
    """Revoke one of the actor's own tokens; revoking it again changes nothing."""
    if token.user_id != actor.pk:
        raise PermissionDenied("You can revoke only your own tokens.")
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())
    token.refresh_from_db()
    if revoked:
        audit_record(action="api.token_revoked", actor=actor, target=token, request=http_request)
    return token


class TokenRefused(Exception):
    """The presented token is not one that may be used; the message says why in terms its owner can act on."""


def api_token_authenticate(presented: str, *, http_request: HttpRequest | None = None) -> ApiToken:
    """The active token ``presented`` names, with its user loaded; raises TokenRefused otherwise.

    A refusal of a token that exists (revoked, expired, owner deactivated) is audited: its owner or the
    DPO will want to know where a dead credential is still in use.
    """
    # The secret is URL-safe base64, which may itself hold underscores.
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        raise TokenRefused("That is not an IG Portal API token.")
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_sha256, _sha256(parts[2])):
        raise TokenRefused("That token is not recognised.")
    reason = ""
    if token.revoked_at is not None:
        reason = "This token has been revoked."
    elif token.expires_at <= timezone.now():
        reason = "This token has expired; create a new one."
    elif not token.user.is_active:
        reason = "The token's owner can no longer sign in."
    elif (
        token.scope == ApiTokenScope.WRITE
        and write_token_needs_mfa(token.user)
        and not token.created_with_mfa
    ):
        # The owner's role came to need MFA after the token was made without it.
        reason = (
            "Your role now needs multi-factor authentication: create a new write token from a"
            " verified session."
        )
    if reason:
        audit_record(
            action="api.token_refused",
            actor=token.user,
            target=token,
            request=http_request,
            detail={"reason": reason},
        )
        raise TokenRefused(reason)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
