"""Multi-factor authentication: who needs it, enrolment, verification and recovery codes.

Officers who decide on sharing (IG officer, DPO, Caldicott Guardian, SIRO) and every
staff or superuser account must pass a TOTP code (or a single-use recovery code) after
their password. Anyone else who chose to enrol is asked for a code too. Codes are
checked by django-otp, which throttles failures and never accepts a code twice: a TOTP
code only at a later time step than the last one used, a recovery code only once.
"""

from __future__ import annotations

import re
from base64 import b32encode
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import segno
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from igportal.accounts.sessions import now
from igportal.roles import Role, has_role
from requests_app.services.audit import audit_record

MFA_ROLES = frozenset({Role.IG_OFFICER, Role.DPO, Role.CALDICOTT_GUARDIAN, Role.SIRO})
RECOVERY_CODE_COUNT = 10
# Set at login when the person already has a device: from then on this session needs a code.
ENROLLED_SESSION_KEY = "igportal_mfa_enrolled"
PENDING_DEVICE_SESSION_KEY = "igportal_mfa_pending_device"
REAUTHENTICATED_AT = "igportal_reauthenticated_at"
# Set at single sign-on when the identity provider asserted a configured acr or amr value: its own
# strong authentication stands in for our TOTP step for the life of this session.
SSO_ASSURED_SESSION_KEY = "igportal_sso_assured"
_TOTP_CODE = re.compile(r"^\d{6}$")


def mfa_required_by_role(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False)) or has_role(
        user, *MFA_ROLES
    )


def mfa_required(request: HttpRequest) -> bool:
    """Whether this session must pass a second factor before it may do anything else."""
    if not request.user.is_authenticated:
        return False
    if request.session.get(SSO_ASSURED_SESSION_KEY):
        return False
    if request.session.get(ENROLLED_SESSION_KEY):
        return True
    return bool(settings.MFA_REQUIRED) and mfa_required_by_role(request.user)


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def has_authenticator(user: AbstractBaseUser) -> bool:
    return bool(user_has_device(user, confirmed=True))


def confirmed_totp_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-id").first()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows, once: the QR code and the same secret as text."""

    device_id: int
    qr_data_uri: str
    secret: str


def totp_enrolment_begin(*, request: HttpRequest, user: User) -> Enrolment:
    """A new unconfirmed authenticator with a fresh secret; any earlier unconfirmed one is dropped."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    request.session[PENDING_DEVICE_SESSION_KEY] = device.pk
    secret = b32encode(device.bin_key).decode("ascii")
    return Enrolment(
        device_id=device.pk,
        qr_data_uri=segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


def pending_totp_device(*, request: HttpRequest, user: User) -> TOTPDevice | None:
    device_id = request.session.get(PENDING_DEVICE_SESSION_KEY)
    if device_id is None:
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()


def _fresh_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def totp_enrolment_confirm(
    *, request: HttpRequest, user: User, device: TOTPDevice, code: str
) -> list[str] | None:
    """Confirm the pending authenticator with a code from it.

    Returns None when the code is wrong. On success the new authenticator replaces any
    earlier one, the session counts as verified, and on a first enrolment the new
    recovery codes are returned (to be shown once); otherwise an empty list.
    """
    code = code.strip().replace(" ", "")
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not locked.verify_token(code):
            audit_record(action="auth.mfa_enrolment_failed", actor=user, request=request)
            return None
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=locked.pk).delete()[0]
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        codes = _fresh_codes(user) if recovery_codes_left(user) == 0 else []
        audit_record(
            action="auth.mfa_enrolled",
            actor=user,
            request=request,
            detail={"replaced_earlier_device": bool(replaced), "recovery_codes_issued": bool(codes)},
        )
    request.session.pop(PENDING_DEVICE_SESSION_KEY, None)
    _mark_verified(request, locked)
    return codes


def recovery_codes_replace(*, request: HttpRequest, user: User) -> list[str]:
    """New recovery codes (the old ones stop working), to be shown once."""
    with transaction.atomic():
        codes = _fresh_codes(user)
        audit_record(action="auth.recovery_codes_issued", actor=user, request=request)
    return codes


def _matching_device(user: User, code: str) -> Device | None:
    """The device that accepts this code, consuming it; TOTP for six digits, else a recovery code."""
    cleaned = code.strip().replace(" ", "").replace("-", "")
    if _TOTP_CODE.match(cleaned):
        devices: list[Device] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        cleaned = cleaned.lower()
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        matched = otp_verify_token(user, device.persistent_id, cleaned)
        if matched is not None:
            return matched
    return None


def _mark_verified(request: HttpRequest, device: Device) -> None:
    # A new session key for the more trusted session, as Django does at login.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True
    request.session[REAUTHENTICATED_AT] = now()


def mfa_verify(*, request: HttpRequest, user: User, code: str) -> bool:
    """Check a second-factor code for this session; a success marks the session verified."""
    device = _matching_device(user, code)
    if device is None:
        audit_record(action="auth.mfa_failed", actor=user, request=request)
        return False
    method = "recovery_code" if isinstance(device, StaticDevice) else "totp"
    detail: dict[str, object] = {"method": method}
    if method == "recovery_code":
        detail["recovery_codes_left"] = recovery_codes_left(user)
    audit_record(action="auth.mfa_verified", actor=user, request=request, detail=detail)
    _mark_verified(request, device)
    return True


def code_accepted(*, request: HttpRequest, user: User, code: str) -> bool:
    """Check a code without changing which device verified the session (for re-authentication)."""
    if _matching_device(user, code) is None:
        audit_record(action="auth.mfa_failed", actor=user, request=request, detail={"during": "reauth"})
        return False
    return True


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def mfa_not_required(view: ViewFunc) -> ViewFunc:
    """Mark a view that a logged-in but not yet verified person may open (the MFA pages, logout)."""
    view.mfa_required = False  # type: ignore[attr-defined]
    return view
