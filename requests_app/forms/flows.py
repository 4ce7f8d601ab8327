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
from requests_app.models import DataItemType, FlowSchedule, InformationAsset, SharingAgreement
from requests_app.selectors.assets import shareable_assets
from requests_app.selectors.isas import agreements_in_force


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SharingAgreement) -> str:
        return f"{obj.reference}: {obj.title}"


class AssetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: InformationAsset) -> str:
        return f"{obj.reference}: {obj.name}"


class FlowForm(NHSFormMixin, forms.Form):
    name = text_field(
        "What the flow is",
        rows=0,
        max_length=200,
        help_text="For example: monthly cardiology activity extract.",
    )
    asset = AssetChoiceField(
        label="Information asset",
        queryset=InformationAsset.objects.none(),
        required=False,
        empty_label="Not in the asset register",
        help_text="The registered asset the data comes from; the flow belongs to it and its owner.",
    )
    source_asset = text_field(
        "Source information asset, if not registered",
        rows=0,
        max_length=200,
        required=False,
        help_text="The system or record set the data comes from.",
    )
    asset_owner = PersonChoiceField("Information asset owner, if not registered", required=False)
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
        asset = self.fields["asset"]
        assert isinstance(asset, forms.ModelChoiceField)
        asset.queryset = shareable_assets()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("asset") is None:
            if not str(cleaned.get("source_asset") or "").strip() and "source_asset" not in self.errors:
                self.add_error("source_asset", "Choose the registered asset, or name the source.")
            if cleaned.get("asset_owner") is None and "asset_owner" not in self.errors:
                self.add_error("asset_owner", "Choose the registered asset, or its owner.")
        return cleaned


class FlowReviewForm(NHSFormMixin, forms.Form):
    note = text_field(
        "What the review found",
        help_text="Is the flow still needed, lawful and minimal? After a withdrawal of consent, "
        "which basis applies now?",
    )
    next_review_on = date_field("Next review", years_ahead=10)
