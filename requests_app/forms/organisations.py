from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db import models

from igportal.forms import NHSFormMixin, date_field
from igportal.people import display_name
from igportal.roles import Role
from requests_app.models import (
    Organisation,
    OrganisationPolicy,
    OrganisationSettings,
    PartnerSignatory,
    SignOffStage,
)
from requests_app.models.organisations import ods_code_validator
from requests_app.services.organisations import ORGANISATION_FIELDS
from requests_app.services.sharing import PARTNER_FROM_REQUEST_FIELDS
from requests_app.signers import STAGE_ROLE_CHOICES, STAGE_ROLE_FIELDS


class OrganisationForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dspt_published_on"] = date_field("DSPT published on", required=False)
        self.fields["ico_expires_on"] = date_field(
            "ICO registration expires on", required=False, years_ahead=2
        )

    def clean_ods_code(self) -> str:
        return _ods_code(self.cleaned_data["ods_code"])

    def clean_ico_registration(self) -> str:
        return str(self.cleaned_data["ico_registration"]).strip().upper()


def _ods_code(value: object) -> str:
    # Typed as read aloud ("rxx "); the format check (the model's validator) wants it as ODS prints it.
    return str(value).strip().upper()


class PartnerFromRequestForm(NHSFormMixin, forms.Form):
    """Add the recipient a request names as a partner: prefilled from what the requester typed.

    A plain form, not a model form: a model form would check the partners' unique constraints itself,
    whose message ("Constraint ... is violated") names neither the field nor the partner; the service
    says which partner already has the name or the code.
    """

    prefix = "partner"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Organisation, fields=PARTNER_FROM_REQUEST_FIELDS))

    def clean_ods_code(self) -> str:
        code = _ods_code(self.cleaned_data["ods_code"])
        if code:
            # The format only: the ODS is not asked whether the code exists.
            ods_code_validator(code)
        return code


class OrganisationSettingsForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = OrganisationSettings
        fields = ["name", "ods_code", "nation", "foi_regime", "caldicott_guardian", "dpo", "siro"]
        widgets = {"nation": forms.RadioSelect, "foi_regime": forms.RadioSelect}

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

    def clean_ico_registration(self) -> str:
        return str(self.cleaned_data["ico_registration"]).strip().upper()


class OrganisationFilterForm(NHSFormMixin, forms.Form):
    q = forms.CharField(label="Name or ODS code", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type"), *Organisation._meta.get_field("kind").choices],  # type: ignore[misc]
    )
    lapsed = forms.BooleanField(label="Only those whose assurance has lapsed", required=False)


def _stage_roles_field(stage: str) -> forms.TypedMultipleChoiceField:
    """The roles that may sign one stage: the choices the policies leave to the organisation."""
    model_field = OrganisationPolicy._meta.get_field(STAGE_ROLE_FIELDS[stage])
    assert isinstance(model_field, models.Field)
    return forms.TypedMultipleChoiceField(
        label=str(model_field.verbose_name),
        help_text=str(model_field.help_text),
        choices=[(role.value, role.label) for role in Role if role in STAGE_ROLE_CHOICES[stage]],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": f"Choose who signs the {SignOffStage(stage).label} stage."},
    )


class OrganisationPolicyForm(NHSFormMixin, forms.ModelForm):
    """The organisation's choices for the rules engine; saving makes the next version."""

    screen_one_off_requests = forms.TypedChoiceField(
        label=OrganisationPolicy._meta.get_field("screen_one_off_requests").verbose_name.capitalize(),
        help_text=OrganisationPolicy._meta.get_field("screen_one_off_requests").help_text,
        choices=(("yes", "Yes"), ("no", "No")),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    ig_stage_roles = _stage_roles_field(SignOffStage.IG_DPO)
    caldicott_stage_roles = _stage_roles_field(SignOffStage.CALDICOTT_GUARDIAN)
    siro_stage_roles = _stage_roles_field(SignOffStage.SIRO)

    class Meta:
        model = OrganisationPolicy
        fields = [
            "consent_max_age_days",
            "large_scale_subject_count",
            "screen_one_off_requests",
            "siro_signs",
            "ig_stage_roles",
            "caldicott_stage_roles",
            "siro_stage_roles",
            "reason",
        ]
        widgets = {"siro_signs": forms.RadioSelect, "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The view hands an unsaved copy of the version in force: show its choices as they stand.
        if not self.is_bound:
            self.initial["screen_one_off_requests"] = "yes" if self.instance.screen_one_off_requests else "no"
            # Each version says why it was made; the next one needs its own reason.
            self.initial["reason"] = ""


class SignatoryForm(NHSFormMixin, forms.ModelForm):
    class Meta:
        model = PartnerSignatory
        fields = ["name", "role", "email"]
        labels = {"name": "Full name", "email": "Email (the signing links go here)"}
