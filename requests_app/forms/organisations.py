from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from igportal.forms import NHSFormMixin
from igportal.people import display_name
from igportal.roles import Role
from requests_app.models import Organisation, OrganisationSettings


class OrganisationForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "ods_code", "contact_name", "contact_email", "active"]

    def clean_ods_code(self) -> str:
        return str(self.cleaned_data["ods_code"]).strip().upper()


class OrganisationSettingsForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = OrganisationSettings
        fields = ["name", "ods_code", "nation", "caldicott_guardian", "dpo", "siro", "consent_max_age_days"]
        widgets = {"nation": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = (
            get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")
        )
        for field_name, role in (
            ("caldicott_guardian", Role.CALDICOTT_GUARDIAN),
            ("dpo", Role.DPO),
            ("siro", Role.SIRO),
        ):
            field = self.fields[field_name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = users.filter(groups__name=role.group_name)
            field.label_from_instance = display_name  # type: ignore[method-assign,assignment]
            field.help_text = f"Only people who hold the {role.label} role are listed."

    def clean_ods_code(self) -> str:
        return str(self.cleaned_data["ods_code"]).strip().upper()


class OrganisationFilterForm(NHSFormMixin, forms.Form):
    q = forms.CharField(label="Name or ODS code", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type"), *Organisation._meta.get_field("kind").choices],  # type: ignore[misc]
    )
