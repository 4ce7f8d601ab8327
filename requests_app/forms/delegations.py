from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q

from igportal.forms import NHSFormMixin, date_field
from igportal.roles import Role


class DelegationForm(NHSFormMixin, forms.Form):
    role = forms.ChoiceField(label="Whose sign-off", widget=forms.RadioSelect)
    deputy = forms.CharField(
        label="Deputy's username or email address",
        max_length=254,
        help_text="The person who signs for you. They sign in their own name, on your behalf.",
    )
    starts_on = date_field("From", subject="the start date")
    ends_on = date_field("Until (inclusive)", subject="the end date")
    reason = forms.CharField(label="Reason", max_length=200, help_text="For example: annual leave.")

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in roles]

    def deputy_user(self) -> User | None:
        """The one active user the entry names, by username or email address; None when not exactly one."""
        entry = str(self.cleaned_data.get("deputy", "")).strip()
        matches = list(User.objects.filter(Q(username=entry) | Q(email__iexact=entry), is_active=True)[:2])
        return matches[0] if len(matches) == 1 else None
