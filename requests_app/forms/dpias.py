"""DPIA forms: the screening and the full assessment's text, and one risk at a time."""

from __future__ import annotations

from typing import Any

from django import forms

from igportal.forms import NHSFormMixin
from necessity.rules import DPIA_SCREENING_QUESTIONS
from requests_app.forms.registers import YesNoField, text_field
from requests_app.models.dpias import SCREENING_IDS, RiskLikelihood, RiskSeverity


class DpiaForm(NHSFormMixin, forms.Form):
    title = text_field("Title", rows=0, max_length=200)
    processing_description = text_field(
        "The processing", required=False, rows=4, help_text="Its nature, scope, context and purposes."
    )
    necessity_assessment = text_field(
        "Necessity and proportionality",
        required=False,
        rows=4,
        help_text="Why it is needed and in proportion to its aim.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for entry in DPIA_SCREENING_QUESTIONS:
            self.fields[entry.id] = YesNoField(f"{entry.number}. {entry.text}")

    def service_data(self) -> dict[str, Any]:
        """The cleaned data as the services take it: the ten answers gathered into ``screening``."""
        data = dict(self.cleaned_data)
        data["screening"] = {question: data.pop(question) for question in SCREENING_IDS}
        return data


def _score(label: str, options: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=options,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose the {label.lower()}."},
    )


class DpiaRiskForm(NHSFormMixin, forms.Form):
    description = text_field(
        "The risk to people", help_text="What could happen to the people concerned, and how."
    )
    likelihood = _score("Likelihood", RiskLikelihood.choices)
    severity = _score("Severity", RiskSeverity.choices)
    mitigation = text_field("Measures to reduce or remove it")
    residual_likelihood = _score("Likelihood after the measures", RiskLikelihood.choices)
    residual_severity = _score("Severity after the measures", RiskSeverity.choices)
