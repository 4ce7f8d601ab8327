from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from igportal.forms import NHSFormMixin

_CODE_ATTRS = {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}


class CodeForm(NHSFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={**_CODE_ATTRS, "class": "nhsuk-input--width-10"}),
    )


class EnrolmentForm(NHSFormMixin, forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        help_text="After scanning, the app shows a 6-digit code that changes every 30 seconds.",
        widget=forms.TextInput(
            attrs={**_CODE_ATTRS, "inputmode": "numeric", "class": "nhsuk-input--width-5"}
        ),
    )


class ReauthenticationForm(NHSFormMixin, forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="Code",
        max_length=20,
        required=False,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={**_CODE_ATTRS, "class": "nhsuk-input--width-10"}),
    )

    def __init__(self, *args: Any, needs_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_code:
            self.fields["code"].required = True
        else:
            del self.fields["code"]


class SingleSignOnReauthenticationForm(NHSFormMixin, forms.Form):
    """Confirming at the identity provider; people with an authenticator give a code too, as with a
    password."""

    prefix = "sso"  # its code field must not share an id with the password form's on the same page

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={**_CODE_ATTRS, "class": "nhsuk-input--width-10"}),
    )

    def __init__(self, *args: Any, needs_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]


class EmailChangeForm(NHSFormMixin, forms.Form):
    email = forms.EmailField(
        label="New email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if email.lower() == self.user.email.lower():
            raise forms.ValidationError("That is already your email address.")
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError("Another account uses that email address. Ask your IG team for help.")
        return email
