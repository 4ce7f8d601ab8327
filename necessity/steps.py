"""The wizard's steps, when each applies, and how the saved steps become the engine's answers.

Steps are a table: adding or reordering one is a change here only. Whether a step applies is decided
from what was saved so far, so a step stays hidden until the answer that needs it is given, and answers
to a step that no longer applies are kept (nothing typed is lost) but not sent to the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from necessity import forms as step_forms
from necessity.rules import ConfidentialityBasis, DataForm, PurposeCategory
from requests_app.models import DataItemType

Saved = Mapping[str, Any]
PERSONAL_FORMS = frozenset({DataForm.IDENTIFIABLE.value, DataForm.PSEUDONYMISED.value})


def _always(saved: Saved, special: bool) -> bool:
    return True


def _category_is(category: PurposeCategory) -> Callable[[Saved, bool], bool]:
    def applies(saved: Saved, special: bool) -> bool:
        return bool(saved.get("purpose", {}).get("category") == category.value)

    return applies


def _personal(saved: Saved, special: bool) -> bool:
    # Until the data step is answered we cannot know, so the personal-data steps are shown.
    data_form = saved.get("data", {}).get("data_form")
    return data_form is None or data_form in PERSONAL_FORMS


def _special_category(saved: Saved, special: bool) -> bool:
    return _personal(saved, special) and special


def _basis_is(basis: ConfidentialityBasis) -> Callable[[Saved, bool], bool]:
    def applies(saved: Saved, special: bool) -> bool:
        chosen = saved.get("lawful_basis", {}).get("confidentiality_basis")
        return _personal(saved, special) and chosen == basis.value

    return applies


def _direct_care(saved: Saved, special: bool) -> bool:
    return _personal(saved, special) and saved.get("purpose", {}).get("direct_care") is True


# The wizard's numbered sections. Their count never changes with the answers, so "Step 4 of 9" stays
# "of 9" when a step is shown or hidden: a section can hold several pages, and a section none of whose
# pages apply (lawful basis for data that is not about people) is shown as not needed, not renumbered.
SECTIONS: tuple[str, ...] = (
    "Purpose",
    "Data",
    "Lawful basis",
    "Necessity",
    "Proportionality",
    "Transfer and security",
    "DPIA screening",
    "Caldicott principles",
    "Check and submit",
)


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    form_class: type[step_forms.StepForm]
    applies: Callable[[Saved, bool], bool]
    intro: str = ""
    # The section this step opens; empty: it belongs to the section of the step before it.
    section: str = ""


STEPS: tuple[Step, ...] = (
    Step(
        "purpose",
        "Purpose",
        step_forms.PurposeForm,
        _always,
        "What the information is for and who gets it.",
        section="Purpose",
    ),
    Step(
        "safeguarding",
        "Safeguarding",
        step_forms.SafeguardingForm,
        _category_is(PurposeCategory.SAFEGUARDING),
        "Safeguarding information is shared without delay when someone is at risk of serious harm.",
    ),
    Step(
        "data",
        "Data",
        step_forms.DataStepForm,
        _always,
        "Who the information is about and what it contains.",
        section="Data",
    ),
    Step(
        "items",
        "Data items",
        step_forms.ItemsForm,
        _always,
        "Justify each item. Items the purpose can do without will have to be removed.",
    ),
    Step(
        "police",
        "Police request",
        step_forms.PoliceForm,
        _category_is(PurposeCategory.POLICE_CRIME),
        "Only what is necessary for the enquiry may be given, and the request is recorded.",
    ),
    Step("lawful_basis", "Lawful basis", step_forms.LawfulBasisForm, _personal, section="Lawful basis"),
    Step("special_category", "Special category data", step_forms.SpecialCategoryForm, _special_category),
    Step(
        "legal_duty",
        "Legal duty",
        step_forms.LegalDutyForm,
        _basis_is(ConfidentialityBasis.LEGAL_DUTY_OR_COURT_ORDER),
        "The law requires this disclosure: share only what it requires, and record it.",
    ),
    Step(
        "best_interests",
        "Best interests",
        step_forms.BestInterestsForm,
        _basis_is(ConfidentialityBasis.BEST_INTERESTS),
        "For a person who lacks capacity and has nobody with authority to decide for them "
        "(Mental Capacity Act 2005).",
    ),
    Step(
        "legitimate_relationship",
        "Legitimate relationship",
        step_forms.LegitimateRelationshipForm,
        _direct_care,
        "Implied consent for direct care needs a legitimate relationship with the person.",
    ),
    Step(
        "necessity",
        "Necessity",
        step_forms.NecessityForm,
        _personal,
        "The first part of the necessity test: could less identifying data do?",
        section="Necessity",
    ),
    Step(
        "proportionality",
        "Proportionality",
        step_forms.ProportionalityForm,
        _personal,
        "The second part of the necessity test: the impact on people against the public interest.",
        section="Proportionality",
    ),
    Step(
        "transfer", "Transfer and security", step_forms.TransferForm, _always, section="Transfer and security"
    ),
    Step(
        "dpia_screening",
        "DPIA screening",
        step_forms.DpiaScreeningForm,
        _always,
        "A 'yes' can mean a full data protection impact assessment is needed.",
        section="DPIA screening",
    ),
    Step(
        "caldicott",
        "Caldicott principles",
        step_forms.CaldicottForm,
        _always,
        "Confirm each principle with one line of evidence, or explain why it is not met.",
        section="Caldicott principles",
    ),
)
STEPS_BY_NAME = {step.name: step for step in STEPS}
REVIEW = "review"


def _section_numbers(steps: Sequence[Step]) -> dict[str, int]:
    numbers: dict[str, int] = {}
    current = 1
    for step in steps:
        if step.section:
            current = SECTIONS.index(step.section) + 1
        numbers[step.name] = current
    return numbers


SECTION_NUMBER = _section_numbers(STEPS)
REVIEW_NUMBER = len(SECTIONS)


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    steps: tuple[Step, ...]


def sections(applicable: Sequence[Step]) -> list[Section]:
    """Every numbered section with the steps of it that apply (none: the section is not needed)."""
    return [
        Section(
            number,
            title,
            tuple(step for step in applicable if SECTION_NUMBER[step.name] == number),
        )
        for number, title in enumerate(SECTIONS[:-1], start=1)
    ]


def chosen_item_types(saved: Saved) -> list[DataItemType]:
    ids = saved.get("data", {}).get("item_types", [])
    return list(DataItemType.objects.filter(pk__in=ids))


def applicable_steps(saved: Saved, *, special_category: bool) -> list[Step]:
    return [step for step in STEPS if step.applies(saved, special_category)]


def missing_steps(saved: Saved, *, special_category: bool) -> list[Step]:
    return [
        step for step in applicable_steps(saved, special_category=special_category) if step.name not in saved
    ]


def _without(values: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key not in keys}


def assemble_answers(saved: Saved, item_types: Sequence[DataItemType]) -> dict[str, Any]:
    """The engine's answers dict (see docs/answers.schema.json) from the saved steps.

    Call only when ``missing_steps`` is empty; the engine's own validation then checks the whole.
    """
    special = any(item.special_category for item in item_types)
    steps = {step.name for step in applicable_steps(saved, special_category=special)}
    justified = saved.get("items", {})
    items = [
        {
            "code": item.code,
            "name": item.name,
            "identifying": item.identifying,
            "special_category": item.special_category,
            "essential": justified.get(item.code, {}).get("essential"),
            "justification": justified.get(item.code, {}).get("justification", ""),
            "less_identifying_alternative": item.less_identifying_alternative or None,
        }
        for item in item_types
    ]
    police = None
    if "police" in steps:
        needed = set(saved["police"].get("necessary_items", []))
        police = _without(saved["police"], ("necessary_items",)) | {
            "item_necessity": [
                {"item_code": item.code, "necessary_for_enquiry": item.code in needed} for item in item_types
            ]
        }
    lawful_basis = None
    if "lawful_basis" in steps:
        art9 = saved["special_category"]["art9"] if "special_category" in steps else "none"
        lawful_basis = dict(saved["lawful_basis"]) | {"art9": art9}

    def optional(name: str) -> dict[str, Any] | None:
        return dict(saved[name]) if name in steps else None

    necessity = optional("necessity")
    if necessity is not None and saved["purpose"].get("direct_care") is True:
        # Answers kept from before the purpose became direct care are not sent: care is for named people.
        necessity |= {"anonymised_would_serve": None, "pseudonymised_would_serve": None}

    return {
        "purpose": _without(saved["purpose"], step_forms.PurposeForm.extra_keys),
        "safeguarding": optional("safeguarding"),
        "police": police,
        "data": _without(saved["data"], step_forms.DataStepForm.extra_keys) | {"items": items},
        "lawful_basis": lawful_basis,
        "legal_duty": optional("legal_duty"),
        "best_interests": optional("best_interests"),
        "legitimate_relationship": optional("legitimate_relationship"),
        "necessity": necessity,
        "proportionality": optional("proportionality"),
        "transfer": dict(saved["transfer"]),
        "dpia_screening": dict(saved["dpia_screening"]),
        "caldicott": dict(saved["caldicott"]),
    }
