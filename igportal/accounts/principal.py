"""The signed-in person from the session's own query (issue 24): no more queries per request.

``igportal.accounts.session_store`` reads the session row together with the person's user row,
their group names and their newest confirmed authenticator. These two middleware classes take
the place of Django's ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware`` and use
what it read. Anything out of the ordinary (another authentication backend, a session whose
password hash no longer matches, a device other than that authenticator) goes to Django's and
django-otp's own code, which query as they always did, so every check they make still holds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from igportal.roles import remember_roles

# Backends whose get_user is ModelBackend's own: the portal's passwords and single sign-on sessions.
MODEL_BACKENDS = frozenset(
    {
        "django.contrib.auth.backends.ModelBackend",
        "igportal.accounts.backends.LocalPasswordBackend",
        "igportal.accounts.backends.SingleSignOnBackend",
    }
)


def _prefetched(request: HttpRequest) -> Any:
    request.session.get(SESSION_KEY)  # loads the session (once per request), and with it the principal
    return getattr(request.session, "principal", None)


def session_user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    """``django.contrib.auth.get_user`` for the usual case, from the row the session's query read."""
    principal = _prefetched(request)
    session = request.session
    if (
        principal is None
        or (backend := session.get(BACKEND_SESSION_KEY)) not in MODEL_BACKENDS
        or backend not in settings.AUTHENTICATION_BACKENDS
        or str(session.get(SESSION_KEY)) != str(principal.user.pk)
    ):
        return auth.get_user(request)
    user = principal.user
    if not ModelBackend().user_can_authenticate(user):
        return AnonymousUser()  # deactivated: refused, as ModelBackend.get_user refuses them
    stored_hash = session.get(HASH_SESSION_KEY)
    if not stored_hash or not constant_time_compare(stored_hash, user.get_session_auth_hash()):
        return auth.get_user(request)  # fallback secrets, or the session ends: Django decides
    remember_roles(user, principal.group_names)
    return user


class SessionAuthenticationMiddleware(AuthenticationMiddleware):
    """``AuthenticationMiddleware``, with the user from the session's own query."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: session_user(request))  # type: ignore[assignment]


class SessionOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, with the authenticator from the session's own query when it is that one."""

    def _device_for(self, request: HttpRequest, persistent_id: str) -> Any:
        principal = _prefetched(request)
        device = principal.device if principal is not None else None
        if device is not None and device.persistent_id == self._normalize_persistent_id(persistent_id):
            return device
        return self._device_from_persistent_id(persistent_id)

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        # django-otp's own steps (django_otp/middleware.py), with the device looked up above.
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = self._device_for(request, persistent_id) if persistent_id else None
            user.otp_device = self._finalize_device(request, user, device)
        return user
