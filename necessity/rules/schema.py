"""JSON Schema (draft 2020-12) of the answers document, generated from the answer dataclasses.

``docs/answers.schema.json`` is this module's output; a test fails when the two differ. Regenerate with
``python -m necessity.rules > docs/answers.schema.json``. The schema states everything a JSON
Schema can: types, enums, required keys, blank texts, and which steps are present when. Two checks stay
in Python only (`validation.py`): item codes unique, and one police necessity entry per item.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any

from necessity.rules.answers import (
    Answers,
    BestInterests,
    Data,
    LawfulBasis,
    LegitimateRelationship,
    PrincipleCheck,
    Purpose,
    Transfer,
)
from necessity.rules.enums import CareTeamRole, ConfidentialityBasis, ConsentState, DataForm, PurposeCategory
from necessity.rules.fields import Spec, field_infos
from necessity.rules.validation import (
    CARER_FIELDS,
    CONDITIONAL_STEPS,
    CONSENT_STATES_WITH_DATE,
    NEVER_DIRECT_CARE,
    UNENCRYPTABLE_METHODS,
)

JsonObject = dict[str, Any]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
NOT_BLANK_PATTERN = r"\S"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def _property_is(name: str, test: JsonObject) -> JsonObject:
    return {"properties": {name: test}}


def _present_when(name: str, condition: Mapping[str, Any], present: JsonObject) -> JsonObject:
    return {
        "if": condition,
        "then": _property_is(name, present),
        "else": _property_is(name, {"type": "null"}),
    }


_DATED_CONSENT = _property_is(
    "consent", {"enum": [state.value for state in ConsentState if state in CONSENT_STATES_WITH_DATE]}
)


def _necessity_answers(kind: str) -> JsonObject:
    """The necessity step, when present, with both "would serve" answers of one JSON type."""
    questions = {"type": "object", "properties": {name: {"type": kind} for name in _WOULD_SERVE}}
    return _property_is("necessity", {"anyOf": [{"type": "null"}, questions]})


_WOULD_SERVE = ("anonymised_would_serve", "pseudonymised_would_serve")


# Cross-field rules inside one step, mirroring `validation._check_consistency`.
_STEP_CONDITIONS: Mapping[type, list[JsonObject]] = {
    Purpose: [
        {
            "if": _property_is("category", {"const": PurposeCategory.DIRECT_CARE.value}),
            "then": _property_is("direct_care", {"const": True}),
        },
        {
            "if": _property_is(
                "category", {"enum": sorted(category.value for category in NEVER_DIRECT_CARE)}
            ),
            "then": _property_is("direct_care", {"const": False}),
        },
    ],
    Data: [
        _present_when(
            "recipient_can_reidentify",
            _property_is("data_form", {"const": DataForm.PSEUDONYMISED.value}),
            {"type": "boolean"},
        )
    ],
    LawfulBasis: [
        _present_when("consent_date", _DATED_CONSENT, {"type": "string"}),
        _present_when("consent_decided_by", _DATED_CONSENT, {"type": "string"}),
        _present_when(
            "objection_details", _property_is("objections_raised", {"const": True}), {"type": "string"}
        ),
    ],
    LegitimateRelationship: [
        _present_when(
            "safeguards_in_place",
            _property_is("recipient_role", {"const": CareTeamRole.UNREGISTERED_CARE_STAFF.value}),
            {"type": "boolean"},
        )
    ],
    BestInterests: [
        _present_when(name, _property_is("recipient_is_carer", {"const": True}), {"type": "boolean"})
        for name in CARER_FIELDS
    ],
    Transfer: [
        _present_when(
            "onward_sharing_details", _property_is("onward_sharing", {"const": True}), {"type": "string"}
        ),
        {
            "if": _property_is("method", {"enum": sorted(method.value for method in UNENCRYPTABLE_METHODS)}),
            "then": _property_is("encrypted", {"type": "null"}),
            "else": _property_is("encrypted", {"type": "boolean"}),
        },
        _present_when("destination_country", _property_is("outside_uk", {"const": True}), {"type": "string"}),
        _present_when(
            "international_safeguard", _property_is("outside_uk", {"const": True}), {"type": "string"}
        ),
    ],
    PrincipleCheck: [
        {
            "if": _property_is("confirmed", {"const": True}),
            "then": _property_is("evidence", {"pattern": NOT_BLANK_PATTERN}),
        }
    ],
    Answers: [
        *(_present_when(step.field, step.schema_if, {"type": "object"}) for step in CONDITIONAL_STEPS),
        {
            "if": _property_is("purpose", _property_is("direct_care", {"const": True})),
            "then": _necessity_answers("null"),
            "else": _necessity_answers("boolean"),
        },
        {
            "if": _property_is(
                "lawful_basis",
                {
                    "type": "object",
                    **_property_is(
                        "confidentiality_basis",
                        {"const": ConfidentialityBasis.ACCESS_TO_HEALTH_RECORDS_ACT.value},
                    ),
                },
            ),
            "then": _property_is("data", _property_is("deceased", {"const": True})),
        },
    ],
}


def answers_json_schema() -> JsonObject:
    definitions: dict[str, JsonObject] = {}
    _define(Answers, definitions)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "IG Portal sharing request: wizard answers",
        "description": (
            "The answers of the nine-step sharing wizard, as accepted by necessity.rules.answers_from_dict. "
            "Generated by `python -m necessity.rules`; do not edit by hand."
        ),
        "$ref": "#/$defs/Answers",
        "$defs": dict(sorted(definitions.items())),
    }


def _define(kind: type, definitions: dict[str, JsonObject]) -> None:
    if kind.__name__ in definitions:
        return
    definitions[kind.__name__] = {}  # reserve the name first: a step is defined once
    properties: JsonObject = {}
    for info in field_infos(kind):
        properties[info.name] = _property(info.type, info.spec, definitions)
    definition: JsonObject = {
        "type": "object",
        "description": (kind.__doc__ or kind.__name__).strip().splitlines()[0],
        "additionalProperties": False,
        "required": [info.name for info in field_infos(kind)],
        "properties": properties,
    }
    conditions = _STEP_CONDITIONS.get(kind)
    if conditions:
        definition["allOf"] = conditions
    definitions[kind.__name__] = definition


def _property(kind: object, spec: Spec | None, definitions: dict[str, JsonObject]) -> JsonObject:
    schema = _type_schema(kind, spec, definitions)
    if spec is not None:
        schema = {"description": spec.help, **schema}
    return schema


def _type_schema(kind: object, spec: Spec | None, definitions: dict[str, JsonObject]) -> JsonObject:
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        (option,) = [option for option in typing.get_args(kind) if option is not type(None)]
        return {"anyOf": [_type_schema(option, spec, definitions), {"type": "null"}]}
    if origin is tuple:
        array: JsonObject = {
            "type": "array",
            "items": _type_schema(typing.get_args(kind)[0], None, definitions),
        }
        if spec is not None and spec.min_items is not None:
            array["minItems"] = spec.min_items
        return array
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        _define(kind, definitions)
        return {"$ref": f"#/$defs/{kind.__name__}"}
    if isinstance(kind, type) and issubclass(kind, Enum):
        return {"type": "string", "enum": [member.value for member in kind]}
    if kind is datetime.date:
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    if kind is bool:
        return {"type": "boolean"}
    if kind is int:
        integer: JsonObject = {"type": "integer"}
        if spec is not None and spec.minimum is not None:
            integer["minimum"] = spec.minimum
        return integer
    if kind is str:
        string: JsonObject = {"type": "string"}
        if spec is not None and spec.pattern is not None:
            string["pattern"] = spec.pattern
        elif spec is not None and spec.not_blank:
            string["pattern"] = NOT_BLANK_PATTERN
        return string
    raise TypeError(f"no JSON schema for {kind!r}")


def schema_text() -> str:
    """The schema as written to docs/answers.schema.json."""
    return json.dumps(answers_json_schema(), indent=2, ensure_ascii=False) + "\n"
