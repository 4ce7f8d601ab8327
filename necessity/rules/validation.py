"""Checks an ``Answers`` value beyond its types: field constraints and cross-step consistency.

Types are enforced where answers come from JSON (`codec.py`) and by mypy where the wizard builds them;
what remains is what a type cannot say: a text that must not be blank, a step that must be present for
some answers and absent for others, item codes that must be unique and referenced consistently.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

from necessity.rules.answers import Answers
from necessity.rules.enums import (
    CareTeamRole,
    ConfidentialityBasis,
    ConsentState,
    DataForm,
    PurposeCategory,
    TransferMethod,
)
from necessity.rules.errors import AnswersError
from necessity.rules.fields import ITEM_CODE_PATTERN, field_infos

PERSONAL_FORMS = frozenset({DataForm.IDENTIFIABLE, DataForm.PSEUDONYMISED})
CONSENT_STATES_WITH_DATE = frozenset({ConsentState.GIVEN, ConsentState.REFUSED, ConsentState.WITHDRAWN})
# Methods where nothing is encrypted in transit: a paper copy or spoken words [004 6.4]. Other safeguards
# (tracked post, verifying the caller) stand in for encryption.
UNENCRYPTABLE_METHODS = frozenset(
    {
        TransferMethod.POST,
        TransferMethod.HAND_DELIVERY,
        TransferMethod.TELEPHONE,
        TransferMethod.VERBAL_IN_PERSON,
    }
)
# Categories that can never be the individual care of the people concerned.
NEVER_DIRECT_CARE = frozenset(
    {
        PurposeCategory.PLANNING_COMMISSIONING,
        PurposeCategory.RESEARCH,
        PurposeCategory.REGULATION,
        PurposeCategory.POLICE_CRIME,
        PurposeCategory.LEGAL_PROCEEDINGS,
    }
)

Errors = list[tuple[str, str]]
CARER_FIELDS = (
    "carer_cares_for_person",
    "no_legal_document_prevents_sharing",
    "no_contra_indications_in_record",
    "no_safeguarding_issues",
)


@dataclasses.dataclass(frozen=True)
class ConditionalStep:
    """An optional step of ``Answers``: present exactly when ``applies`` holds.

    ``schema_if`` is the same test as a JSON Schema ``if`` over the answers document, kept beside the
    Python predicate so that the two are written (and reviewed) together.
    """

    field: str
    applies: Callable[[Answers], bool]
    when: str
    schema_if: Mapping[str, Any]


def is_personal(answers: Answers) -> bool:
    return answers.data.data_form in PERSONAL_FORMS


def _purpose_is(category: PurposeCategory) -> Mapping[str, Any]:
    return {"properties": {"purpose": {"properties": {"category": {"const": category.value}}}}}


def _basis_is(answers: Answers, basis: ConfidentialityBasis) -> bool:
    return answers.lawful_basis is not None and answers.lawful_basis.confidentiality_basis is basis


def _basis_if(basis: ConfidentialityBasis) -> Mapping[str, Any]:
    return {
        "properties": {
            "lawful_basis": {
                "type": "object",
                "properties": {"confidentiality_basis": {"const": basis.value}},
            }
        }
    }


_PERSONAL_IF: Mapping[str, Any] = {
    "properties": {
        "data": {"properties": {"data_form": {"enum": sorted(form.value for form in PERSONAL_FORMS)}}}
    }
}

CONDITIONAL_STEPS: tuple[ConditionalStep, ...] = (
    ConditionalStep(
        "safeguarding",
        lambda a: a.purpose.category is PurposeCategory.SAFEGUARDING,
        "purpose.category is safeguarding",
        _purpose_is(PurposeCategory.SAFEGUARDING),
    ),
    ConditionalStep(
        "police",
        lambda a: a.purpose.category is PurposeCategory.POLICE_CRIME,
        "purpose.category is police_crime",
        _purpose_is(PurposeCategory.POLICE_CRIME),
    ),
    ConditionalStep(
        "lawful_basis", is_personal, "data.data_form is identifiable or pseudonymised", _PERSONAL_IF
    ),
    ConditionalStep(
        "legal_duty",
        lambda a: _basis_is(a, ConfidentialityBasis.LEGAL_DUTY_OR_COURT_ORDER),
        "lawful_basis.confidentiality_basis is legal_duty_or_court_order",
        _basis_if(ConfidentialityBasis.LEGAL_DUTY_OR_COURT_ORDER),
    ),
    ConditionalStep(
        "best_interests",
        lambda a: _basis_is(a, ConfidentialityBasis.BEST_INTERESTS),
        "lawful_basis.confidentiality_basis is best_interests",
        _basis_if(ConfidentialityBasis.BEST_INTERESTS),
    ),
    ConditionalStep(
        "legitimate_relationship",
        lambda a: a.purpose.direct_care and is_personal(a),
        "purpose.direct_care is true and data.data_form is identifiable or pseudonymised",
        {
            "allOf": [
                {"properties": {"purpose": {"properties": {"direct_care": {"const": True}}}}},
                _PERSONAL_IF,
            ]
        },
    ),
    ConditionalStep(
        "necessity", is_personal, "data.data_form is identifiable or pseudonymised", _PERSONAL_IF
    ),
    ConditionalStep(
        "proportionality", is_personal, "data.data_form is identifiable or pseudonymised", _PERSONAL_IF
    ),
)


def answer_errors(answers: Answers) -> list[tuple[str, str]]:
    """Every constraint and consistency problem in ``answers``; empty when they are valid."""
    errors: Errors = []
    _check_constraints(answers, "$", errors)
    _check_consistency(answers, errors)
    return errors


def validate_answers(answers: Answers) -> None:
    """Raise ``AnswersError`` listing every problem, or return quietly when ``answers`` are valid."""
    errors = answer_errors(answers)
    if errors:
        raise AnswersError(errors)


def _check_constraints(value: object, path: str, errors: Errors) -> None:
    if isinstance(value, tuple):
        for index, element in enumerate(value):
            _check_constraints(element, f"{path}[{index}]", errors)
        return
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return
    for info in field_infos(type(value)):
        field_value = getattr(value, info.name)
        field_path = f"{path}.{info.name}"
        spec = info.spec
        if spec is not None:
            if spec.not_blank and isinstance(field_value, str) and not field_value.strip():
                errors.append((field_path, "must not be blank"))
            if spec.minimum is not None and isinstance(field_value, int) and field_value < spec.minimum:
                errors.append((field_path, f"must be {spec.minimum} or more"))
            if (
                spec.pattern is not None
                and isinstance(field_value, str)
                and not re.fullmatch(spec.pattern, field_value)
            ):
                errors.append((field_path, _pattern_message(spec.pattern)))
            if (
                spec.min_items is not None
                and isinstance(field_value, tuple)
                and len(field_value) < spec.min_items
            ):
                errors.append((field_path, f"needs at least {spec.min_items} entry"))
        _check_constraints(field_value, field_path, errors)


def _pattern_message(pattern: str) -> str:
    if pattern == ITEM_CODE_PATTERN:
        return (
            "must start with a lower case letter and use only lower case letters, digits and underscores "
            "(50 characters at most)"
        )
    return f"must match {pattern}"


def _check_consistency(answers: Answers, errors: Errors) -> None:
    for step in CONDITIONAL_STEPS:
        present = getattr(answers, step.field) is not None
        if step.applies(answers) and not present:
            errors.append((f"$.{step.field}", f"is required when {step.when}"))
        elif not step.applies(answers) and present:
            errors.append((f"$.{step.field}", f"must be null unless {step.when}"))

    purpose = answers.purpose
    if purpose.category is PurposeCategory.DIRECT_CARE and not purpose.direct_care:
        errors.append(("$.purpose.direct_care", "must be true when purpose.category is direct_care"))
    if purpose.category in NEVER_DIRECT_CARE and purpose.direct_care:
        errors.append(("$.purpose.direct_care", f"must be false when purpose.category is {purpose.category}"))

    data = answers.data
    first_index: dict[str, int] = {}
    for index, item in enumerate(data.items):
        if item.code in first_index:
            errors.append(
                (
                    f"$.data.items[{index}].code",
                    f"repeats the code of item {first_index[item.code]}: codes must be unique",
                )
            )
        else:
            first_index[item.code] = index
    if data.data_form is DataForm.PSEUDONYMISED and data.recipient_can_reidentify is None:
        errors.append(("$.data.recipient_can_reidentify", "is required when data.data_form is pseudonymised"))
    if data.data_form is not DataForm.PSEUDONYMISED and data.recipient_can_reidentify is not None:
        errors.append(
            ("$.data.recipient_can_reidentify", "must be null unless data.data_form is pseudonymised")
        )

    basis = answers.lawful_basis
    if basis is not None:
        if basis.consent in CONSENT_STATES_WITH_DATE and basis.consent_date is None:
            errors.append(("$.lawful_basis.consent_date", f"is required when consent is {basis.consent}"))
        if basis.consent not in CONSENT_STATES_WITH_DATE and basis.consent_date is not None:
            errors.append(("$.lawful_basis.consent_date", f"must be null when consent is {basis.consent}"))
        if basis.consent in CONSENT_STATES_WITH_DATE and basis.consent_decided_by is None:
            errors.append(
                ("$.lawful_basis.consent_decided_by", f"is required when consent is {basis.consent}")
            )
        if basis.consent not in CONSENT_STATES_WITH_DATE and basis.consent_decided_by is not None:
            errors.append(
                ("$.lawful_basis.consent_decided_by", f"must be null when consent is {basis.consent}")
            )
        _check_paired_text(
            basis.objections_raised,
            basis.objection_details,
            "$.lawful_basis.objection_details",
            "lawful_basis.objections_raised",
            errors,
        )

    relationship = answers.legitimate_relationship
    if relationship is not None:
        unregistered = relationship.recipient_role is CareTeamRole.UNREGISTERED_CARE_STAFF
        _check_present_when(
            unregistered,
            relationship.safeguards_in_place,
            "$.legitimate_relationship.safeguards_in_place",
            "legitimate_relationship.recipient_role is unregistered_care_staff",
            errors,
        )

    best_interests = answers.best_interests
    if best_interests is not None:
        for name in CARER_FIELDS:
            _check_present_when(
                best_interests.recipient_is_carer,
                getattr(best_interests, name),
                f"$.best_interests.{name}",
                "best_interests.recipient_is_carer is true",
                errors,
            )

    necessity = answers.necessity
    if necessity is not None:
        for name in ("anonymised_would_serve", "pseudonymised_would_serve"):
            value = getattr(necessity, name)
            if purpose.direct_care and value is not None:
                errors.append(
                    (f"$.necessity.{name}", "must be null for direct care, which is for named people")
                )
            if not purpose.direct_care and value is None:
                errors.append((f"$.necessity.{name}", "is required unless purpose.direct_care is true"))

    transfer = answers.transfer
    _check_paired_text(
        transfer.onward_sharing,
        transfer.onward_sharing_details,
        "$.transfer.onward_sharing_details",
        "transfer.onward_sharing",
        errors,
    )
    _check_present_when(
        transfer.method not in UNENCRYPTABLE_METHODS,
        transfer.encrypted,
        "$.transfer.encrypted",
        "transfer.method is sent electronically (not post, hand delivery, telephone or in person)",
        errors,
    )
    for name in ("destination_country", "international_safeguard"):
        _check_present_when(
            transfer.outside_uk, getattr(transfer, name), f"$.transfer.{name}", "transfer.outside_uk", errors
        )
    if _basis_is(answers, ConfidentialityBasis.ACCESS_TO_HEALTH_RECORDS_ACT) and not answers.data.deceased:
        errors.append(
            (
                "$.lawful_basis.confidentiality_basis",
                "access_to_health_records_act is only for the records of people who have died "
                "(data.deceased)",
            )
        )

    if answers.police is not None:
        seen: set[str] = set()
        for index, entry in enumerate(answers.police.item_necessity):
            path = f"$.police.item_necessity[{index}].item_code"
            if entry.item_code not in first_index:
                errors.append((path, f"'{entry.item_code}' is not the code of a data item"))
            elif entry.item_code in seen:
                errors.append((path, f"'{entry.item_code}' is listed twice"))
            seen.add(entry.item_code)
        missing = [code for code in first_index if code not in seen]
        if missing:
            errors.append(
                (
                    "$.police.item_necessity",
                    "needs an entry for every data item; missing: " + ", ".join(missing),
                )
            )

    for info in field_infos(type(answers.caldicott)):
        check = getattr(answers.caldicott, info.name)
        if check.confirmed and not check.evidence.strip():
            errors.append(
                (
                    f"$.caldicott.{info.name}.evidence",
                    "needs a line of evidence when the principle is confirmed",
                )
            )


def _check_present_when(applies: bool, value: object, path: str, when: str, errors: Errors) -> None:
    if applies and value is None:
        errors.append((path, f"is required when {when}"))
    if not applies and value is not None:
        errors.append((path, f"must be null unless {when}"))


def _check_paired_text(flag: bool, details: str | None, path: str, flag_name: str, errors: Errors) -> None:
    if flag and details is None:
        errors.append((path, f"is required when {flag_name} is true"))
    if not flag and details is not None:
        errors.append((path, f"must be null when {flag_name} is false"))
