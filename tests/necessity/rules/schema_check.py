"""A small validator for the JSON Schema keywords docs/answers.schema.json uses.

``jsonschema`` is not installed in the project environment, so the tests check instances with this
subset instead; it refuses any keyword it does not know, so a schema change cannot slip past unchecked.
"""

from __future__ import annotations

import re
from typing import Any

ANNOTATIONS = frozenset({"$schema", "$defs", "title", "description", "format"})
ASSERTIONS = frozenset(
    {
        "$ref",
        "type",
        "enum",
        "const",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "minItems",
        "minimum",
        "pattern",
        "anyOf",
        "allOf",
        "if",
        "then",
        "else",
    }
)
TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


def schema_errors(
    instance: object, schema: dict[str, Any], root: dict[str, Any], path: str = "$"
) -> list[str]:
    unknown = set(schema) - ANNOTATIONS - ASSERTIONS
    if unknown:
        raise ValueError(f"schema keyword(s) not supported by the test validator: {sorted(unknown)}")
    errors: list[str] = []
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        errors += schema_errors(instance, root["$defs"][name], root, path)
    if "type" in schema and not TYPES[schema["type"]](instance):
        return [*errors, f"{path}: not of type {schema['type']}"]
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{path}: not one of {schema['enum']}")
    if "const" in schema and instance != schema["const"]:
        errors.append(f"{path}: not {schema['const']!r}")
    if isinstance(instance, dict):
        errors += [f"{path}.{key}: required" for key in schema.get("required", []) if key not in instance]
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            errors += [f"{path}.{key}: not allowed" for key in instance if key not in properties]
        for key, subschema in properties.items():
            if key in instance:
                errors += schema_errors(instance[key], subschema, root, f"{path}.{key}")
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            errors.append(f"{path}: too few items")
        if "items" in schema:
            for index, element in enumerate(instance):
                errors += schema_errors(element, schema["items"], root, f"{path}[{index}]")
    if (
        isinstance(instance, int)
        and not isinstance(instance, bool)
        and instance < schema.get("minimum", instance)
    ):
        errors.append(f"{path}: below minimum")
    if isinstance(instance, str) and "pattern" in schema and not re.search(schema["pattern"], instance):
        errors.append(f"{path}: does not match {schema['pattern']}")
    if "anyOf" in schema and all(schema_errors(instance, option, root, path) for option in schema["anyOf"]):
        errors.append(f"{path}: matches none of anyOf")
    for option in schema.get("allOf", []):
        errors += schema_errors(instance, option, root, path)
    if "if" in schema:
        branch = "then" if not schema_errors(instance, schema["if"], root, path) else "else"
        if branch in schema:
            errors += schema_errors(instance, schema[branch], root, path)
    return errors
