"""The account page and the MFA pages: enrol, verify, recovery codes, re-authenticate, email."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from igportal.accounts import mfa
from igportal.accounts.forms import (
    CodeForm,
    EmailChangeForm,
    EnrolmentForm,
    ReauthenticationForm,
    SingleSignOnReauthenticationForm,
)
from igportal.accounts.reauth import reauthenticate, reauthentication_fresh, reauthentication_required
from igportal.accounts.services import user_email_change
from igportal.accounts.sso_views import sso_reauthentication_start
from igportal.types import AuthenticatedHttpRequest
from requests_app.selectors.sso import has_external_identity


def locked_out(request: HttpRequest, response: HttpResponse | None, credentials: object) -> HttpResponse:
    """django-axes' lock-out page: the same words whether or not the username exists."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def _next_url(request: AuthenticatedHttpRequest, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _go_next(request: AuthenticatedHttpRequest, default: str = "home") -> HttpResponseRedirect:
    return redirect(_next_url(request, default))


@require_GET
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "device": mfa.confirmed_totp_device(user),
            "recovery_codes_left": mfa.recovery_codes_left(user),
            "mfa_required_by_role": mfa.mfa_required_by_role(user),
            "mfa_required": mfa.mfa_required(request),
        },
    )


@mfa.mfa_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@reauthentication_required
def mfa_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    replacing = mfa.has_authenticator(user)
    if replacing and not mfa.is_verified(request):
        # With only a password, nobody may swap the authenticator of an enrolled account.
        return redirect("mfa_verify")
    if request.method == "GET":
        enrolment = mfa.totp_enrolment_begin(request=request, user=user)
        return render(
            request,
            "accounts/mfa_setup.html",
            {
                "enrolment": enrolment,
                "form": EnrolmentForm(),
                "replacing": replacing,
                "next": _next_url(request),
            },
        )
    form = EnrolmentForm(request.POST)
    device = mfa.pending_totp_device(request=request, user=user)
    if device is None:
        messages.error(request, "Your set-up was interrupted. Scan this new QR code instead.")
        return redirect("mfa_setup")
    if form.is_valid():
        codes = mfa.totp_enrolment_confirm(
            request=request, user=user, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            if codes:
                return render(
                    request,
                    "accounts/recovery_codes_issued.html",
                    {"codes": codes, "next": _next_url(request)},
                )
            messages.success(request, "Your authenticator app has been replaced.")
            return redirect("account")
        form.add_error(
            "code",
            "That code did not match. Enter the code the app shows now, or start again with a new QR code.",
        )
    return render(
        request,
        "accounts/mfa_setup.html",
        {"enrolment": None, "form": form, "replacing": replacing, "next": _next_url(request)},
    )


@mfa.mfa_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    if mfa.is_verified(request):
        return _go_next(request)
    if not mfa.has_authenticator(request.user):
        return redirect("mfa_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.mfa_verify(request=request, user=request.user, code=form.cleaned_data["code"]):
            return _go_next(request)
        form.add_error(
            "code",
            "That code was not accepted. Enter the code the app shows now; after a wrong one, wait a moment.",
        )
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_http_methods(["GET", "POST"])
@reauthentication_required
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not mfa.has_authenticator(request.user):
        return redirect("mfa_setup")
    if request.method == "POST":
        codes = mfa.recovery_codes_replace(request=request, user=request.user)
        return render(request, "accounts/recovery_codes_issued.html", {"codes": codes, "next": ""})
    return render(
        request,
        "accounts/recovery_codes.html",
        {"recovery_codes_left": mfa.recovery_codes_left(request.user)},
    )


@mfa.mfa_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def reauthenticate_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirm who you are: with the portal password, or (for single sign-on accounts) by signing in
    again at the identity provider; a page offers only the ways that can work for this person."""
    user = request.user
    needs_code = mfa.has_authenticator(user)
    if needs_code and mfa.mfa_required(request) and not mfa.is_verified(request):
        return redirect("mfa_verify")
    password_way = settings.LOCAL_PASSWORDS_ENABLED and user.has_usable_password()
    sso_way = settings.SSO_ENABLED and has_external_identity(user)
    posted = request.POST if request.method == "POST" else None
    way = request.POST.get("way", "password") if posted is not None else ""
    form = ReauthenticationForm(posted if way == "password" else None, needs_code=needs_code)
    sso_form = SingleSignOnReauthenticationForm(posted if way == "sso" else None, needs_code=needs_code)
    if way == "password" and password_way and form.is_valid():
        if reauthenticate(
            request=request,
            user=user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data.get("code", ""),
        ):
            return _go_next(request, default="account")
        form.add_error(None, "Your password or code was not accepted. Check them and try again.")
    if way == "sso" and sso_way and sso_form.is_valid():
        if not needs_code or mfa.code_accepted(
            request=request, user=user, code=sso_form.cleaned_data["code"]
        ):
            return sso_reauthentication_start(request, _next_url(request, default=""))
        sso_form.add_error("code", "This code was not accepted. Enter the code your app shows now.")
    return render(
        request,
        "accounts/reauthenticate.html",
        {
            "form": form if password_way else None,
            "sso_form": sso_form if sso_way else None,
            "sso_provider_name": settings.SSO_PROVIDER_NAME,
            "next": _next_url(request, default=""),
            "fresh": reauthentication_fresh(request),
        },
    )


@require_http_methods(["GET", "POST"])
@reauthentication_required
def email_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user_email_change(request=request, user=request.user, email=form.cleaned_data["email"])
        messages.success(request, "Your email address has been changed.")
        return redirect("account")
    return render(request, "accounts/email_change.html", {"form": form})
