"""Password reset by email with Django's own views: rate-limited and audited.

Every request for a link is an audit event, and the limit is counted from those events, so it holds
across every web worker and restart without a shared cache: at most RESET_PER_ADDRESS links an hour
for one email address and RESET_PER_CLIENT requests an hour from one client address. Over the limit,
the page says the same as under it (so it never tells anyone whether an address has an account), no
email is sent, and the refusal is audited.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils import timezone

from igportal.accounts.sessions import sessions_end_for_user
from igportal.client import client_ip
from igportal.forms import NHSFormMixin
from requests_app.models import AuditEvent
from requests_app.services.audit import audit_record

RESET_PER_ADDRESS = 3
RESET_PER_CLIENT = 10
RESET_WINDOW = timedelta(hours=1)
REQUESTED = "auth.password_reset_requested"


def email_fingerprint(email: str) -> str:
    """What the trail keeps of the typed address: enough to count repeats, not the address itself."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class PasswordResetForm(NHSFormMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.help_text = "The address your account uses. We will send a link to set a new password."
        email.error_messages = {
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        }


class SetPasswordForm(NHSFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.extra_email_context = {"site_name": settings.PORTAL_SERVICE_NAME}
        return super().get_context_data(**kwargs)

    def form_valid(self, form: auth_forms.PasswordResetForm) -> HttpResponse:
        fingerprint = email_fingerprint(form.cleaned_data["email"])
        since = timezone.now() - RESET_WINDOW
        recent = AuditEvent.objects.filter(action=REQUESTED, occurred_at__gte=since)
        ip = client_ip(self.request)
        over = recent.filter(detail__email=fingerprint).count() >= RESET_PER_ADDRESS or (
            ip is not None and recent.filter(ip_address=ip).count() >= RESET_PER_CLIENT
        )
        audit_record(
            action=REQUESTED,
            actor=None,
            request=self.request,
            detail={"email": fingerprint, "sent": not over},
        )
        if over:
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = {"site_name": settings.PORTAL_SERVICE_NAME}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: auth_forms.SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever may have been signed in as this person is signed out: the password they knew is gone.
        ended = sessions_end_for_user(user_id=form.user.pk, keep_session_key=self.request.session.session_key)
        audit_record(
            action="auth.password_reset",
            actor=form.user,
            request=self.request,
            detail={"sessions_ended": ended},
        )
        return response
