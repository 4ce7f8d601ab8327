"""Form rendering in the NHS.UK design system: one field template, one error summary."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

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
                        error_class = {
                            forms.Textarea: "nhsuk-textarea--error",
                            forms.Select: "nhsuk-select--error",
                        }.get(type(widget), "nhsuk-input--error")
                        widget.attrs["class"] = f"{existing} {error_class}".strip()
