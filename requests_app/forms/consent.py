"""Recording a withdrawal of consent against the flows and disclosures that relied on it."""

from __future__ import annotations

from typing import Any

from django import forms

from igportal.forms import NHSFormMixin
from requests_app.forms.registers import date_field, text_field
from requests_app.models import DataFlow, Disclosure
from requests_app.selectors.consent import disclosures_relying_on_consent
from requests_app.selectors.flows import flows_relying_on_consent


class _FlowChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: DataFlow) -> str:
        return f"{obj.reference}: {obj.name}, to {obj.recipient.name}"


class _DisclosureChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Disclosure) -> str:
        return f"{obj.reference}: to {obj.recipient.name} on {obj.disclosed_on:%d %b %Y}"


class ConsentWithdrawalForm(NHSFormMixin, forms.Form):
    subject_reference = text_field(
        "Pseudonymous reference for the person",
        rows=0,
        max_length=60,
        help_text="A local identifier that does not name the person: never a name or an NHS number.",
    )
    withdrawn_on = date_field("Date consent was withdrawn")
    flows = _FlowChoices(
        label="Data flows that relied on their consent",
        queryset=DataFlow.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    disclosures = _DisclosureChoices(
        label="Disclosures that relied on their consent",
        queryset=Disclosure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = text_field("Notes", required=False, help_text="Internal. Name nobody.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        flows = self.fields["flows"]
        assert isinstance(flows, forms.ModelMultipleChoiceField)
        flows.queryset = flows_relying_on_consent()
        disclosures = self.fields["disclosures"]
        assert isinstance(disclosures, forms.ModelMultipleChoiceField)
        disclosures.queryset = disclosures_relying_on_consent()
        if not flows.queryset.exists():
            flows.help_text = "No data flow in the registers relies on consent."
        if not disclosures.queryset.exists():
            disclosures.help_text = "No disclosure in the registers relied on consent."


class NoticeToldForm(NHSFormMixin, forms.Form):
    how = text_field(
        "How they were told",
        rows=0,
        max_length=200,
        help_text="For example: by phone to their IG lead on 3 March.",
    )
