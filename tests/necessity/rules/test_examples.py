"""The worked examples in docs/examples: each file states its answers and the result it must produce."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from necessity.rules import answers_from_dict, assess, result_to_dict

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
REQUIRED_EXAMPLES = {
    "safeguarding_referral",
    "police_admission_dates",
    "gp_referral_direct_care",
    "commissioning_extract_pseudonymise",
    "research_without_consent_or_s251",
    "consent_withdrawn",
    # Rules version 2: the situations version 1 decided against the policies.
    "discharge_to_care_home",
    "carer_best_interests",
    "coroner_deceased_records",
    "pseudonymised_with_identifiers",
}
RESULT_FLAGS = (
    "outcome",
    "required_signoffs",
    "dpia_required",
    "isa_required",
    "risk",
    "short_path",
    "share_now",
)
CHECKED = {*RESULT_FLAGS, "rules_fired", "overridden", "conditions", "condition_items"}


def test_the_required_examples_exist() -> None:
    assert {path.stem for path in EXAMPLES.glob("*.json")} >= REQUIRED_EXAMPLES


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_worked_example(path: Path) -> None:
    example = json.loads(path.read_text())
    expected: dict[str, Any] = example["expected"]
    assert set(example) == {"description", "today", "answers", "expected"}
    assert set(expected) <= CHECKED, "an expectation the test would not check"

    result = assess(
        answers_from_dict(example["answers"]), today=datetime.date.fromisoformat(example["today"])
    )
    actual = result_to_dict(result)

    for key in RESULT_FLAGS:
        if key in expected:
            assert actual[key] == expected[key], key
    assert [rule["rule_id"] for rule in actual["rules_fired"]] == expected["rules_fired"]
    if "overridden" in expected:
        assert [rule["rule_id"] for rule in actual["rules_fired"] if rule["overridden"]] == expected[
            "overridden"
        ]
    if "conditions" in expected:
        assert [condition["code"] for condition in actual["conditions"]] == expected["conditions"]
    for code, items in expected.get("condition_items", {}).items():
        assert next(c["item_codes"] for c in actual["conditions"] if c["code"] == code) == items
