"""The form renderer: the NHS.UK field group and the common widgets written in Python.

Each field of a page's form went through four to six template renderings (the field group, the widget,
``input.html`` or ``select.html``, ``attrs.html`` and one ``select_option.html`` per option), about a
third of a list page's time spent in the template engine for a filter form of five fields. The
templates listed in ``_FAST`` are written here instead, to the byte what the templates write (the
pinned HTML in ``tests/igportal/test_form_markup_pinned.py``): values go through the template engine's
own conversion and escaping (``render_value_in_context``, the ``stringformat`` and ``join`` filters).
Any other template (a form's own field template, ``as_p``, a radio widget rendered on its own) is
rendered by the templates as before. The templates stay the reference: a test checks that none of
these names is overridden, since an override would be ignored here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import join, length
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

# How a template writes {{ value }} on a page: the settings' localisation, autoescaped.
_PAGE = Context(autoescape=True)

FIELD_TEMPLATE = "forms/field.html"
FORM_TEMPLATE = "forms/form.html"
_SELECT_OPTION = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    """{{ value }}"""
    return render_value_in_context(value, _PAGE)


def _formatted(value: Any) -> str:
    """{{ value|stringformat:'s' }}: a safe value stays as it is, as the filter is marked is_safe."""
    written = "%s" % (str(value) if isinstance(value, tuple) else value)
    return conditional_escape(mark_safe(written) if isinstance(value, SafeData) else written)  # noqa: S308


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/input.html (and text, number, email, date, hidden... which include it)."""
    value = widget["value"]
    written = f' value="{_formatted(value)}"' if value is not None else ""
    kind, name = _text(widget["type"]), _text(widget["name"])
    return f'<input type="{kind}" name="{name}"{written}{_attrs(widget["attrs"])}>'


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    text = _text(value) if value else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{text}</textarea>'


def _select(widget: Mapping[str, Any]) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _SELECT_OPTION:
                return None
            # The option's include keeps its template's closing newline.
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _long_select(widget: Mapping[str, Any]) -> str:
    options = _text(widget["options_html"])
    return f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>{options}</select>'


_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


def _date(widget: Mapping[str, Any]) -> str | None:
    """forms/widgets/nhs_date.html"""
    parts = [f'<div class="nhsuk-date-input" id="{_text(widget["attrs"].get("id", ""))}">']
    for index, part in enumerate(widget["subwidgets"]):
        if part["template_name"] not in _INPUTS:
            return None
        label = ("Day", "Month", "Year")[index % 3]
        part_id = _text(part["attrs"].get("id", ""))
        # The part's include keeps input.html's closing newline and its own.
        parts.append(
            '\n  <div class="nhsuk-date-input__item">\n    <div class="nhsuk-form-group">\n'
            f'      <label class="nhsuk-label nhsuk-date-input__label" for="{part_id}">'
            f"{label}</label>\n      {_input(part)}\n\n\n    </div>\n  </div>"
        )
    parts.append("\n</div>")
    return "".join(parts)


def _hint(field: BoundField, auto_id: str, css: str = "nhsuk-hint") -> str:
    if not field.help_text:
        return ""
    return f'<div class="{css}" id="{_text(auto_id)}_helptext">{_text(field.help_text)}</div>'


def _error(errors: Any, auto_id: str) -> str:
    if not errors:
        return ""
    messages = _text(join(errors, " ", autoescape=True))
    return (
        f'<span class="nhsuk-error-message" id="{_text(auto_id)}_error">'
        f'<span class="nhsuk-u-visually-hidden">Error:</span> {messages}</span>'
    )


def _described_by(field: BoundField, errors: Any, auto_id: str) -> str:
    if not (field.help_text or errors):
        return ""
    hint = f"{_text(auto_id)}_helptext" if field.help_text else ""
    error = f" {_text(auto_id)}_error" if errors else ""
    return f' aria-describedby="{hint}{error}"'


def _legend(field: BoundField) -> str:
    return f'<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{_text(field.label)}</legend>'


def _choices(field: BoundField, kind: str) -> str:
    """The items of forms/field.html's radios or checkboxes, one per choice."""
    name = _text(field.html_name)
    input_type = "radio" if kind == "radios" else "checkbox"
    items = []
    for choice in field:
        choice_id = _text(choice.id_for_label)
        checked = " checked" if choice.data["selected"] else ""
        items.append(
            f'\n      <div class="nhsuk-{kind}__item">\n'
            f'        <input class="nhsuk-{kind}__input" id="{choice_id}" name="{name}" type="{input_type}"'
            f' value="{_text(choice.data["value"])}"{checked}>\n'
            f'        <label class="nhsuk-label nhsuk-{kind}__label" for="{choice_id}">'
            f"{_text(choice.choice_label)}</label>\n"
            "      </div>\n      "
        )
    return "".join(items)


def field_group(field: BoundField) -> str:
    """forms/field.html: the NHS.UK form group of one field, its label, hint, error and widget."""
    kind = field.widget_type
    errors = field.errors
    auto_id = field.auto_id
    error_class = " nhsuk-form-group--error" if errors else ""
    if kind in ("radioselect", "checkboxselectmultiple"):
        if kind == "radioselect":
            inline = " nhsuk-radios--inline" if length(getattr(field.field, "choices", ())) <= 2 else ""
            items = (
                f'\n    <div class="nhsuk-radios{inline}" data-module="nhsuk-radios">\n      '
                f"{_choices(field, 'radios')}\n    </div>\n    "
            )
        else:
            items = (
                '\n    <div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">\n      '
                f"{_choices(field, 'checkboxes')}\n    </div>\n    "
            )
        return (
            f'<div class="nhsuk-form-group{error_class}">\n'
            f'  <fieldset class="nhsuk-fieldset"{_described_by(field, errors, auto_id)}>\n'
            f"    {_legend(field)}\n"
            f"    {_hint(field, auto_id)}\n    {_error(errors, auto_id)}\n    {items}\n"
            "  </fieldset>\n</div>"
        )
    if kind == "checkbox":
        label_id = _text(field.id_for_label)
        checked = " checked" if field.value() else ""
        described = f' aria-describedby="{_text(auto_id)}_helptext"' if field.help_text else ""
        return (
            f'<div class="nhsuk-form-group{error_class}">\n  {_error(errors, auto_id)}\n'
            '  <div class="nhsuk-checkboxes">\n    <div class="nhsuk-checkboxes__item">\n'
            f'      <input class="nhsuk-checkboxes__input" id="{label_id}" name="{_text(field.html_name)}"'
            f' type="checkbox"{checked}{described}>\n'
            f'      <label class="nhsuk-label nhsuk-checkboxes__label" for="{label_id}">'
            f"{_text(field.label)}</label>\n"
            f"      {_hint(field, auto_id, 'nhsuk-hint nhsuk-checkboxes__hint')}\n"
            "    </div>\n  </div>\n</div>"
        )
    if kind == "nhsdate":
        return (
            f'<div class="nhsuk-form-group{error_class}">\n'
            f'  <fieldset class="nhsuk-fieldset" role="group"{_described_by(field, errors, auto_id)}>\n'
            f"    {_legend(field)}\n"
            f"    {_hint(field, auto_id)}\n    {_error(errors, auto_id)}\n    {_text(str(field))}\n"
            "  </fieldset>\n</div>"
        )
    max_length = getattr(field.field, "max_length", None)
    label = f'<label class="nhsuk-label" for="{_text(field.id_for_label)}">{_text(field.label)}</label>'
    body = f"  {label}\n  {_hint(field, auto_id)}\n  {_error(errors, auto_id)}\n  {_text(str(field))}\n"
    if kind == "textarea" and max_length:
        limit = _text(max_length)
        return (
            f'<div class="nhsuk-form-group nhsuk-character-count{error_class}"'
            f' data-module="nhsuk-character-count" data-maxlength="{limit}">\n'
            f"{body}"
            f'  <div class="nhsuk-hint nhsuk-character-count__message" id="{_text(auto_id)}-info">'
            f"You can enter up to {limit} characters</div>\n"
            "</div>"
        )
    return f'<div class="nhsuk-form-group{error_class}">\n{body}</div>'


def _form(context: Mapping[str, Any]) -> str:
    """forms/form.html: the hidden fields, then each visible field's group."""
    form = context["form"]
    hidden = "".join(_text(str(field)) for field in form.hidden_fields())
    groups = "".join(_text(field.as_field_group()) for field in form.visible_fields())
    return f"{hidden}\n{groups}"


def _widget(write: Callable[[Mapping[str, Any]], str | None]) -> Callable[[Mapping[str, Any]], str | None]:
    return lambda context: write(context["widget"])


_FAST: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    FORM_TEMPLATE: _form,
    FIELD_TEMPLATE: lambda context: field_group(context["field"]),
    "django/forms/widgets/textarea.html": _widget(_textarea),
    "django/forms/widgets/select.html": _widget(_select),
    "forms/widgets/long_select.html": _widget(_long_select),
    "forms/widgets/nhs_date.html": _widget(_date),
    **dict.fromkeys(_INPUTS, _widget(_input)),
}
FAST_TEMPLATES = frozenset(_FAST)


class NHSFormRenderer(TemplatesSetting):
    form_template_name = FORM_TEMPLATE
    field_template_name = FIELD_TEMPLATE

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = _FAST.get(template_name)
        if write is not None:
            html = write(context)
            if html is not None:
                # As BaseRenderer.render: the template's surrounding whitespace is not part of it.
                return SafeString(html.strip())
        return super().render(template_name, context, request=request)
