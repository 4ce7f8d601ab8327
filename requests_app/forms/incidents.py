"""The incident form; the ICO report and what the person was told are added while it is open."""

from __future__ import annotations

from typing import Any

from django import forms

from igportal.bounds import MAX_PEOPLE
from igportal.forms import NHSFormMixin
from requests_app.forms.registers import YesNoField, choice_field, date_field, datetime_field, text_field
from requests_app.incident_grading import LIKELIHOOD_LABELS, SEVERITY_LABELS
from requests_app.models import DataFlow, IncidentCategory, IncidentKind, SharingRequest

# Asked once the incident is recorded: the report, the actions, and the explanation and apology.
FOLLOW_UP_FIELDS = (
    "reported_to_ico_at",
    "ico_reference",
    "actions",
    "person_informed_on",
    "explanation",
    "apology_given",
    "not_informed_reason",
)


def _grid(label: str, labels: dict[Any, str]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[(int(key), text) for key, text in labels.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose the {label.lower()}."},
    )


class IncidentForm(NHSFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind",
        choices=IncidentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose breach or near miss."},
    )
    category = choice_field("Category", IncidentCategory.choices)
    title = text_field("Summary", rows=0, max_length=200, help_text="A short summary that names nobody.")
    description = text_field("What happened", rows=4)
    occurred_at = datetime_field("When it happened", required=False)
    aware_at = datetime_field(
        "When we became aware",
        help_text="The ICO's 72 hours run from this moment. For example, 27/3/2026 14:30",
    )
    likelihood = _grid("Likelihood that people's rights are affected", LIKELIHOOD_LABELS)
    severity = _grid("Severity of the adverse effect", SEVERITY_LABELS)
    people_affected = forms.IntegerField(
        label="Roughly how many people", required=False, min_value=0, max_value=MAX_PEOPLE
    )
    ico_reportable = YesNoField(
        "Reportable to the ICO?", help_text="The grading suggests an answer; the DPO decides."
    )
    reportability_reason = text_field(
        "Why the decision differs from the grading", required=False, help_text="Only when it differs."
    )
    request_reference = forms.CharField(
        label="Linked sharing request",
        required=False,
        max_length=20,
        help_text="Its reference, for example ISR-2026-00042.",
    )
    flow_reference = forms.CharField(
        label="Linked data flow",
        required=False,
        max_length=20,
        help_text="Its reference, for example DF-2026-00003.",
    )

    def __init__(self, *args: Any, follow_up: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if follow_up:
            self.fields.update(
                {
                    "reported_to_ico_at": datetime_field("Reported to the ICO at", required=False),
                    "ico_reference": text_field("ICO case reference", required=False, rows=0, max_length=60),
                    "actions": text_field("Containment and remedial actions", required=False, rows=4),
                    "person_informed_on": date_field("Date the person affected was told", required=False),
                    "explanation": text_field(
                        "Explanation given to the person affected",
                        required=False,
                        help_text="The cause and the remedial action being taken [002 Rec 5].",
                    ),
                    "apology_given": forms.BooleanField(label="An apology was given", required=False),
                    "not_informed_reason": text_field(
                        "Why the person affected was not told",
                        required=False,
                        help_text="Only when they were not told.",
                    ),
                }
            )

    def clean_request_reference(self) -> SharingRequest | None:
        reference = self.cleaned_data["request_reference"].strip().upper()
        if not reference:
            return None
        found = SharingRequest.objects.filter(reference=reference).first()
        if found is None:
            raise forms.ValidationError("There is no sharing request with that reference.")
        return found

    def clean_flow_reference(self) -> DataFlow | None:
        reference = self.cleaned_data["flow_reference"].strip().upper()
        if not reference:
            return None
        found = DataFlow.objects.filter(reference=reference).first()
        if found is None:
            raise forms.ValidationError("There is no data flow with that reference.")
        return found

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["request"] = data.pop("request_reference")
        data["flow"] = data.pop("flow_reference")
        return data
