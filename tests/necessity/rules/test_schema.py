"""docs/answers.schema.json: generated from the dataclasses, structurally faithful, and agreeing with
``answers_from_dict`` on real and generated documents."""

from __future__ import annotations

import copy
import dataclasses
import json
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from necessity.rules import Answers, AnswersError, answers_from_dict, answers_to_dict
from necessity.rules.fields import field_infos
from necessity.rules.schema import schema_text
from tests.necessity.rules.builders import direct_care
from tests.necessity.rules.schema_check import schema_errors
from tests.necessity.rules.strategies import answers

DOCS = Path(__file__).resolve().parents[3] / "docs"
SCHEMA: dict[str, Any] = json.loads((DOCS / "answers.schema.json").read_text())
EXAMPLES = sorted((DOCS / "examples").glob("*.json"))


def answer_dataclasses() -> dict[str, type]:
    """Every dataclass reachable from ``Answers``, by name."""
    found: dict[str, type] = {}

    def visit(kind: object) -> None:
        for argument in typing.get_args(kind):
            visit(argument)
        if isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind.__name__ not in found:
            found[kind.__name__] = kind
            for info in field_infos(kind):
                visit(info.type)

    visit(Answers)
    return found


def enum_of(kind: object) -> type[Enum] | None:
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        kind = next(option for option in typing.get_args(kind) if option is not type(None))
    return kind if isinstance(kind, type) and issubclass(kind, Enum) else None


def schema_enum(property_schema: dict[str, Any]) -> list[str] | None:
    for option in [property_schema, *property_schema.get("anyOf", [])]:
        if "enum" in option:
            return list(option["enum"])
    return None


def test_schema_file_is_the_generated_schema() -> None:
    assert (DOCS / "answers.schema.json").read_text() == schema_text(), (
        "docs/answers.schema.json is stale: run `python -m necessity.rules > docs/answers.schema.json`"
    )


@pytest.mark.parametrize("name", sorted(answer_dataclasses()))
def test_schema_definition_matches_the_dataclass(name: str) -> None:
    kind = answer_dataclasses()[name]
    definition = SCHEMA["$defs"][name]
    fields = [info.name for info in field_infos(kind)]

    assert definition["required"] == fields
    assert list(definition["properties"]) == fields
    assert definition["additionalProperties"] is False
    for info in field_infos(kind):
        enum = enum_of(info.type)
        if enum is not None:
            assert schema_enum(definition["properties"][info.name]) == [member.value for member in enum]


def test_schema_defines_exactly_the_answer_dataclasses() -> None:
    assert set(SCHEMA["$defs"]) == set(answer_dataclasses())
    assert SCHEMA["$ref"] == "#/$defs/Answers"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_example_answers_match_the_schema(path: Path) -> None:
    assert schema_errors(json.loads(path.read_text())["answers"], SCHEMA, SCHEMA) == []


@settings(max_examples=100, database=None, deadline=None)
@given(answers())
def test_generated_answers_match_the_schema(generated: Answers) -> None:
    assert schema_errors(answers_to_dict(generated), SCHEMA, SCHEMA) == []


def broken(change: str) -> dict[str, Any]:
    document = copy.deepcopy(answers_to_dict(direct_care()))
    if change == "police step on a direct care request":
        document["police"] = {"officer": "x"}
    elif change == "lawful basis missing for identifiable data":
        document["lawful_basis"] = None
    elif change == "consent given without a date":
        document["lawful_basis"]["consent"] = "given"
    elif change == "blank purpose":
        document["purpose"]["description"] = "  "
    elif change == "unknown field":
        document["transfer"]["courier"] = "van"
    elif change == "unknown choice":
        document["data"]["data_form"] = "scrambled"
    elif change == "direct care category but not direct care":
        document["purpose"]["direct_care"] = False
    elif change == "confirmed principle without evidence":
        document["caldicott"]["p1_justify_purpose"]["evidence"] = ""
    elif change == "onward sharing without details":
        document["transfer"]["onward_sharing"] = True
    return document


BROKEN = [
    "police step on a direct care request",
    "lawful basis missing for identifiable data",
    "consent given without a date",
    "blank purpose",
    "unknown field",
    "unknown choice",
    "direct care category but not direct care",
    "confirmed principle without evidence",
    "onward sharing without details",
]


@pytest.mark.parametrize("change", BROKEN)
def test_schema_and_answers_from_dict_both_reject(change: str) -> None:
    document = broken(change)

    assert schema_errors(document, SCHEMA, SCHEMA)
    with pytest.raises(AnswersError):
        answers_from_dict(document)
