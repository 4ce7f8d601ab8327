"""Forms in the NHS.UK design system: classes and error states on widgets, dates, long selects.

The renderer that writes their fields is ``igportal.form_rendering.NHSFormRenderer``.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from igportal.bounds import DateWithinRange

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "nhsuk-textarea",
    forms.Select: "nhsuk-select",
    forms.SelectMultiple: "nhsuk-select",
    forms.NumberInput: "nhsuk-input nhsuk-input--width-10",
    forms.PasswordInput: "nhsuk-input",
    forms.EmailInput: "nhsuk-input",
    forms.TextInput: "nhsuk-input",
    forms.URLInput: "nhsuk-input",
}


class NHSFormMixin:
    """Adds NHS.UK classes and error descriptions to every widget of the form."""

    fields: dict[str, forms.Field]

    def get_context(self) -> dict[str, Any]:
        # Styled when rendered, not when built: forms add fields in their own __init__ after ours runs.
        self._style_widgets()
        return super().get_context()  # type: ignore[misc]

    def _style_widgets(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(field, forms.CharField) and field.max_length and isinstance(widget, forms.Textarea):
                # The NHS.UK character count says how many are left; a maxlength attribute would cut a
                # pasted answer off silently instead, so the limit is checked on the server with a message.
                widget.attrs.pop("maxlength", None)
                if "nhsuk-js-character-count" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = (
                        f"{widget.attrs.get('class', '')} nhsuk-js-character-count".strip()
                    )
                if isinstance(self, forms.BaseForm):
                    auto_id = self[name].auto_id
                    described = widget.attrs.get("aria-describedby", "").split()
                    wanted = ([f"{auto_id}_helptext"] if field.help_text else []) + [f"{auto_id}-info"]
                    widget.attrs["aria-describedby"] = " ".join(dict.fromkeys([*wanted, *described]))
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            for widget_type, css in _WIDGET_CLASSES.items():
                if isinstance(widget, widget_type):
                    existing = widget.attrs.get("class", "")
                    if css.split()[0] not in existing.split():
                        widget.attrs["class"] = f"{css} {existing}".strip()
                    break

    def full_clean(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is not None:
                field.error_messages["max_length"] = too_long_message(
                    str(field.label or ""), field.max_length
                )
        super().full_clean()  # type: ignore[misc]
        errors: dict[str, Any] = getattr(self, "_errors", None) or {}
        for name in errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                if isinstance(self, forms.BaseForm):
                    bound = self[name]
                    described = widget.attrs.get("aria-describedby", "")
                    widget.attrs["aria-describedby"] = f"{described} {bound.auto_id}_error".strip()
                    if isinstance(widget, NHSDateInput):
                        for part in widget.widgets:
                            existing = part.attrs.get("class", "")
                            if "nhsuk-input--error" not in existing.split():
                                part.attrs["class"] = f"{existing} nhsuk-input--error".strip()
                    elif isinstance(
                        widget, forms.TextInput | forms.Textarea | forms.Select | forms.NumberInput
                    ):
                        existing = widget.attrs.get("class", "")
                        if isinstance(widget, forms.Textarea):
                            error_class = "nhsuk-textarea--error"
                        elif isinstance(widget, forms.Select):
                            error_class = "nhsuk-select--error"
                        else:
                            error_class = "nhsuk-input--error"
                        widget.attrs["class"] = f"{existing} {error_class}".strip()


class OneQueryChoiceIterator(forms.models.ModelChoiceIterator):
    """A model choice field's options read with one plain SELECT.

    Django's own iterator reads them through ``QuerySet.iterator()``, which on PostgreSQL opens a
    server-side cursor: DECLARE, a FETCH that returns the rows, a FETCH that returns none and CLOSE, four
    round trips (and outside a transaction a WITH HOLD cursor, which copies the rows at commit) for the
    few dozen rows a select offers. The options, their order and the empty label are the same.
    """

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        label_field = getattr(self.field, "label_field", None)
        if label_field:
            # Each option's value and label straight from the row, no model built per option: the
            # same values (the key's text) and labels as below for a model whose str() is that column.
            key = self.field.to_field_name or "pk"
            yield from self.queryset.values_list(key, label_field)
            return
        # A fresh clone each time, as Django's iterator runs the query afresh on each rendering.
        for obj in self.queryset.all():
            yield self.choice(obj)


class OneQueryModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options cost one statement (OneQueryChoiceIterator).

    With ``label_field``, each option's label is that column, read with the key as a pair rather than
    through a model instance per option (two hundred organisations took 3 ms to build): for a model whose
    ``str()`` is that column, and a select that writes options from plain values (``LongSelect``).
    """

    iterator = OneQueryChoiceIterator

    def __init__(self, *args: Any, label_field: str = "", **kwargs: Any) -> None:
        self.label_field = label_field
        super().__init__(*args, **kwargs)


class LongSelect(forms.Select):
    """A select for long lists (every partner organisation): the options are written in Python.

    Django renders each option through its own template include, about 0.2 ms apiece; two hundred
    organisations made that the most expensive part of a queue page. Building Django's option dicts
    and escaping them through ``format_html`` still cost 2 ms for two hundred, so the options are
    written straight from the choices, with the same markup and the same choice of selected option.
    """

    template_name = "forms/widgets/long_select.html"
    allow_multiple_selected = False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Widget's context, not ChoiceWidget's: that one builds a dict per option only to be read here.
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = context["widget"]["value"]  # format_value's list of strings
        has_selected = False
        parts: list[str] = []
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                options = []
                for sub_value, sub_label in option_label:
                    html, has_selected = self._option(sub_value, sub_label, chosen, has_selected)
                    options.append(html)
                parts.append(
                    f'<optgroup label="{conditional_escape(option_value)}">{"".join(options)}</optgroup>'
                )
            else:
                html, has_selected = self._option(option_value, option_label, chosen, has_selected)
                parts.append(html)
        context["widget"]["options_html"] = mark_safe("".join(parts))  # noqa: S308 (each part escaped)
        return context

    @staticmethod
    def _option(value: Any, label: Any, chosen: list[str], has_selected: bool) -> tuple[str, bool]:
        value = "" if value is None else str(value)
        # As Django's: only the first option with the chosen value is selected.
        selected = not has_selected and value in chosen
        attribute = " selected" if selected else ""
        return (
            f'<option value="{_escaped(value)}"{attribute}>{_escaped(label)}</option>',
            has_selected or selected,
        )


def _escaped(text: Any) -> str:
    """``conditional_escape`` without the lazy-text wrapper around Django's ``escape``, which cost more
    than the escaping itself, twice an option. The same text: safe text as it is, the rest through
    ``html.escape`` as Django's ``escape`` does."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return str(text.__html__())
    return html.escape(str(text))


def show_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: each message on the field it names, anything else
    (or a message with no field) in the summary. The one way views show a service's refusal."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def too_long_message(label: str, limit: int) -> str:
    """NHS.UK wording for a text over its limit: "[Whatever] must be [number] characters or fewer"."""
    subject = "Your answer" if not label or label.rstrip().endswith("?") else label.rstrip(".: ")
    return f"{subject} must be {limit:,} characters or fewer"


_DATE_PARTS = ("day", "month", "year")
# What a date field also accepts as one value: the API, saved links and filters from before.
DATE_INPUT_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y")


class NHSDateInput(forms.MultiWidget):
    """The NHS.UK date input: day, month and year in three labelled boxes, in one fieldset."""

    template_name = "forms/widgets/nhs_date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        def part(width: int) -> forms.TextInput:
            return forms.TextInput(
                attrs={
                    "class": f"nhsuk-input nhsuk-date-input__input nhsuk-input--width-{width}",
                    "inputmode": "numeric",
                }
            )

        super().__init__({"day": part(2), "month": part(2), "year": part(4)}, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value:
            parsed = _parse_one(value)
            if parsed is not None:
                return [parsed.day, parsed.month, parsed.year]
            # Not a date: show what was typed, split where the person split it, so nothing is lost.
            parts = re.split(r"[/\s.-]+", value.strip(), maxsplit=2)
            return [*parts, *[None] * (3 - len(parts))]
        if isinstance(value, list | tuple):
            return list(value)
        return [None, None, None]

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        if name in data:
            return data.get(name)
        return [data.get(f"{name}_{part}", "") for part in _DATE_PARTS]

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return name not in data and all(f"{name}_{part}" not in data for part in _DATE_PARTS)


def _parse_one(value: str) -> datetime.date | None:
    for pattern in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _sentence(text: str) -> str:
    return f"{text[0].upper()}{text[1:]}" if text else text


def _joined(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


class NHSDateField(forms.DateField):
    """A date entered as day, month and year, with the NHS.UK error messages.

    ``subject`` names the date in the messages: "the date you received the request" gives "Enter the
    date you received the request", "The date you received the request must be a real date".
    """

    widget = NHSDateInput

    def __init__(self, *, subject: str, **kwargs: Any) -> None:
        self.subject = subject
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter {subject}")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        if value in self.empty_values:
            return None
        subject = _sentence(self.subject)
        if isinstance(value, str):
            parsed = _parse_one(value)
            if parsed is None:
                raise ValidationError(f"{subject} must be a real date", code="invalid")
            return parsed
        day, month, year = (str(part or "").strip() for part in value)
        if not (day or month or year):
            return None
        missing = [name for name, part in zip(_DATE_PARTS, (day, month, year), strict=True) if not part]
        if missing:
            raise ValidationError(f"{subject} must include a {_joined(missing)}", code="incomplete")
        if not all(re.fullmatch(r"\d{1,4}", part) for part in (day, month, year)):
            raise ValidationError(f"{subject} must be a real date", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{subject} must be a real date", code="invalid") from None

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


DATE_HINT = "For example, 27 3 2026"


def date_field(
    label: str,
    *,
    subject: str = "",
    required: bool = True,
    help_text: str = DATE_HINT,
    years_ahead: int = 1,
) -> NHSDateField:
    """A date field with the NHS.UK date input; ``subject`` defaults to "the <label>".

    The date must fall between 1990 and ``years_ahead`` years from today (``igportal.bounds``).
    """
    subject = subject or f"the {label[0].lower()}{label[1:]}"
    return NHSDateField(
        label=label,
        subject=subject,
        required=required,
        help_text=help_text,
        validators=[DateWithinRange(_sentence(subject), years_ahead=years_ahead)],
    )
