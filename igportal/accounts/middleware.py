from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from igportal.accounts.mfa import has_authenticator, is_verified, mfa_required
from igportal.accounts.sessions import session_expiry_reason, session_touch
from requests_app.services.audit import audit_record


class SessionLifetimeMiddleware:
    """Ends a logged-in session that has been idle too long or is older than its maximum age."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            reason = session_expiry_reason(request.session)
            if reason is None:
                session_touch(request.session)
            else:
                audit_record(
                    action="auth.session_expired",
                    actor=request.user,
                    request=request,
                    detail={"reason": reason},
                )
                # Only this session: an idle tab must not end the person's other sessions.
                request.session.flush()
                request.user = AnonymousUser()
        return self.get_response(request)


class MFARequiredMiddleware:
    """Sends a person who must use MFA to verify (or, with no authenticator yet, to enrol) first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not getattr(view_func, "mfa_required", True):
            return None
        if not mfa_required(request) or is_verified(request):
            return None
        step = "mfa_verify" if has_authenticator(request.user) else "mfa_setup"  # type: ignore[arg-type]
        return redirect_to_login(request.get_full_path(), reverse(step))
