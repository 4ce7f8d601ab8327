"""Form rendering in the NHS.UK design system: one field template, one error summary."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "nhsuk-textarea",
    forms.Select: "nhsuk-select",
    forms.SelectMultiple: "nhsuk-select",
    forms.DateInput: "nhsuk-input nhsuk-input--width-10",
    forms.NumberInput: "nhsuk-input nhsuk-input--width-10",
    forms.PasswordInput: "nhsuk-input",
    forms.EmailInput: "nhsuk-input",
    forms.TextInput: "nhsuk-input",
    forms.URLInput: "nhsuk-input",
}


class NHSFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class NHSFormMixin:
    """Adds NHS.UK classes and error descriptions to every widget of the form."""

    fields: dict[str, forms.Field]

    def get_context(self) -> dict[str, Any]:
        # Styled when rendered, not when built: forms add fields in their own __init__ after ours runs.
        self._style_widgets()
        return super().get_context()  # type: ignore[misc]

    def _style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            for widget_type, css in _WIDGET_CLASSES.items():
                if isinstance(widget, widget_type):
                    existing = widget.attrs.get("class", "")
                    if css.split()[0] not in existing.split():
                        widget.attrs["class"] = f"{css} {existing}".strip()
                    break

    def full_clean(self) -> None:
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
                    if isinstance(
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
            f'<option value="{conditional_escape(value)}"{attribute}>{conditional_escape(label)}</option>',
            has_selected or selected,
        )


def show_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: each message on the field it names, anything else
    (or a message with no field) in the summary. The one way views show a service's refusal."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
