from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from igportal.accounts.sessions import sessions_end_for_user
from igportal.forms import NHSFormMixin
from requests_app.services.audit import audit_record


class AuthenticationForm(NHSFormMixin, auth_forms.AuthenticationForm):
    pass


class PasswordChangeForm(NHSFormMixin, auth_forms.PasswordChangeForm):
    pass


class LoginView(auth_views.LoginView):
    form_class = AuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.SSO_ENABLED
        context["sso_provider_name"] = settings.SSO_PROVIDER_NAME
        context["local_passwords_enabled"] = settings.LOCAL_PASSWORDS_ENABLED
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.LOCAL_PASSWORDS_ENABLED:
            # The backend would refuse the password too; refusing here says why, and checks nothing.
            audit_record(action="auth.password_refused", actor=None, request=request)
            refusal = f"Passwords are switched off here: log in with {settings.SSO_PROVIDER_NAME}."
            return self.render_to_response(self.get_context_data(password_refusal=refusal), status=403)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "registration/password_change.html"

    def form_valid(self, form: auth_forms.PasswordChangeForm) -> HttpResponse:
        # Django keeps this session (with a new key); every other session of the person ends now.
        response = super().form_valid(form)
        ended = sessions_end_for_user(user_id=form.user.pk, keep_session_key=self.request.session.session_key)
        audit_record(
            action="auth.password_changed",
            actor=form.user,
            request=self.request,
            detail={"other_sessions_ended": ended},
        )
        return response


@login_not_required
@require_GET
def logged_out(request: HttpRequest) -> HttpResponse:
    """Where signing out lands: a page that says so, rather than the sign-in form without a word."""
    return render(request, "registration/logged_out.html")
