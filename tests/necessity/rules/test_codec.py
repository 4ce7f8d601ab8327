"""Reading answers from JSON: every problem reported with the path and a message a person can act on."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from necessity.rules import (
    Answers,
    AnswersError,
    DecodeError,
    answers_from_dict,
    answers_to_dict,
    assess,
    result_from_dict,
    result_to_dict,
)
from tests.necessity.rules.builders import TODAY, anonymised, direct_care, police, safeguarding

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def valid() -> dict[str, Any]:
    return answers_to_dict(direct_care())


def errors_for(document: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(AnswersError) as raised:
        answers_from_dict(document)
    return list(raised.value.errors)


def edited(path: str, value: object, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """A deep copy of ``document`` with the value at ``a.b[0].c`` replaced."""
    result = copy.deepcopy(document if document is not None else valid())
    *parents, last = _parse(path)
    target: Any = result
    for part in parents:
        target = target[part]
    target[last] = value
    return result


def removed(path: str) -> dict[str, Any]:
    result = copy.deepcopy(valid())
    *parents, last = _parse(path)
    target: Any = result
    for part in parents:
        target = target[part]
    del target[last]
    return result


def _parse(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for chunk in path.split("."):
        name, *indexes = chunk.replace("]", "").split("[")
        parts.append(name)
        parts.extend(int(index) for index in indexes)
    return parts


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param(removed("purpose.urgency"), ("$.purpose.urgency", "is required"), id="missing key"),
        pytest.param(
            edited("purpose.colour", "blue"), ("$.purpose.colour", "is not a known field"), id="unknown key"
        ),
        pytest.param(
            edited("purpose.direct_care", "yes"),
            ("$.purpose.direct_care", "must be true or false"),
            id="flag as text",
        ),
        pytest.param(
            edited("data.approximate_subject_count", True),
            ("$.data.approximate_subject_count", "must be a whole number"),
            id="count as boolean",
        ),
        pytest.param(
            edited("data.approximate_subject_count", 2.5),
            ("$.data.approximate_subject_count", "must be a whole number"),
            id="count as fraction",
        ),
        pytest.param(
            edited("purpose.urgency", "soon"),
            ("$.purpose.urgency", "must be one of: routine, urgent, emergency"),
            id="unknown choice",
        ),
        pytest.param(
            edited("purpose.description", 7), ("$.purpose.description", "must be text"), id="number as text"
        ),
        pytest.param(edited("purpose", []), ("$.purpose", "must be an object"), id="step as list"),
        pytest.param(edited("data.items", {}), ("$.data.items", "must be a list"), id="items as object"),
        pytest.param(edited("transfer", None), ("$.transfer", "must not be null"), id="required step null"),
        pytest.param(
            edited("data.items[1].essential", None),
            ("$.data.items[1].essential", "must not be null"),
            id="path into a list",
        ),
        pytest.param(
            edited("lawful_basis.consent_date", "03/11/2026", edited("lawful_basis.consent", "given")),
            ("$.lawful_basis.consent_date", "must be a date written YYYY-MM-DD"),
            id="date in the wrong format",
        ),
        pytest.param(
            edited("lawful_basis.consent_date", "2026-02-30", edited("lawful_basis.consent", "given")),
            ("$.lawful_basis.consent_date", "2026-02-30 is not a calendar date"),
            id="impossible date",
        ),
    ],
)
def test_shape_errors(document: dict[str, Any], expected: tuple[str, str]) -> None:
    assert expected in errors_for(document)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param(
            edited("purpose.description", "   "),
            ("$.purpose.description", "must not be blank"),
            id="blank text",
        ),
        pytest.param(
            edited("data.approximate_subject_count", -1),
            ("$.data.approximate_subject_count", "must be 0 or more"),
            id="negative count",
        ),
        pytest.param(
            edited("data.items[0].code", "Patient Name"),
            (
                "$.data.items[0].code",
                "must start with a lower case letter and use only lower case letters, digits and underscores "
                "(50 characters at most)",
            ),
            id="bad item code",
        ),
        pytest.param(edited("data.items", []), ("$.data.items", "needs at least 1 entry"), id="no items"),
        pytest.param(
            edited("data.items[1].code", "patient_name"),
            ("$.data.items[1].code", "repeats the code of item 0: codes must be unique"),
            id="duplicate item code",
        ),
        pytest.param(
            edited("purpose.direct_care", False),
            ("$.purpose.direct_care", "must be true when purpose.category is direct_care"),
            id="direct care category without direct care",
        ),
        pytest.param(
            edited("police", answers_to_dict(police())["police"]),
            ("$.police", "must be null unless purpose.category is police_crime"),
            id="police step on a non-police request",
        ),
        pytest.param(
            edited("lawful_basis", None),
            ("$.lawful_basis", "is required when data.data_form is identifiable or pseudonymised"),
            id="personal data without lawful basis",
        ),
        pytest.param(
            edited("legitimate_relationship", None),
            (
                "$.legitimate_relationship",
                "is required when purpose.direct_care is true and data.data_form is identifiable or "
                "pseudonymised",
            ),
            id="direct care without relationship",
        ),
        pytest.param(
            edited("data.data_form", "pseudonymised"),
            ("$.data.recipient_can_reidentify", "is required when data.data_form is pseudonymised"),
            id="pseudonymised without key answer",
        ),
        pytest.param(
            edited("lawful_basis.consent", "withdrawn"),
            ("$.lawful_basis.consent_date", "is required when consent is withdrawn"),
            id="withdrawal without date",
        ),
        pytest.param(
            edited("lawful_basis.consent_date", "2026-01-01"),
            ("$.lawful_basis.consent_date", "must be null when consent is not_sought"),
            id="date without a consent decision",
        ),
        pytest.param(
            edited("lawful_basis.objections_raised", True),
            ("$.lawful_basis.objection_details", "is required when lawful_basis.objections_raised is true"),
            id="objection without details",
        ),
        pytest.param(
            edited("transfer.onward_sharing_details", "To the GP."),
            ("$.transfer.onward_sharing_details", "must be null when transfer.onward_sharing is false"),
            id="details without onward sharing",
        ),
        pytest.param(
            edited("caldicott.p3_minimum_necessary.evidence", ""),
            (
                "$.caldicott.p3_minimum_necessary.evidence",
                "needs a line of evidence when the principle is confirmed",
            ),
            id="confirmed principle without evidence",
        ),
    ],
)
def test_consistency_errors(document: dict[str, Any], expected: tuple[str, str]) -> None:
    assert expected in errors_for(document)


def test_police_item_necessity_must_match_the_items() -> None:
    document = answers_to_dict(police())
    document["police"]["item_necessity"] = [
        {"item_code": "patient_name", "necessary_for_enquiry": True},
        {"item_code": "patient_name", "necessary_for_enquiry": True},
        {"item_code": "shoe_size", "necessary_for_enquiry": False},
    ]

    assert errors_for(document) == [
        ("$.police.item_necessity[1].item_code", "'patient_name' is listed twice"),
        ("$.police.item_necessity[2].item_code", "'shoe_size' is not the code of a data item"),
        ("$.police.item_necessity", "needs an entry for every data item; missing: admission_dates"),
    ]


def test_all_shape_errors_are_reported_at_once() -> None:
    document = edited(
        "purpose.urgency", "soon", edited("transfer.encrypted", "no", removed("data.items[0].name"))
    )

    paths = [path for path, _ in errors_for(document)]

    assert paths == ["$.purpose.urgency", "$.data.items[0].name", "$.transfer.encrypted"]


def test_answers_error_reads_as_a_list_of_problems() -> None:
    error = AnswersError([("$.a", "is required"), ("$.b", "must be text")])

    assert str(error) == "$.a: is required; $.b: must be text"
    assert isinstance(error, ValueError)


def test_a_document_that_is_not_an_object_is_rejected() -> None:
    assert errors_for([]) == [("$", "must be an object")]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "answers",
    [direct_care(), police(), safeguarding(), anonymised()],
    ids=["direct care", "police", "safeguarding", "anonymised"],
)
def test_answers_round_trip_exactly(answers: Answers) -> None:
    document = answers_to_dict(answers)

    assert answers_from_dict(json.loads(json.dumps(document))) == answers
    assert answers_to_dict(answers_from_dict(document)) == document


def test_dates_are_written_as_iso_strings() -> None:
    document = edited(
        "lawful_basis.consent_decided_by",
        "the_person",
        edited("lawful_basis.consent_date", "2026-10-01", edited("lawful_basis.consent", "given")),
    )

    assert answers_to_dict(answers_from_dict(document))["lawful_basis"]["consent_date"] == "2026-10-01"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_result_round_trips_exactly(path: Path) -> None:
    example = json.loads(path.read_text())
    result = assess(answers_from_dict(example["answers"]), today=TODAY)

    document = json.loads(json.dumps(result_to_dict(result)))

    assert result_from_dict(document) == result
    assert result_to_dict(result_from_dict(document)) == document


def test_result_from_dict_rejects_a_malformed_result() -> None:
    document = result_to_dict(assess(direct_care(), today=TODAY))
    document["outcome"] = "maybe"
    del document["risk"]

    with pytest.raises(DecodeError) as raised:
        result_from_dict(document)

    assert raised.value.errors == (
        ("$.outcome", "must be one of: share, share_with_conditions, do_not_share, caldicott_decision"),
        ("$.risk", "is required"),
    )
