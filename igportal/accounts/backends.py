"""Authentication backends: the portal's own passwords, and the marker for single sign-on sessions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest


class LocalPasswordBackend(ModelBackend):
    """Django's password check, which refuses every password when LOCAL_PASSWORDS_ENABLED is false.

    Refusing here rather than only on our sign-in page closes every way a password is checked: the
    admin's sign-in page and re-authentication as well.
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, **kwargs: Any
    ) -> User | None:
        if not settings.LOCAL_PASSWORDS_ENABLED:
            return None
        return super().authenticate(request, **kwargs)


class SingleSignOnBackend(ModelBackend):
    """Checks no credential of its own: the sign-in view logs a person in with it once their identity
    provider's ID token has been verified (``igportal.accounts.oidc``). It gives the session a backend
    that still loads the user when passwords are switched off."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, **kwargs: Any
    ) -> User | None:
        return None
