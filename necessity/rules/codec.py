"""Answers and results to and from JSON-ready dicts.

Used for the frozen assessment snapshot and the ``manage.py assess`` command. One generic walk over the
dataclass types does both directions, so a new answer field needs no codec change. Reading is strict:
unknown keys, missing keys, wrong types and unknown enum values are all reported together, each with
the JSON path of the offending value, rather than stopping at the first.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any, Final

from necessity.rules.answers import Answers
from necessity.rules.errors import AnswersError, DecodeError
from necessity.rules.fields import field_infos
from necessity.rules.result import Result
from necessity.rules.validation import answer_errors

DATE_PATTERN: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Invalid:
    """Stands in for a value that failed to decode, so decoding can carry on and report everything."""


_INVALID: Final = _Invalid()


def answers_from_dict(data: Mapping[str, Any]) -> Answers:
    """Read and validate wizard answers; raise ``AnswersError`` with every problem found."""
    errors: list[tuple[str, str]] = []
    decoded = _decode(Answers, data, "$", errors)
    if errors or not isinstance(decoded, Answers):
        raise AnswersError(errors)
    problems = answer_errors(decoded)
    if problems:
        raise AnswersError(problems)
    return decoded


def answers_to_dict(answers: Answers) -> dict[str, Any]:
    encoded = _encode(answers)
    assert isinstance(encoded, dict)
    return encoded


def result_to_dict(result: Result) -> dict[str, Any]:
    encoded = _encode(result)
    assert isinstance(encoded, dict)
    return encoded


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """Read a stored result back; raise ``DecodeError`` when it does not have the shape of a ``Result``."""
    errors: list[tuple[str, str]] = []
    decoded = _decode(Result, data, "$", errors)
    if errors or not isinstance(decoded, Result):
        raise DecodeError(errors)
    return decoded


def _encode(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _encode(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_encode(element) for element in value]
    return value


def _decode(kind: object, value: object, path: str, errors: list[tuple[str, str]]) -> object:
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        options = [option for option in typing.get_args(kind) if option is not type(None)]
        if value is None:
            return None
        return _decode(options[0], value, path, errors)
    if value is None:
        errors.append((path, "must not be null"))
        return _INVALID
    if origin is tuple:
        return _decode_tuple(typing.get_args(kind)[0], value, path, errors)
    if isinstance(kind, type):
        if dataclasses.is_dataclass(kind):
            return _decode_dataclass(kind, value, path, errors)
        if issubclass(kind, Enum):
            return _decode_enum(kind, value, path, errors)
        if kind is datetime.date:
            return _decode_date(value, path, errors)
        if kind is bool:
            return _expect(isinstance(value, bool), value, path, "must be true or false", errors)
        if kind is int:
            is_int = isinstance(value, int) and not isinstance(value, bool)
            return _expect(is_int, value, path, "must be a whole number", errors)
        if kind is str:
            return _expect(isinstance(value, str), value, path, "must be text", errors)
    raise TypeError(f"no decoder for {kind!r}")


def _expect(ok: bool, value: object, path: str, message: str, errors: list[tuple[str, str]]) -> object:
    if ok:
        return value
    errors.append((path, message))
    return _INVALID


def _decode_dataclass(kind: type, value: object, path: str, errors: list[tuple[str, str]]) -> object:
    if not isinstance(value, Mapping):
        errors.append((path, "must be an object"))
        return _INVALID
    infos = field_infos(kind)
    known = {info.name for info in infos}
    for key in value:
        if key not in known:
            errors.append((f"{path}.{key}", "is not a known field"))
    arguments: dict[str, object] = {}
    for info in infos:
        field_path = f"{path}.{info.name}"
        if info.name not in value:
            errors.append((field_path, "is required"))
            continue
        arguments[info.name] = _decode(info.type, value[info.name], field_path, errors)
    if len(arguments) != len(infos) or any(argument is _INVALID for argument in arguments.values()):
        return _INVALID
    return kind(**arguments)


def _decode_tuple(element_kind: object, value: object, path: str, errors: list[tuple[str, str]]) -> object:
    if not isinstance(value, list | tuple):
        errors.append((path, "must be a list"))
        return _INVALID
    elements = [
        _decode(element_kind, element, f"{path}[{index}]", errors) for index, element in enumerate(value)
    ]
    if any(element is _INVALID for element in elements):
        return _INVALID
    return tuple(elements)


def _decode_enum(kind: type[Enum], value: object, path: str, errors: list[tuple[str, str]]) -> object:
    allowed = [member.value for member in kind]
    if isinstance(value, str) and value in allowed:
        return kind(value)
    errors.append((path, "must be one of: " + ", ".join(allowed)))
    return _INVALID


def _decode_date(value: object, path: str, errors: list[tuple[str, str]]) -> object:
    if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
        errors.append((path, "must be a date written YYYY-MM-DD"))
        return _INVALID
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append((path, f"{value} is not a calendar date"))
        return _INVALID
