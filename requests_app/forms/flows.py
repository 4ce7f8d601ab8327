"""Forms of the data flow register: registering an approved request, and recording a review."""

from __future__ import annotations

from typing import Any

from django import forms

from igportal.forms import NHSFormMixin
from necessity.rules import DataForm, choices
from requests_app.forms.registers import (
    PersonChoiceField,
    choice_field,
    date_field,
    legal_basis_fields,
    method_field,
    text_field,
)
from requests_app.models import DataItemType, FlowSchedule, SharingAgreement
from requests_app.selectors.isas import agreements_in_force


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SharingAgreement) -> str:
        return f"{obj.reference}: {obj.title}"


class FlowForm(NHSFormMixin, forms.Form):
    name = text_field(
        "What the flow is",
        rows=0,
        max_length=200,
        help_text="For example: monthly cardiology activity extract.",
    )
    source_asset = text_field(
        "Source information asset",
        rows=0,
        max_length=200,
        help_text="The system or record set the data comes from.",
    )
    asset_owner = PersonChoiceField("Information asset owner")
    schedule = choice_field("How often it runs", FlowSchedule.choices)
    data_form = choice_field("Form of the information", choices(DataForm))
    data_items = forms.ModelMultipleChoiceField(
        label="Data items",
        queryset=DataItemType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the data items the flow carries."},
    )
    agreement = AgreementChoiceField(
        label="Information sharing agreement",
        queryset=SharingAgreement.objects.none(),
        required=False,
        empty_label="Draft a new ISA for this flow",
        help_text="An existing ISA in force that names the recipient, or a new one drafted from the request; "
        "the flow starts when its ISA is in force.",
    )
    next_review_on = date_field(
        "Next review",
        help_text="A year from now unless you set otherwise. For example, 27/3/2027",
        years_ahead=10,
    )
    notes = text_field("Notes", required=False, help_text="Internal; never published.")

    def __init__(self, *args: Any, removed_items: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        """``removed_items``: catalogue codes the approval's conditions removed, never offered."""
        super().__init__(*args, **kwargs)
        self.fields.update(legal_basis_fields())
        self.fields["transfer_method"] = method_field()
        items = self.fields["data_items"]
        assert isinstance(items, forms.ModelMultipleChoiceField)
        items.queryset = DataItemType.objects.filter(active=True).exclude(code__in=removed_items)
        agreement = self.fields["agreement"]
        assert isinstance(agreement, forms.ModelChoiceField)
        agreement.queryset = agreements_in_force()


class FlowReviewForm(NHSFormMixin, forms.Form):
    note = text_field(
        "What the review found",
        help_text="Is the flow still needed, lawful and minimal? After a withdrawal of consent, "
        "which basis applies now?",
    )
    next_review_on = date_field("Next review", years_ahead=10)
