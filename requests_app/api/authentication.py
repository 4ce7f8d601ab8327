"""Who is calling: a personal Bearer token, or the browser's session (with its CSRF token and MFA)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from rest_framework import authentication, exceptions
from rest_framework.authentication import CSRFCheck
from rest_framework.request import Request

from igportal.accounts.mfa import is_verified, mfa_required
from requests_app.models import ApiToken
from requests_app.services.api_tokens import TokenRefused, api_token_authenticate

BEARER = "Bearer"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer igp_<prefix>_<secret>``; a bad, revoked or expired token is a 401."""

    def authenticate(self, request: Request) -> tuple[object, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != BEARER.lower():
            return None
        presented = presented.strip()
        if not presented or " " in presented:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>'.", code="invalid_token"
            )
        try:
            token = api_token_authenticate(presented, http_request=request._request)
        except TokenRefused as exc:
            raise exceptions.AuthenticationFailed(str(exc), code="invalid_token") from exc
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{BEARER} realm="api"'


class PortalSessionAuthentication(authentication.SessionAuthentication):
    """The signed-in browser: unsafe methods need the CSRF token, and MFA roles a verified session."""

    def authenticate(self, request: Request) -> tuple[object, None] | None:
        authenticated = super().authenticate(request)
        if authenticated is None:
            return None
        if mfa_required(request._request) and not is_verified(request._request):
            raise exceptions.PermissionDenied(
                "Verify your second factor in the portal first, or use an API token.", code="mfa_required"
            )
        return authenticated

    def enforce_csrf(self, request: Request) -> None:
        # Django's own check on Django's request: handing it DRF's request would make it parse the body
        # first, and a form-encoded forgery would then be refused as 415 instead of for its missing token.
        def no_view(_request: HttpRequest) -> HttpResponse:
            return HttpResponse()

        check = CSRFCheck(no_view)
        check.process_request(request._request)
        if check.process_view(request._request, no_view, (), {}) is not None:
            raise exceptions.PermissionDenied(
                "The CSRF token is missing or wrong: send the csrftoken cookie's value in the X-CSRFToken"
                " header.",
                code="csrf_failed",
            )
