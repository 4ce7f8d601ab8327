"""The ISA form: the standard template's content, for a draft or for the next version."""

from __future__ import annotations

from typing import Any

from django import forms

from igportal.forms import NHSFormMixin
from necessity.rules import DataForm, choices
from requests_app.forms.registers import (
    choice_field,
    date_field,
    legal_basis_fields,
    method_field,
    organisations,
    text_field,
)
from requests_app.models import DataItemType, Organisation


class AgreementForm(NHSFormMixin, forms.Form):
    title = text_field(
        "Title",
        rows=0,
        max_length=200,
        help_text="Usually the partner's name; it names the PDF: 20261121 ISA Northshire Community Trust v2.",
    )
    parties = forms.ModelMultipleChoiceField(
        label="Partner organisations",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one partner organisation."},
    )
    purpose = text_field("Purpose", required=False, rows=4)

    def __init__(self, *args: Any, new_version: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = self.fields["parties"]
        assert isinstance(parties, forms.ModelMultipleChoiceField)
        parties.queryset = organisations()
        self.fields.update(legal_basis_fields(required=False))
        extra: dict[str, forms.Field] = {
            "legal_basis_notes": text_field(
                "Other legal bases", required=False, help_text="Statutory powers or duties relied on, if any."
            ),
            "data_subjects": text_field("Whose information is shared", required=False),
            "data_form": choice_field("Form of the information", choices(DataForm), required=False),
            "data_items": forms.ModelMultipleChoiceField(
                label="Data items",
                queryset=DataItemType.objects.filter(active=True),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            ),
            "transfer_method": method_field("Transfer method", required=False),
            "security_measures": text_field("Transfer and security", required=False),
            "retention": text_field("Retention and destruction", required=False),
            "subject_rights": text_field("How data subjects' rights are met", required=False),
            "onward_sharing_prohibited": forms.BooleanField(
                label="Onward sharing prohibited",
                required=False,
                help_text="The recipient uses the information only for the purpose agreed and passes it to "
                "nobody else without our written consent, unless the law requires it [001 s10].",
            ),
            "onward_sharing_exceptions": text_field(
                "Onward sharing agreed",
                required=False,
                help_text="Only when onward sharing is not prohibited.",
            ),
            "breach_handling": text_field("Breach handling", required=False),
            "start_on": date_field("Start date", required=False),
            "end_on": date_field(
                "End date",
                required=False,
                help_text="Leave empty for an agreement that runs until ended.",
                years_ahead=10,
            ),
            "review_on": date_field(
                "Review date",
                required=False,
                help_text="A year after the start unless set otherwise.",
                years_ahead=10,
            ),
            "change_summary": text_field(
                "What changes in this version",
                required=new_version,
                help_text="Read by the Caldicott Guardian and printed in the version history.",
            ),
        }
        self.fields.update(extra)
        if not new_version and not self.initial.get("change_summary"):
            self.fields["change_summary"].help_text = "Needed from version 2 onwards."


# --- signing through a link --------------------------------------------------------------------------


class SignForm(NHSFormMixin, forms.Form):
    name = forms.CharField(label="Your full name", max_length=200, help_text="Typing your name signs.")
    role = forms.CharField(label="Your role", max_length=200, help_text="For example Caldicott Guardian.")
    declaration = forms.BooleanField(label="I make the declaration above")


class DeclineForm(NHSFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why you decline",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The IG team reads this and sends a new version for signature.",
    )


class QuestionForm(NHSFormMixin, forms.Form):
    question = forms.CharField(
        label="Your question", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OurSignatureForm(NHSFormMixin, forms.Form):
    declaration = forms.BooleanField(label="I make the declaration above")
