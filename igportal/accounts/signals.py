"""Sign-in events recorded from Django's (and django-axes') auth signals.

Signals, not service calls, because every way in (our login page, the admin's login
page, the test client's force_login, a password checked again by re-authentication)
goes through django.contrib.auth, which sends these from one place; recording them in
each view would miss the ones we do not own. Everything else in the product writes
its audit events from services.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.http import HttpRequest

from igportal.accounts.mfa import ENROLLED_SESSION_KEY, has_authenticator
from igportal.accounts.reauth import mark_reauthenticated
from igportal.accounts.sessions import session_start, sessions_end_for_user
from requests_app.services.audit import audit_record

logger = logging.getLogger("igportal.security")
_USERNAME_MAX = 150


def on_login(sender: object, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> None:
    session_start(request.session)
    enrolled = has_authenticator(user)
    request.session[ENROLLED_SESSION_KEY] = enrolled
    if not enrolled:
        # The password was all there was to give: it counts as re-authentication for a while.
        mark_reauthenticated(request)
    audit_record(action="auth.login", actor=user, request=request)


def on_logout(sender: object, request: HttpRequest, user: AbstractBaseUser | None, **kwargs: Any) -> None:
    if user is None:
        return
    ended = sessions_end_for_user(user_id=user.pk)
    audit_record(action="auth.logout", actor=user, request=request, detail={"sessions_ended": ended})


def on_login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in credentials; only the username is kept.
    username = str(credentials.get("username", ""))[:_USERNAME_MAX]
    audit_record(action="auth.login_failed", request=request, actor=None, detail={"username": username})


def on_locked_out(
    sender: object, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        # A further attempt while already locked out: auth.login_failed records it.
        return
    event = audit_record(
        action="auth.lockout",
        request=request,
        actor=None,
        detail={"username": (username or "")[:_USERNAME_MAX], "failures": failures},
    )
    logger.warning("Sign-in locked out after %s failed attempts (audit event %s).", failures, event.pk)


def on_user_saved(sender: type[AbstractBaseUser], instance: AbstractBaseUser, **kwargs: Any) -> None:
    # Deactivation usually happens in the admin, which calls no service of ours.
    if not instance.is_active:
        sessions_end_for_user(user_id=instance.pk)


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="igportal.accounts.on_login")
    user_logged_out.connect(on_logout, dispatch_uid="igportal.accounts.on_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="igportal.accounts.on_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="igportal.accounts.on_locked_out")
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="igportal.accounts.on_user_saved")
