"""The disclosure log's entry form: for a request (its kind known) or logged outside the wizard."""

from __future__ import annotations

from typing import Any

from django import forms

from igportal.forms import NHSFormMixin
from necessity.rules import PurposeCategory, choices
from requests_app.forms.registers import (
    PersonChoiceField,
    choice_field,
    date_field,
    legal_basis_fields,
    method_field,
    organisations,
    text_field,
)
from requests_app.models import DisclosureKind, Organisation
from requests_app.models.disclosures import DISCLOSURE_ONLY, POLICE_FIELDS


class DisclosureForm(NHSFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Was the information shared?",
        choices=DisclosureKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the information was shared or refused."},
    )
    recipient = forms.ModelChoiceField(
        label="Shared with, or asked for by",
        queryset=Organisation.objects.none(),
        error_messages={"required": "Choose the organisation."},
    )
    purpose_category = choice_field("Purpose", choices(PurposeCategory))
    information = text_field(
        "What was shared",
        help_text="Name the data items and the period they cover; do not name the person.",
    )
    disclosed_on = date_field("Date shared or refused")
    disclosed_by = PersonChoiceField("Shared or refused by")

    def __init__(
        self,
        *args: Any,
        kind: str | None = None,
        police: bool | None = None,
        items: list[tuple[str, str]] | None = None,
        conditions: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        """``kind`` and ``police`` are known for a request's entry: the fields that do not apply go.

        ``items`` are the request's data items the approval's conditions left (removed ones are never
        offered) and ``conditions`` the approval's conditions, each to confirm as met.
        """
        super().__init__(*args, **kwargs)
        self.fields.update(legal_basis_fields(required=False))
        self.fields["transfer_method"] = method_field("How it was shared", required=False)
        self.fields["refusal_rationale"] = text_field(
            "Why sharing was refused", required=False, help_text="Only for a refusal [004 6.8.3]."
        )
        self.fields["police_officer"] = text_field(
            "Requesting officer (name and rank)", required=False, rows=0, max_length=200
        )
        self.fields["police_reference"] = text_field(
            "Collar number or police reference", required=False, rows=0, max_length=100
        )
        self.fields["police_requested"] = text_field("What the police asked for", required=False)
        self.fields["police_given"] = text_field("What was given to the police", required=False)
        self.fields["police_acknowledgement"] = text_field(
            "The officer's acknowledgement",
            required=False,
            rows=0,
            max_length=300,
            help_text="How receipt was acknowledged, e.g. a signed receipt on the request form [004 6.12].",
        )
        self.fields["police_acknowledged_on"] = date_field("Date acknowledged", required=False)
        self.fields["notes"] = text_field("Notes", required=False, help_text="Internal; never published.")
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ModelChoiceField)
        recipient.queryset = organisations()
        if kind is not None:
            for name in ("kind", "recipient", "purpose_category"):
                del self.fields[name]
            if kind == DisclosureKind.REFUSAL:
                for name in DISCLOSURE_ONLY:
                    del self.fields[name]
                self.fields["information"].label = "What was asked for"
                self.fields["refusal_rationale"].required = True
                self.fields["refusal_rationale"].help_text = "The rationale for refusing [004 6.8.3]."
            else:
                del self.fields["refusal_rationale"]
        if police is False:
            for name in POLICE_FIELDS:
                self.fields.pop(name, None)
        if kind == DisclosureKind.DISCLOSURE and items is not None:
            self.fields["items"] = forms.MultipleChoiceField(
                label="Data items shared",
                choices=items,
                widget=forms.CheckboxSelectMultiple,
                help_text="Items the approval's conditions removed are not offered.",
                error_messages={"required": "Choose the data items that were shared."},
            )
            self.order_fields(["items", "information"])
        if kind == DisclosureKind.DISCLOSURE and conditions:
            self.fields["conditions_met"] = forms.TypedMultipleChoiceField(
                label="The approval's conditions that were met",
                choices=[(index, text) for index, text in enumerate(conditions)],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="Untick a condition that was not met: the entry is flagged and needs a reason.",
            )
        if kind == DisclosureKind.DISCLOSURE and (items is not None or conditions):
            self.fields["departure_reason"] = text_field(
                "Reason for departing from the conditions",
                required=False,
                help_text="Needed when a condition was not met or another method was used.",
            )
