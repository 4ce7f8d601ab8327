"""Wording tables, labels, help texts and docs/rules.md stay in step with the code."""

from __future__ import annotations

import dataclasses
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from necessity.rules import (
    CALDICOTT_PRINCIPLES,
    CARER_CRITERIA,
    DPIA_SCREENING_QUESTIONS,
    LEGITIMATE_RELATIONSHIP_CRITERIA,
    RULES_VERSION,
    BestInterests,
    CaldicottConfirmations,
    CatalogueEntry,
    DpiaScreening,
    LegitimateRelationship,
    choices,
    field_help,
    label,
)
from necessity.rules import enums as enums_module
from necessity.rules.fields import field_infos
from necessity.rules.rule import Rule
from necessity.rules.table import ROUTING_RULES, RULES
from necessity.rules.validation import CARER_FIELDS
from tests.necessity.rules.test_schema import answer_dataclasses

DOCS = Path(__file__).resolve().parents[3] / "docs"
RULES_MD = (DOCS / "rules.md").read_text()
ALL_ENUMS = [
    value
    for value in vars(enums_module).values()
    if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
]


@pytest.mark.parametrize(
    ("entries", "kind", "skip"),
    [
        (DPIA_SCREENING_QUESTIONS, DpiaScreening, set()),
        (CALDICOTT_PRINCIPLES, CaldicottConfirmations, set()),
        (LEGITIMATE_RELATIONSHIP_CRITERIA, LegitimateRelationship, {"recipient_role", "safeguards_in_place"}),
    ],
    ids=["dpia questions", "caldicott principles", "legitimate relationship"],
)
def test_catalogue_ids_are_the_answer_field_names(
    entries: tuple[CatalogueEntry, ...], kind: type, skip: set[str]
) -> None:
    fields = [field.name for field in dataclasses.fields(kind) if field.name not in skip]

    assert [entry.id for entry in entries] == fields
    assert [entry.number for entry in entries] == list(range(1, len(fields) + 1))
    assert all(entry.text.strip() for entry in entries)


def test_there_are_ten_screening_questions_and_eight_principles() -> None:
    assert len(DPIA_SCREENING_QUESTIONS) == 10
    assert len(CALDICOTT_PRINCIPLES) == 8


@pytest.mark.parametrize("enum", ALL_ENUMS, ids=lambda enum: enum.__name__)
def test_every_enum_member_has_a_label(enum: type[StrEnum]) -> None:
    assert [value for value, _ in choices(enum)] == [member.value for member in enum]
    assert all(label(member).strip() for member in enum)


def test_every_answer_field_has_help_text() -> None:
    for name, kind in answer_dataclasses().items():
        for field in dataclasses.fields(kind):
            assert field_help(kind, field.name).strip(), f"{name}.{field.name}"


def test_rules_version_is_major_minor_patch_from_major_2() -> None:
    # Version 1 was numbered by date (its last release was 2026.11.1); the engine that decides as the
    # policies do is major version 2.
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", RULES_VERSION)
    assert match is not None
    assert int(match.group(1)) >= 2
    assert f"`{RULES_VERSION}`" in RULES_MD


def test_carer_criteria_are_the_best_interests_fields() -> None:
    fields = [info.name for info in field_infos(BestInterests)]

    assert [entry.id for entry in CARER_CRITERIA] == [name for name in fields if name in CARER_FIELDS]
    assert [entry.number for entry in CARER_CRITERIA] == [2, 3, 4, 5]


@pytest.mark.parametrize("rule", [*RULES, *ROUTING_RULES], ids=lambda rule: rule.id)
def test_docs_list_every_rule_with_its_citation_and_effect(rule: Rule[Any]) -> None:
    row = next((line for line in RULES_MD.splitlines() if line.startswith(f"| {rule.id} |")), None)

    assert row is not None, f"docs/rules.md has no table row for {rule.id}"
    assert rule.citation in row
    assert f"`{rule.effect.value}`" in row


def test_docs_name_every_worked_example() -> None:
    for path in (DOCS / "examples").glob("*.json"):
        assert f"examples/{path.name}" in RULES_MD
