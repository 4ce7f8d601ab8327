from __future__ import annotations

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views

from igportal.forms import NHSFormMixin


class AuthenticationForm(NHSFormMixin, auth_forms.AuthenticationForm):
    pass


class PasswordChangeForm(NHSFormMixin, auth_forms.PasswordChangeForm):
    pass


class LoginView(auth_views.LoginView):
    form_class = AuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True
