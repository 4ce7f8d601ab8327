"""JSON in, the pages' own forms to validate it: the API and the pages can never disagree on a rule.

Only the transport differs, so this module only translates: a JSON object becomes the form data a
browser would have posted (lists for multiple choices, text for the rest), and a value of the wrong
JSON type is reported against its field before the form sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError

F = TypeVar("F", bound=forms.BaseForm)
Rename = Callable[[str], str]


def _is_multiple(field: forms.Field) -> bool:
    return isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def choice_pairs(field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    """A choice field's (value, label) pairs, whatever form its ``choices`` were given in."""
    return [(value, label) for value, label in cast(Iterable[tuple[Any, Any]], field.choices)]


def is_yes_no(field: forms.Field) -> bool:
    """The wizard's yes/no questions: radios whose cleaned value is a boolean, as in the saved answers."""
    if not isinstance(field, forms.TypedChoiceField):
        return False
    return [value for value, _ in choice_pairs(field)] == ["yes", "no"]


def check_answer_types(
    form: forms.BaseForm, payload: Mapping[str, Any], *, rename: Rename | None = None
) -> None:
    """Saved-answer JSON types for the fields ``payload`` names directly: booleans for yes/no questions.

    Nested answers (per data item, per principle) are checked once flattened, by ``form_data``.
    """
    errors: dict[str, list[str]] = {}
    for name, value in payload.items():
        field = form.fields.get(name)
        if field is None:
            continue
        if is_yes_no(field) and not (value is None or isinstance(value, bool)):
            errors[rename(name) if rename else name] = ["Give true or false."]
        elif not is_yes_no(field) and not _is_multiple(field) and isinstance(value, bool):
            errors[rename(name) if rename else name] = ["Give text or a number, not true or false."]
    if errors:
        raise ValidationError(errors)


def form_data(
    form: forms.BaseForm, payload: Mapping[str, Any], *, rename: Rename | None = None
) -> dict[str, Any]:
    """``payload`` as form data for ``form``; raises ValidationError naming fields of the wrong type."""
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {}

    def problem(name: str, message: str) -> None:
        errors.setdefault(rename(name) if rename else name, []).append(message)

    for name, value in payload.items():
        field = form.fields.get(name)
        if field is None:
            problem(name, "This field is not one of this form's fields.")
        elif _is_multiple(field):
            if value is None:
                data[name] = []
            elif isinstance(value, list) and all(_scalar(item) for item in value):
                data[name] = [str(item) for item in value]
            else:
                problem(name, "Give a list of values.")
        elif isinstance(field, forms.BooleanField):
            if value is None or isinstance(value, bool):
                data[name] = bool(value)
            else:
                problem(name, "Give true or false.")
        elif is_yes_no(field) and isinstance(value, bool):
            data[name] = "yes" if value else "no"
        elif value is None:
            data[name] = ""
        elif _scalar(value):
            data[name] = str(value)
        elif isinstance(value, bool):
            problem(name, "Give text or a number, not true or false.")
        else:
            problem(name, "Give a single value.")
    if errors:
        raise ValidationError(errors)
    return data


def form_errors(form: forms.BaseForm, *, rename: Rename | None = None) -> ValidationError:
    """A bound form's errors as one ValidationError keyed by field (renamed to the API's names if asked)."""
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        key = name if name == "__all__" or rename is None else rename(name)
        errors.setdefault(key, []).extend(str(message) for message in messages)
    return ValidationError(errors)


def bind_form(
    form_class: type[F],
    payload: Mapping[str, Any],
    *,
    partial: bool = False,
    rename: Rename | None = None,
    **kwargs: Any,
) -> F:
    """Bind and validate ``form_class`` with ``payload``; raises ValidationError with field messages.

    ``partial``: query-string filters, where every value is already text and unknown keys are ignored.
    """
    form = form_class(**kwargs)
    if partial:
        data = {key: value for key, value in payload.items() if key in form.fields}
    else:
        data = form_data(form, payload, rename=rename)
    bound = form_class(data=data, **kwargs)
    if not bound.is_valid():
        raise form_errors(bound, rename=rename)
    return bound


def json_object(payload: Any) -> Mapping[str, Any]:
    """The request body, which must be a JSON object."""
    if not isinstance(payload, Mapping):
        raise ValidationError("Send a JSON object as the request body.")
    return payload
