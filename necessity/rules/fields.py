"""Help text and constraints attached to answer fields with ``typing.Annotated``.

The constraints travel with the type so that three consumers read one source: validation
(`validation.py`), the JSON schema (`schema.py`) and the Django wizard, which can use ``help`` as a form
field's help text (`field_help`). ``Annotated`` rather than dataclass field metadata keeps every field
without a default, so mypy still rejects an ``Answers`` built with a step missing.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Final

ITEM_CODE_PATTERN: Final = r"^[a-z][a-z0-9_]{0,49}$"


@dataclasses.dataclass(frozen=True)
class Spec:
    help: str
    not_blank: bool = False
    minimum: int | None = None
    pattern: str | None = None
    min_items: int | None = None


def text(help_text: str) -> Spec:
    """A text answer that must contain something other than whitespace (when it is not null)."""
    return Spec(help_text, not_blank=True)


def free_text(help_text: str) -> Spec:
    """A text answer that may be empty."""
    return Spec(help_text)


def answer(help_text: str) -> Spec:
    """A flag, choice, date or nested step: the type carries the constraint."""
    return Spec(help_text)


def count(help_text: str) -> Spec:
    return Spec(help_text, minimum=0)


def code(help_text: str) -> Spec:
    return Spec(help_text, pattern=ITEM_CODE_PATTERN)


def non_empty(help_text: str) -> Spec:
    """A list answer that needs at least one entry."""
    return Spec(help_text, min_items=1)


@dataclasses.dataclass(frozen=True)
class FieldInfo:
    name: str
    type: object
    spec: Spec | None


_cache: dict[type, tuple[FieldInfo, ...]] = {}


def field_infos(cls: type) -> tuple[FieldInfo, ...]:
    """The fields of a dataclass with their resolved type (``Annotated`` stripped) and ``Spec``."""
    cached = _cache.get(cls)
    if cached is not None:
        return cached
    hints = typing.get_type_hints(cls, include_extras=True)
    infos: list[FieldInfo] = []
    for field in dataclasses.fields(cls):
        hint = hints[field.name]
        spec: Spec | None = None
        if typing.get_origin(hint) is typing.Annotated:
            base, *extras = typing.get_args(hint)
            spec = next((extra for extra in extras if isinstance(extra, Spec)), None)
            hint = base
        infos.append(FieldInfo(field.name, hint, spec))
    result = tuple(infos)
    _cache[cls] = result
    return result


def field_help(cls: type, name: str) -> str:
    """The help text of one answer field, for the wizard's form labels."""
    for info in field_infos(cls):
        if info.name == name:
            return info.spec.help if info.spec else ""
    raise KeyError(f"{cls.__name__} has no field {name!r}")
