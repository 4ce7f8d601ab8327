"""What the register forms share: typed dates and times, people and partner choices, and the filters.

Dates are typed as day/month/year (times as day/month/year hours:minutes) into a text box, as on the
access request pages, so whatever was typed comes back unchanged when something else needs correcting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.models import User

from igportal.forms import NHSFormMixin, date_field
from igportal.people import display_name
from necessity.rules import (
    Art6Condition,
    Art9Condition,
    ConfidentialityBasis,
    PurposeCategory,
    TransferMethod,
    choices,
)
from requests_app.models import (
    AgreementStatus,
    DataFlowStatus,
    DisclosureKind,
    DpiaStatus,
    IncidentKind,
    IncidentStatus,
    Organisation,
)

DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H.%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S"]
DATETIME_HINT = "Day/month/year and 24-hour time, for example 27/3/2026 14:30"


def _lower(text: str) -> str:
    return f"{text[0].lower()}{text[1:]}"


def datetime_field(
    label: str, *, required: bool = True, help_text: str = DATETIME_HINT
) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(format="%d/%m/%Y %H:%M"),
        help_text=help_text,
        error_messages={
            "required": f"Enter the {_lower(label)}.",
            "invalid": f"Enter the {_lower(label)} as day/month/year and time, for example 27/3/2026 14:30.",
        },
    )


def text_field(
    label: str, *, required: bool = True, rows: int = 3, help_text: str = "", max_length: int | None = None
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
        error_messages={"required": f"Enter {_lower(label)}."},
    )


def choice_field(
    label: str,
    options: Sequence[tuple[str, str]],
    *,
    required: bool = True,
    blank: str = "Choose",
    help_text: str = "",
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=required,
        help_text=help_text,
        choices=[("", blank), *options],
        error_messages={"required": f"Choose {_lower(label)}."},
    )


def legal_basis_fields(*, required: bool = True) -> dict[str, forms.Field]:
    return {
        "art6": choice_field("UK GDPR Article 6 condition", choices(Art6Condition), required=required),
        "art9": choice_field(
            "UK GDPR Article 9 condition",
            choices(Art9Condition),
            required=False,
            blank="Not special category data",
            help_text="For special category data, such as health.",
        ),
        "confidentiality_basis": choice_field(
            "Common law duty of confidentiality basis", choices(ConfidentialityBasis), required=required
        ),
    }


def method_field(label: str = "How it is shared", *, required: bool = True) -> forms.ChoiceField:
    return choice_field(label, choices(TransferMethod), required=required)


class PersonChoiceField(forms.ModelChoiceField):
    """An active member of staff, named as people know them."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(
            queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name", "username"),
            label=label,
            error_messages={"required": f"Choose {_lower(label)}."},
            **kwargs,
        )

    def label_from_instance(self, obj: User) -> str:
        return display_name(obj)


def organisations() -> Any:
    return Organisation.objects.filter(active=True).order_by("name")


class YesNoField(forms.TypedChoiceField):
    """A required yes or no, as radios: an unticked checkbox cannot tell "no" from "not answered"."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            choices=[("yes", "Yes"), ("no", "No")],
            coerce=lambda value: value == "yes",
            widget=forms.RadioSelect,
            error_messages={"required": "Answer yes or no."},
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


class CommentForm(NHSFormMixin, forms.Form):
    """The reason a register move needs (or may carry)."""

    comment = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


# --- the registers' filters ------------------------------------------------------------------------------


class _Filter(NHSFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)

    def filters(self) -> dict[str, Any]:
        """The cleaned filters as the selector's keywords, or none when what was typed is not valid."""
        if not self.is_valid():
            return {}
        cleaned = dict(self.cleaned_data)
        cleaned["search"] = cleaned.pop("q")
        return cleaned


class DisclosureFilterForm(_Filter):
    kind = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Shared or refused"), *DisclosureKind.choices]
    )
    purpose = forms.ChoiceField(
        label="Purpose", required=False, choices=[("", "Any purpose"), *choices(PurposeCategory)]
    )
    disclosed_from = date_field("Shared or refused from", required=False)
    disclosed_to = date_field("Up to", required=False)
    police = forms.BooleanField(label="Police requests only", required=False)
    outside_wizard = forms.BooleanField(label="Logged outside the wizard only", required=False)


class FlowFilterForm(_Filter):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *DataFlowStatus.choices]
    )
    overdue = forms.BooleanField(label="Review overdue", required=False)
    needs_reassessment = forms.BooleanField(label="To reassess (consent withdrawn)", required=False)


class AgreementFilterForm(_Filter):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *AgreementStatus.choices]
    )
    overdue = forms.BooleanField(label="Review overdue", required=False)


class DpiaFilterForm(_Filter):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *DpiaStatus.choices]
    )
    overdue = forms.BooleanField(label="Review overdue", required=False)


class IncidentFilterForm(_Filter):
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Breaches and near misses"), *IncidentKind.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Open or closed"), *IncidentStatus.choices]
    )
    ico_reportable = forms.BooleanField(label="Reportable to the ICO", required=False)
    clock_running = forms.BooleanField(label="ICO report not yet made", required=False)


class WithdrawalFilterForm(_Filter):
    pass
