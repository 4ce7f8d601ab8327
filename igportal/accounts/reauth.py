"""Re-authentication: the password (and a current code, for people with an authenticator)
given within the last ``REAUTHENTICATION_MINUTES``, before MFA or the email address change.

A session left open on a shared computer must not let someone replace the owner's
authenticator or redirect their email. Logging in counts for people without an
authenticator; passing the code counts for people with one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from igportal.accounts.mfa import REAUTHENTICATED_AT, code_accepted, has_authenticator
from igportal.accounts.sessions import now
from igportal.types import AuthenticatedHttpRequest
from requests_app.services.audit import audit_record

P = ParamSpec("P")
View = Callable[Concatenate[AuthenticatedHttpRequest, P], HttpResponse]


def reauthentication_fresh(request: HttpRequest) -> bool:
    moment = request.session.get(REAUTHENTICATED_AT)
    return isinstance(moment, int | float) and now() - moment <= settings.REAUTHENTICATION_MINUTES * 60


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[REAUTHENTICATED_AT] = now()


def reauthentication_required(view: View[P]) -> View[P]:
    """Send the person to confirm who they are first, then back here."""

    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not reauthentication_fresh(request):
            query = urlencode({"next": request.get_full_path()}, safe="/")
            return HttpResponseRedirect(f"{reverse('reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


def reauthenticate(*, request: HttpRequest, user: User, password: str, code: str) -> bool:
    """Check the password (through django-axes, so guesses count towards a lock-out) and the code."""
    authenticated = authenticate(request, username=user.get_username(), password=password)
    if authenticated is None or authenticated.pk != user.pk:
        return False
    if has_authenticator(user) and not code_accepted(request=request, user=user, code=code):
        return False
    mark_reauthenticated(request)
    audit_record(action="auth.reauthenticated", actor=user, request=request)
    return True
