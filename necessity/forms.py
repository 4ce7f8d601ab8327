"""One form per wizard step; each turns its cleaned data into the engine's answers for that step.

Field names are the engine's field names (``necessity.rules.answers``), so ``to_answers`` is a copy for
most steps and the wizard never invents a second vocabulary.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from igportal.forms import DATE_HINT, NHSFormMixin, date_field
from necessity.rules import (
    CALDICOTT_PRINCIPLES,
    CARER_CRITERIA,
    DPIA_SCREENING_QUESTIONS,
    LEGITIMATE_RELATIONSHIP_CRITERIA,
    UNENCRYPTABLE_METHODS,
    Art6Condition,
    Art9Condition,
    Capacity,
    CareTeamRole,
    ConfidentialityBasis,
    ConsentDecider,
    ConsentState,
    CrimeSeriousness,
    DataForm,
    Direction,
    Frequency,
    InternationalSafeguard,
    LegalDutyKind,
    PoliceExemption,
    PurposeCategory,
    RecipientKind,
    TransferMethod,
    Urgency,
    choices,
    one_off_screening_notice,
)
from requests_app.models import DataItemType, Organisation, RequestItem

YES_NO = (("yes", "Yes"), ("no", "No"))
# What an invalid step keeps of a field that is not free text (a choice, a number, a date part):
# longer than this it cannot be a valid answer, so it is not kept.
KEPT_CHOICE_LENGTH = 100
# The most values a multiple-choice field keeps; no list the wizard offers is longer.
KEPT_CHOICE_COUNT = 200
CONSENT_DATED = {ConsentState.GIVEN, ConsentState.REFUSED, ConsentState.WITHDRAWN}


def yes_no(label: str, help_text: str = "", *, error: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": error or "Answer yes or no"},
    )


def enum_choice(
    enum_cls: type[StrEnum], label: str, *, error: str, radio: bool = True, **kwargs: Any
) -> forms.ChoiceField:
    options = choices(enum_cls)
    return forms.ChoiceField(
        label=label,
        choices=options if radio else (("", "Choose one"), *options),
        widget=forms.RadioSelect if radio else forms.Select,
        error_messages={"required": error},
        **kwargs,
    )


# Long answers are a few sentences (about 200 words) and show a character count; short ones are a line.
LONG_TEXT_LIMIT = 1200
SHORT_TEXT_LIMIT = 200


def text(
    label: str,
    *,
    error: str = "",
    required: bool = True,
    long: bool = True,
    help_text: str = "",
    max_length: int | None = None,
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length or (LONG_TEXT_LIMIT if long else SHORT_TEXT_LIMIT),
        widget=forms.Textarea(attrs={"rows": 4}) if long else forms.TextInput,
        error_messages={"required": error or "Enter an answer"},
    )


def _lower_first(text: str) -> str:
    return f"{text[0].lower()}{text[1:]}" if text else text


def _to_initial(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


class StepForm(NHSFormMixin, forms.Form):
    """Base of every step: the wizard saves ``to_answers()`` and refills from ``initial_from``."""

    # Keys this step stores that are not the engine's (the wizard keeps them for the request record).
    extra_keys: ClassVar[tuple[str, ...]] = ()

    # A sentence shown above the questions, where a step has something to say about this request.
    notice: str = ""

    def __init__(
        self,
        *args: Any,
        items: Sequence[RequestItem] = (),
        saved: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.items = list(items)
        # The answers saved so far, for steps whose questions depend on earlier ones.
        self.saved: Mapping[str, Any] = saved or {}
        super().__init__(*args, **kwargs)

    def _purpose(self, key: str) -> Any:
        return self.saved.get("purpose", {}).get(key)

    def _drop(self, *names: str) -> None:
        for name in names:
            self.fields.pop(name, None)

    def to_answers(self) -> dict[str, Any]:
        return {name: _json(value) for name, value in self.cleaned_data.items()}

    def kept_input(self) -> dict[str, list[str]]:
        """What was typed on this (invalid) step that is worth keeping for later: only this step's own
        fields, free text cut to the field's length limit, other values only if they could be valid.

        A 2 MB field or 900 junk fields posted to a step were stored whole in ``draft_input``.
        """
        kept: dict[str, list[str]] = {}
        for name, field in self.fields.items():
            widget = field.widget
            # A date typed as day, month and year posts one value per part.
            multi = isinstance(widget, forms.MultiWidget)
            suffixes: list[str] = widget.widgets_names if multi else [""]
            limit = getattr(field, "max_length", None)
            count = KEPT_CHOICE_COUNT if getattr(widget, "allow_multiple_selected", False) else 1
            for suffix in suffixes:
                key = self.add_prefix(name) + suffix
                values = self.data.getlist(key) if hasattr(self.data, "getlist") else []
                if limit is not None:
                    values = [value[:limit] for value in values]
                else:
                    values = [value for value in values if len(value) <= KEPT_CHOICE_LENGTH]
                if values:
                    kept[key] = values[:count]
        return kept

    @classmethod
    def initial_from(cls, saved: Mapping[str, Any]) -> dict[str, Any]:
        return {name: _to_initial(value) for name, value in saved.items()}

    @classmethod
    def answer_path(cls, field_name: str) -> str:
        """Where a form field's value sits in the saved answers (the inverse of ``initial_from``'s naming)."""
        return field_name


def _json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Organisation | DataItemType):
        return value.pk
    if isinstance(value, Iterable) and not isinstance(value, str | dict):
        return [_json(item) for item in value]
    return value


class PurposeForm(StepForm):
    extra_keys = ("title", "recipient", "recipient_not_listed")

    title = text(
        "A short title for this request",
        long=False,
        max_length=120,
        help_text="For example: 'Discharge summary to GP'.",
        error="Enter a short title for this request",
    )
    description = text(
        "What is the information for?",
        help_text="The legitimate purpose of the sharing.",
        error="Enter what the information is for",
    )
    function_served = text(
        "What function or outcome does the sharing serve?",
        help_text="For example: the referral, the audit.",
        error="Enter the function or outcome the sharing serves",
    )
    category = enum_choice(
        PurposeCategory, "Which kind of purpose is it?", error="Choose the kind of purpose"
    )
    direct_care = yes_no(
        "Is it for the individual care of the people concerned?",
        "This is called direct care.",
        error="Say whether it is for the individual care of the people concerned",
    )
    urgency = enum_choice(
        Urgency, "How soon is the information needed?", error="Choose how soon the information is needed"
    )
    frequency = enum_choice(
        Frequency, "How often will it be shared?", error="Choose how often it will be shared"
    )
    direction = enum_choice(
        Direction,
        "Are we sending or receiving the information?",
        error="Choose whether we send or receive the information",
    )
    recipient = forms.ModelChoiceField(
        label="Which organisation is it shared with?",
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        help_text="For information we receive, the organisation that sends it.",
        required=False,
        empty_label="Not listed",
    )
    recipient_not_listed = text(
        "If it is not listed, the organisation's name",
        required=False,
        long=False,
        max_length=200,
        help_text="The IG team will add it to the list of partners.",
    )
    recipient_kind = forms.ChoiceField(
        label="If it is not listed, what kind of organisation is it?",
        choices=(("", "Choose one"), *choices(RecipientKind)),
        required=False,
    )
    recipient_is_processor = yes_no(
        "Does the organisation only process the information on our instructions?",
        "For example a supplier that hosts or analyses it for us (a data processor). It then needs a data "
        "processing contract, not an information sharing agreement.",
        error="Say whether the organisation only processes the information on our instructions",
    )
    background = text(
        "Background", required=False, help_text="Links to a national initiative or project, if any."
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("category") == PurposeCategory.DIRECT_CARE and cleaned.get("direct_care") is False:
            self.add_error("direct_care", "You chose direct care as the purpose, so answer yes here.")
        recipient, unlisted = cleaned.get("recipient"), cleaned.get("recipient_not_listed")
        if recipient is None and not unlisted and "recipient" not in self.errors:
            self.add_error(
                "recipient",
                "Choose the organisation the information is shared with, or enter its name if it is "
                "not listed",
            )
        elif recipient is not None and unlisted:
            self.add_error(
                "recipient_not_listed",
                "Choose an organisation from the list or enter one that is not listed, not both",
            )
        elif recipient is None and not cleaned.get("recipient_kind"):
            self.add_error("recipient_kind", "Choose what kind of organisation it is")
        return cleaned

    def to_answers(self) -> dict[str, Any]:
        answers = super().to_answers()
        recipient: Organisation | None = self.cleaned_data["recipient"]
        if recipient is not None:
            answers["recipient_kind"] = recipient.recipient_kind
            answers["recipient_name"] = recipient.name
            answers["recipient_not_listed"] = ""
        else:
            answers["recipient_name"] = self.cleaned_data["recipient_not_listed"]
        return answers

    @classmethod
    def initial_from(cls, saved: Mapping[str, Any]) -> dict[str, Any]:
        initial = super().initial_from(saved)
        if saved.get("recipient"):
            initial.pop("recipient_kind", None)
        initial.pop("recipient_name", None)
        return initial


class SafeguardingForm(StepForm):
    concern = text(
        "What is the concern?", help_text="Who may be at risk, and of what.", error="Describe the concern"
    )
    at_risk_of_harm = yes_no(
        "May a child or adult be at risk of harm, including abuse or neglect?",
        "If yes, share now and record it: a safeguarding disclosure is never held up by this process.",
        error="Say whether anyone may be at risk of harm",
    )


class DataStepForm(StepForm):
    extra_keys = ("item_types",)

    subjects_description = text(
        "Who is the information about?",
        help_text="For example: 'patients on ward 7'.",
        error="Enter who the information is about",
    )
    approximate_subject_count = forms.IntegerField(
        label="Roughly how many people?",
        min_value=1,
        max_value=100_000_000,
        error_messages={"required": "Enter roughly how many people the information is about."},
    )
    data_form = enum_choice(
        DataForm, "In what form will it be shared?", error="Choose the form the information will be shared in"
    )
    recipient_can_reidentify = forms.TypedChoiceField(
        label="If pseudonymised: can the recipient re-identify people?",
        help_text="Answer only for pseudonymised data, for example when the recipient holds the key.",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    confidential_patient_information = yes_no(
        "Is it confidential information about patients or service users?",
        "Information given in confidence, such as health or care records.",
        error="Say whether it is confidential patient or service-user information",
    )
    deceased = yes_no(
        "Have all the people it is about died?",
        "Data protection law no longer applies, but the duty of confidentiality does.",
        error="Say whether the people it is about have died",
    )
    item_types = forms.ModelMultipleChoiceField(
        label="Which data items are included?",
        queryset=DataItemType.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose only what the purpose needs. You will justify each one next.",
        error_messages={"required": "Choose at least one data item."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        pseudonymised = cleaned.get("data_form") == DataForm.PSEUDONYMISED
        if pseudonymised and cleaned.get("recipient_can_reidentify") is None:
            self.add_error("recipient_can_reidentify", "Say whether the recipient can re-identify people.")
        if not pseudonymised:
            cleaned["recipient_can_reidentify"] = None
        return cleaned


class ItemsForm(StepForm):
    """Each chosen item: why it is needed, and whether the purpose fails without it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in self.items:
            code = item.item_type.code
            name = item.item_type.name
            self.fields[f"justification__{code}"] = text(
                f"Why is the {name.lower()} needed?", error=f"Explain why the {name.lower()} is needed"
            )
            hint = ""
            if item.item_type.less_identifying_alternative:
                hint = f"Could you use {item.item_type.less_identifying_alternative.lower()} instead?"
            self.fields[f"essential__{code}"] = yes_no(
                f"Does the purpose fail without the {name.lower()}?",
                hint,
                error=f"Say whether the purpose fails without the {name.lower()}",
            )

    def to_answers(self) -> dict[str, Any]:
        return {
            item.item_type.code: {
                "justification": self.cleaned_data[f"justification__{item.item_type.code}"],
                "essential": self.cleaned_data[f"essential__{item.item_type.code}"],
            }
            for item in self.items
        }

    @classmethod
    def initial_from(cls, saved: Mapping[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for code, values in saved.items():
            if isinstance(values, Mapping):
                initial[f"justification__{code}"] = values.get("justification", "")
                initial[f"essential__{code}"] = _to_initial(values.get("essential"))
            else:
                # Raw input kept from an unsaved attempt is already flat.
                initial[code] = values
        return initial

    @classmethod
    def answer_path(cls, field_name: str) -> str:
        kind, _, code = field_name.partition("__")
        return f"{code}.{kind}" if code else field_name


class PoliceForm(StepForm):
    officer = text(
        "Requesting officer",
        long=False,
        help_text="Name, rank or collar number, and force.",
        error="Enter the requesting officer",
    )
    reference = text(
        "Police reference",
        long=False,
        help_text="Crime, incident or request form number.",
        error="Enter the police reference",
    )
    information_requested = text(
        "What did the police ask for?", help_text="In their words.", error="Enter what the police asked for"
    )
    enquiry_description = text("What is the crime or enquiry?", error="Describe the crime or enquiry")
    involves_patient_information = yes_no(
        "Is it patient or service-user information?",
        error="Say whether it is patient or service-user information",
    )
    exemption_cited = enum_choice(
        PoliceExemption,
        "Which exemption or power do the police cite?",
        radio=False,
        error="Choose the exemption the police cite, or 'No exemption cited'",
    )
    seriousness = enum_choice(
        CrimeSeriousness,
        "How serious is the crime or harm?",
        help_text="Without consent or a legal duty, only a serious crime or serious harm can justify "
        "disclosure.",
        error="Choose how serious the crime or harm is",
    )
    necessary_items = forms.MultipleChoiceField(
        label="Which items does the enquiry need?",
        help_text="Only what is necessary for the enquiry may be given. Leave the others unticked.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["necessary_items"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(item.item_type.code, item.item_type.name) for item in self.items]


class LawfulBasisForm(StepForm):
    art6 = enum_choice(
        Art6Condition,
        "Which UK GDPR Article 6 condition applies?",
        radio=False,
        error="Choose the Article 6 condition, or 'No Article 6 condition applies'",
    )
    confidentiality_basis = enum_choice(
        ConfidentialityBasis,
        "What is the basis under the common law duty of confidentiality?",
        help_text="Implied consent only covers direct care by people with a legitimate relationship.",
        error="Choose the basis under the duty of confidentiality",
    )
    capacity = enum_choice(
        Capacity,
        "Who can decide about sharing for the person?",
        help_text="A Gillick competent child, or an adult with capacity, decides for themselves.",
        error="Choose who can decide about sharing for the person",
    )
    consent = enum_choice(
        ConsentState,
        "Where do the people concerned stand on consent?",
        error="Choose where the people concerned stand on consent",
    )
    consent_decided_by = forms.ChoiceField(
        label="Who gave, refused or withdrew consent?",
        choices=choices(ConsentDecider),
        required=False,
        widget=forms.RadioSelect,
        help_text="Needed when consent was given, refused or withdrawn.",
    )
    consent_date = date_field(
        "Date the consent decision was recorded",
        subject="the date the consent decision was recorded",
        required=False,
        help_text=f"Needed when consent was given, refused or withdrawn. {DATE_HINT}",
    )
    how_informed = text(
        "How are the people concerned told about the sharing?",
        error="Enter how the people concerned are told about the sharing",
    )
    objections_raised = yes_no(
        "Has anyone concerned objected?", error="Say whether anyone concerned has objected"
    )
    objection_details = text("What was objected to?", required=False)
    national_data_opt_out_applied = yes_no(
        "Have people with a national data opt-out been removed?",
        "Required for identifiable data used for research or planning without consent.",
        error="Say whether people with a national data opt-out have been removed",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        consent = cleaned.get("consent")
        if consent in CONSENT_DATED and not cleaned.get("consent_date"):
            self.add_error("consent_date", "Enter the date the consent decision was recorded")
        if consent not in CONSENT_DATED:
            cleaned["consent_date"] = None
            cleaned["consent_decided_by"] = None
        elif not cleaned.get("consent_decided_by"):
            self.add_error("consent_decided_by", "Say who gave, refused or withdrew consent.")
        if (
            cleaned.get("confidentiality_basis") == ConfidentialityBasis.ACCESS_TO_HEALTH_RECORDS_ACT
            and self.saved.get("data", {}).get("deceased") is not True
        ):
            self.add_error(
                "confidentiality_basis",
                "The Access to Health Records Act 1990 covers only the records of people who have died.",
            )
        if cleaned.get("consent_date") and cleaned["consent_date"] > timezone.localdate():
            self.add_error(
                "consent_date", "The date the consent decision was recorded must be today or in the past"
            )
        if cleaned.get("objections_raised") and not cleaned.get("objection_details"):
            self.add_error("objection_details", "Say what was objected to.")
        if cleaned.get("objections_raised") is False:
            cleaned["objection_details"] = None
        return cleaned


class SpecialCategoryForm(StepForm):
    art9 = enum_choice(
        Art9Condition,
        "Which UK GDPR Article 9 condition applies?",
        radio=False,
        help_text="You chose special category data, such as health, so an Article 9 condition is needed too.",
        error="Choose the Article 9 condition, or 'No Article 9 condition applies'",
    )


class LegalDutyForm(StepForm):
    kind = enum_choice(LegalDutyKind, "What requires the disclosure?", error="Choose what requires it")
    reference = text(
        "Which order, notice or law, and which section?",
        long=False,
        help_text="For example: 'Road Traffic Act 1988 s172 notice, ref 123'.",
        error="Enter the order, notice or law",
    )
    what_is_required = text(
        "What exactly does it require you to disclose?",
        help_text="Only this is shared.",
        error="Enter what it requires you to disclose",
    )


class BestInterestsForm(StepForm):
    """Best interests of a person who lacks capacity; for a carer, the criteria of [003]."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["why_in_best_interests"] = text(
            "Why is the sharing in the person's best interests?",
            error="Explain why the sharing is in the person's best interests",
        )
        self.fields["recipient_is_carer"] = yes_no(
            "Is the recipient a carer, family member or friend of the person?",
            error="Say whether the recipient is a carer, family member or friend",
        )
        for entry in CARER_CRITERIA:
            field = yes_no(f"If a carer, is this true? {entry.text}")
            field.required = False
            self.fields[entry.id] = field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for entry in CARER_CRITERIA:
            if not cleaned.get("recipient_is_carer"):
                cleaned[entry.id] = None
            elif cleaned.get(entry.id) in (None, ""):
                self.add_error(entry.id, f"Answer yes or no: {entry.text}")
        return cleaned


def _criteria_form() -> type[StepForm]:
    fields: dict[str, Any] = {
        "recipient_role": enum_choice(
            CareTeamRole,
            "Who receives the information?",
            help_text="Care home and home care workers are part of the person's care team.",
            error="Choose who receives the information",
        ),
        "safeguards_in_place": forms.TypedChoiceField(
            label="If care staff who are not registered: are they bound by confidentiality terms, trained, "
            "and covered by an agreement?",
            choices=YES_NO,
            coerce=lambda value: value == "yes",
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
        ),
    }
    for entry in LEGITIMATE_RELATIONSHIP_CRITERIA:
        fields[entry.id] = yes_no(
            f"Is this true? {entry.text}", error=f"Say whether this is true: {_lower_first(entry.text)}"
        )

    def clean(self: StepForm) -> dict[str, Any]:
        cleaned = forms.Form.clean(self) or {}
        unregistered = cleaned.get("recipient_role") == CareTeamRole.UNREGISTERED_CARE_STAFF
        if unregistered and cleaned.get("safeguards_in_place") is None:
            self.add_error("safeguards_in_place", "Say whether the care staff's safeguards are in place.")
        if not unregistered:
            cleaned["safeguards_in_place"] = None
        return cleaned

    fields["clean"] = clean
    return type("LegitimateRelationshipForm", (StepForm,), fields)


LegitimateRelationshipForm = _criteria_form()


class NecessityForm(StepForm):
    anonymised_would_serve = yes_no(
        "Could anonymised or aggregated data achieve the purpose?",
        "If yes, only that may be shared.",
        error="Say whether anonymised or aggregated data could achieve the purpose",
    )
    pseudonymised_would_serve = yes_no(
        "Could pseudonymised data, with the key kept by us, achieve it?",
        error="Say whether pseudonymised data could achieve the purpose",
    )
    reason = text(
        "Why is identifiable (or pseudonymised) data needed?", error="Explain why identifiable data is needed"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self._purpose("direct_care") is True:
            # Direct care is for named people: nobody is asked whether a pseudonym would do.
            self._drop("anonymised_would_serve", "pseudonymised_would_serve")
            self.fields["reason"].label = "Why does the care need this person's information?"

    def to_answers(self) -> dict[str, Any]:
        answers = super().to_answers()
        answers.setdefault("anonymised_would_serve", None)
        answers.setdefault("pseudonymised_would_serve", None)
        return answers


class ProportionalityForm(StepForm):
    impact_on_people = text(
        "What is the likely impact on the people concerned?",
        error="Describe the likely impact on the people concerned",
    )
    public_interest_served = text(
        "What public interest does the sharing serve?",
        error="Describe the public interest the sharing serves",
    )
    proportionate = yes_no(
        "Is the intrusion proportionate to that interest?", error="Say whether the intrusion is proportionate"
    )
    reason = text("Why, or why not?", error="Explain why it is, or is not, proportionate")


class TransferForm(StepForm):
    method = enum_choice(
        TransferMethod, "How will the information move?", error="Choose how the information will move"
    )
    encrypted = forms.TypedChoiceField(
        label="If sent electronically: will it be encrypted in transit?",
        help_text="Encryption is required for every electronic method. Not asked for post, hand delivery, "
        "telephone or in person.",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    retention_period = text(
        "How long will the recipient keep it, and how will it be destroyed?",
        error="Enter how long it is kept and how it is destroyed",
    )
    onward_sharing = yes_no(
        "Will the recipient pass it on to anyone else?", error="Say whether the recipient will pass it on"
    )
    onward_sharing_details = text("To whom, and why?", required=False)
    existing_isa_reference = text(
        "Reference of an information sharing agreement that covers this",
        required=False,
        long=False,
        help_text="Leave blank if there is none.",
    )
    existing_dpia_reference = text(
        "Reference of a completed DPIA that covers this",
        required=False,
        long=False,
        help_text="Leave blank if there is none.",
    )
    processing_contract_reference = text(
        "Reference of the data processing contract with the processor",
        required=False,
        long=False,
        help_text="UK GDPR Article 28. Leave blank if there is none yet.",
    )
    outside_uk = yes_no(
        "Will the recipient hold or access it outside the UK?",
        error="Say whether it will be held or accessed outside the UK",
    )
    destination_country = text("Which country?", required=False, long=False)
    international_safeguard = forms.ChoiceField(
        label="What makes the transfer lawful?",
        choices=choices(InternationalSafeguard),
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self._purpose("recipient_is_processor") is not True:
            self._drop("processing_contract_reference")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("onward_sharing") and not cleaned.get("onward_sharing_details"):
            self.add_error("onward_sharing_details", "Say to whom it will be passed on, and why.")
        if cleaned.get("onward_sharing") is False:
            cleaned["onward_sharing_details"] = None
        method = cleaned.get("method")
        if method in UNENCRYPTABLE_METHODS:
            cleaned["encrypted"] = None
        elif method and cleaned.get("encrypted") is None:
            self.add_error("encrypted", "Say whether it will be encrypted in transit.")
        if cleaned.get("outside_uk"):
            if not cleaned.get("destination_country"):
                self.add_error("destination_country", "Enter the country.")
            if not cleaned.get("international_safeguard"):
                self.add_error("international_safeguard", "Choose what makes the transfer lawful.")
        else:
            cleaned["destination_country"] = None
            cleaned["international_safeguard"] = None
        for name in ("existing_isa_reference", "existing_dpia_reference", "processing_contract_reference"):
            cleaned[name] = cleaned.get(name) or None
        return cleaned


def _question_and_hint(text: str) -> tuple[str, str]:
    """One question for the Yes/No, and what follows it in the policy's wording as its hint."""
    question, mark, rest = text.partition("?")
    return (f"{question}{mark}", rest.strip()) if mark else (text, "")


def _dpia_form() -> type[StepForm]:
    fields: dict[str, Any] = {}
    for entry in DPIA_SCREENING_QUESTIONS:
        question, hint = _question_and_hint(entry.text)
        fields[entry.id] = yes_no(
            f"{entry.number}. {question}", hint, error=f"Answer screening question {entry.number}"
        )

    def __init__(self: StepForm, *args: Any, **kwargs: Any) -> None:
        StepForm.__init__(self, *args, **kwargs)
        if self._purpose("frequency") == Frequency.ONE_OFF:
            # Imported here: the assessment bridge imports the steps, which import these forms.
            from necessity.assessment import organisation_policy

            # The sentence the engine gives as its reason (R-DPIA-ONE-OFF): the page and outcome agree.
            self.notice = one_off_screening_notice(organisation_policy().policy) or ""

    fields["__init__"] = __init__
    return type("DpiaScreeningForm", (StepForm,), fields)


DpiaScreeningForm = _dpia_form()


class CaldicottForm(StepForm):
    """The eight principles: each confirmed with one line of evidence, or explained."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for entry in CALDICOTT_PRINCIPLES:
            self.fields[f"{entry.id}__confirmed"] = yes_no(
                f"Is principle {entry.number} met? {entry.text}",
                error=f"Say whether principle {entry.number} is met",
            )
            self.fields[f"{entry.id}__evidence"] = text(
                f"Evidence for principle {entry.number}, or why it is not met",
                error=f"Enter the evidence for principle {entry.number}, or why it is not met",
                long=False,
            )

    def to_answers(self) -> dict[str, Any]:
        return {
            entry.id: {
                "confirmed": self.cleaned_data[f"{entry.id}__confirmed"],
                "evidence": self.cleaned_data[f"{entry.id}__evidence"],
            }
            for entry in CALDICOTT_PRINCIPLES
        }

    @classmethod
    def initial_from(cls, saved: Mapping[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for key, value in saved.items():
            if isinstance(value, Mapping):
                initial[f"{key}__confirmed"] = _to_initial(value.get("confirmed"))
                initial[f"{key}__evidence"] = value.get("evidence", "")
            else:
                initial[key] = value
        return initial

    @classmethod
    def answer_path(cls, field_name: str) -> str:
        principle, _, part = field_name.partition("__")
        return f"{principle}.{part}" if part else field_name
