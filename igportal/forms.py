"""Form rendering in the NHS.UK design system: one field template, one error summary."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
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
    organisations made that the most expensive part of a queue page.
    """

    template_name = "forms/widgets/long_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        parts = []
        for group_name, options, _ in context["widget"]["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(option["value"]), flatatt(option["attrs"]), option["label"]) for option in options),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                if group_name
                else rendered
            )
        context["widget"]["options_html"] = mark_safe("".join(parts))  # noqa: S308 (each part escaped above)
        return context
