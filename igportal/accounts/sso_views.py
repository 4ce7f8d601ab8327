"""Single sign-on pages: leave for the identity provider, come back, and what a person without a role sees."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from igportal.accounts.mfa import SSO_ASSURED_SESSION_KEY, mfa_not_required
from igportal.accounts.oidc import (
    REFUSAL_MESSAGES,
    SignInRefused,
    authenticated_since,
    authorisation_redirect,
    complete_sign_in,
    end_session_url,
    is_assured,
)
from igportal.accounts.reauth import mark_reauthenticated
from igportal.accounts.sessions import now
from igportal.roles import roles_of
from igportal.types import AuthenticatedHttpRequest
from requests_app.selectors.sso import identity_is
from requests_app.services.audit import audit_record
from requests_app.services.sso import (
    InactiveAccount,
    sso_reauthentication_refused_record,
    sso_refusal_record,
    sso_sign_in,
)

_NEXT_SESSION_KEY = "igportal_sso_next"
_ID_TOKEN_SESSION_KEY = "igportal_sso_id_token"  # noqa: S105 (a session key's name)
_REAUTH_SESSION_KEY = "igportal_sso_reauthentication"
_BACKEND = "igportal.accounts.backends.SingleSignOnBackend"


def _require_sso() -> None:
    if not settings.SSO_ENABLED:
        raise Http404("Single sign-on is not set up here.")


def _refused(request: HttpRequest, refusal: SignInRefused) -> HttpResponse:
    sso_refusal_record(reason=refusal.reason, detail=refusal.detail, request=request)
    return render(
        request,
        "registration/sso_refused.html",
        {"message": REFUSAL_MESSAGES[refusal.reason], "reason": refusal.reason},
        status=403,
    )


@login_not_required
@mfa_not_required
@never_cache
@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    """Send the person to their identity provider, with a fresh state, nonce and PKCE challenge."""
    _require_sso()
    candidate = request.GET.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[_NEXT_SESSION_KEY] = candidate
    try:
        response, _state = authorisation_redirect(
            request, request.build_absolute_uri(reverse("sso_callback"))
        )
        return response
    except SignInRefused as refusal:
        return _refused(request, refusal)


@login_not_required
@mfa_not_required
@never_cache
@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the person back: verify, find or create the account, apply the roles."""
    _require_sso()
    pending = request.session.get(_REAUTH_SESSION_KEY)
    if isinstance(pending, dict) and pending.get("state") == request.GET.get("state"):
        return _reauthentication_callback(request, pending)
    try:
        verified = complete_sign_in(request)
        user = sso_sign_in(
            issuer=verified.issuer,
            claims=verified.claims,
            roles_claim=settings.SSO_ROLES_CLAIM,
            request=request,
        )
    except SignInRefused as refusal:
        return _refused(request, refusal)
    except InactiveAccount:
        return _refused(request, SignInRefused("inactive"))
    next_url = request.session.pop(_NEXT_SESSION_KEY, "") or reverse("home")
    login(request, user, backend=_BACKEND)
    request.session[_ID_TOKEN_SESSION_KEY] = verified.id_token
    if is_assured(verified.claims):
        request.session[SSO_ASSURED_SESSION_KEY] = True
        # The provider has just authenticated the person strongly: that counts as confirming who they are.
        mark_reauthenticated(request)
    if not roles_of(user):
        return HttpResponseRedirect(reverse("sso_no_role"))
    return HttpResponseRedirect(next_url)


def sso_reauthentication_start(request: AuthenticatedHttpRequest, next_url: str) -> HttpResponse:
    """Send a signed-in person to their provider to sign in again now: ``prompt=login`` and ``max_age=0``
    (OpenID Connect Core 1.0, section 3.1.2.1). The same callback as signing in, so nothing new is
    registered with the provider; the state ties the answer to this confirmation."""
    _require_sso()
    try:
        response, state = authorisation_redirect(
            request,
            request.build_absolute_uri(reverse("sso_callback")),
            prompt="login",
            max_age="0",  # a string: Authlib leaves out parameters whose value is falsy
        )
    except SignInRefused as refusal:
        return _refused(request, refusal)
    request.session[_REAUTH_SESSION_KEY] = {
        "state": state,
        "user": request.user.pk,
        "started": now(),
        "next": next_url,
    }
    return response


def _reauthentication_callback(request: HttpRequest, pending: dict[str, Any]) -> HttpResponse:
    """The provider's answer to a confirmation: the same account, signed in just now, or nothing changes."""
    del request.session[_REAUTH_SESSION_KEY]
    try:
        verified = complete_sign_in(request)
    except SignInRefused as refusal:
        return _refused(request, refusal)
    user = request.user
    if not user.is_authenticated or user.pk != pending.get("user"):
        # Signed out (or signed in as someone else) since the confirmation started.
        return _refused(request, SignInRefused("reauth_expired"))
    started = pending.get("started")
    reason = None
    if not identity_is(user=user, issuer=verified.issuer, subject=str(verified.claims.get("sub", ""))):
        reason = "reauth_other_account"
    elif not isinstance(started, int | float) or not authenticated_since(verified.claims, started, now()):
        reason = "reauth_stale"
    if reason:
        sso_reauthentication_refused_record(user=user, reason=reason, claims=verified.claims, request=request)
        return render(
            request,
            "accounts/sso_reauth_refused.html",
            {"message": REFUSAL_MESSAGES[reason], "reason": reason, "next": pending.get("next", "")},
            status=403,
        )
    mark_reauthenticated(request)
    audit_record(action="auth.reauthenticated", actor=user, request=request, detail={"way": "sso"})
    request.session[_ID_TOKEN_SESSION_KEY] = verified.id_token
    return HttpResponseRedirect(pending.get("next") or reverse("account"))


@mfa_not_required
@require_GET
def sso_no_role(request: HttpRequest) -> HttpResponse:
    """Signed in, but none of the person's roles or groups at the provider gives a role here."""
    return render(
        request,
        "registration/sso_no_role.html",
        {"contact": settings.SSO_ACCESS_CONTACT},
    )


class LogoutView(auth_views.LogoutView):
    """Ends our session (every session of the person, through the logout signal) and, for a single
    sign-on session whose provider publishes an end-session endpoint, goes on to end that one too."""

    next_page = "logged_out"

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        id_token = request.session.get(_ID_TOKEN_SESSION_KEY)
        response = super().post(request, *args, **kwargs)
        if settings.SSO_ENABLED and isinstance(id_token, str):
            url = end_session_url(
                id_token_hint=id_token,
                post_logout_redirect_uri=request.build_absolute_uri(reverse("logged_out")),
            )
            if url:
                return HttpResponseRedirect(url)
        return response
