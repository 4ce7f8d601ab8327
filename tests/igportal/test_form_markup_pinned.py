"""The exact HTML every kind of field renders to, pinned so that a faster renderer cannot change it.

The expected files under ``rendered_forms/`` were written by the template-only renderer before the
field groups and widgets were rendered in Python; a change to the markup must be made on purpose, by
regenerating them (``PIN_FORM_HTML=1``) and reading the diff.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.template import engines
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from igportal.form_rendering import FAST_TEMPLATES, FIELD_TEMPLATE, FORM_TEMPLATE
from igportal.forms import LongSelect, NHSFormMixin, date_field

EXPECTED = Path(__file__).parent / "rendered_forms"


class EveryField(NHSFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=50, help_text="As on the contract")
    plain = forms.CharField(label="Plain & <simple>", required=False)
    count = forms.IntegerField(label="How many?", min_value=0, max_value=10)
    email = forms.EmailField(label="Email", required=False)
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    secret = forms.CharField(label="Password", widget=forms.PasswordInput, required=False)
    story = forms.CharField(
        label="What happened?", max_length=200, widget=forms.Textarea, help_text="Say what, who and when"
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "Any"), ("a", "Apples & <pears>"), ("Fruit", [("b", "Banana"), ("c", "Cherry")])],
    )
    place = forms.ChoiceField(
        label="Place",
        required=False,
        choices=[("", "Any"), ("1", "Tom & Jerry's"), ("2", "Leeds")],
        widget=LongSelect,
    )
    several = forms.MultipleChoiceField(
        label="Several", required=False, choices=[("x", "Ex"), ("y", "Why"), ("z", "Zed")]
    )
    answer = forms.ChoiceField(
        label="Is it lawful?", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect
    )
    basis = forms.ChoiceField(
        label="Basis",
        help_text="Pick the one that fits best",
        choices=[("consent", "Consent"), ("care", "Direct care"), ("law", "Legal <duty>")],
        widget=forms.RadioSelect,
    )
    items = forms.MultipleChoiceField(
        label="Data items",
        help_text="Tick all that apply",
        choices=[("nhs", "NHS number"), ("dob", "Date of birth"), ("addr", "Address")],
        widget=forms.CheckboxSelectMultiple,
    )
    agree = forms.BooleanField(label="I agree", help_text="You must agree to go on")
    optional_tick = forms.BooleanField(label="Optional tick", required=False)
    when = date_field("Date received", subject="the date you received the request")
    told_on = date_field("Date told", required=False)
    plain_date = forms.DateField(label="Signed from", required=False)
    at = forms.DateTimeField(label="At", required=False, widget=forms.DateTimeInput)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    safe_label = forms.CharField(label=mark_safe("<abbr>DPO</abbr> name"), required=False)


VALID: dict[str, Any] = {
    "name": "Ada & co",
    "plain": '"quoted" <b>',
    "count": "3",
    "email": "ada@example.org",
    "website": "https://example.org/?a=1&b=2",
    "secret": "hunter2",
    "story": "It <happened>\nthen more",
    "notes": "",
    "kind": "b",
    "place": "1",
    "several": ["x", "z"],
    "answer": "no",
    "basis": "law",
    "items": ["nhs", "addr"],
    "agree": "on",
    "when_day": "7",
    "when_month": "3",
    "when_year": "2026",
    "told_on": "2026-03-08",
    "plain_date": "2026-03-09",
    "at": "2026-03-09 10:11",
    "token": "t&k",
}

INVALID: dict[str, Any] = {
    "name": "x" * 51,
    "count": "eleven",
    "email": "not an email",
    "website": "nope",
    "story": "x" * 201,
    "kind": "zzz",
    "place": "99",
    "several": ["q"],
    "answer": "maybe",
    "basis": "",
    "items": ["nope"],
    "when_day": "31",
    "when_month": "2",
    "when_year": "2026",
    "told_on_day": "7",
    "plain_date": "yesterday",
    "at": "soon",
}


def _unbound() -> EveryField:
    return EveryField(initial={"name": "Initial", "when": datetime.date(2026, 1, 2), "agree": True})


def _valid() -> EveryField:
    form = EveryField(VALID)
    assert form.is_valid(), form.errors
    return form


def _invalid() -> EveryField:
    form = EveryField({f"p-{key}": value for key, value in INVALID.items()}, prefix="p", auto_id="f_%s")
    assert not form.is_valid()
    return form


def _invalid_unprefixed() -> EveryField:
    form = EveryField(INVALID)
    assert not form.is_valid()
    return form


FORMS = {
    "unbound": _unbound,
    "valid": _valid,
    "invalid": _invalid,
    "invalid_unprefixed": _invalid_unprefixed,
}

# The ways templates render a form: whole, field group by field group, widget alone, error summary.
TEMPLATE = (
    "{{ form }}\n----\n"
    "{% for field in form %}{{ field.as_field_group }}|{{ field }}|{{ field.label_tag }}\n{% endfor %}----\n"
    '{% include "forms/error_summary.html" %}'
)


def _render(form: EveryField) -> str:
    return engines["django"].from_string(TEMPLATE).render({"form": form})


@pytest.mark.parametrize("case", sorted(FORMS))
def test_every_kind_of_field_renders_exactly_as_pinned(case: str) -> None:
    html = _render(FORMS[case]())
    expected = EXPECTED / f"{case}.html"
    if os.environ.get("PIN_FORM_HTML") == "1":
        expected.write_text(html)
    assert html == expected.read_text()


def test_rendering_twice_gives_the_same_html() -> None:
    # Styling happens at render time; a second rendering must not add classes or ids a second time.
    form = _invalid_unprefixed()
    assert _render(form) == _render(form)


def test_the_pinned_files_cover_every_widget_kind() -> None:
    html = (EXPECTED / "invalid.html").read_text()
    for marker in (
        'type="text"',
        'type="number"',
        'type="email"',
        'type="url"',
        'type="password"',
        'type="hidden"',
        "<textarea",
        "<select",
        "<optgroup",
        "multiple",
        'type="radio"',
        'type="checkbox"',
        "nhsuk-date-input",
        "nhsuk-error-message",
        "nhsuk-hint",
        "nhsuk-error-summary",
    ):
        assert marker in html, marker


class _TemplatesOnly(TemplatesSetting):
    """The templates alone, as the renderer was before its Python fast path."""

    form_template_name = FORM_TEMPLATE
    field_template_name = FIELD_TEMPLATE


@pytest.mark.parametrize("case", sorted(FORMS))
def test_the_python_renderer_writes_what_the_templates_write(case: str) -> None:
    fast = _render(FORMS[case]())
    form = FORMS[case]()
    form.renderer = _TemplatesOnly()
    assert fast == _render(form)


def test_the_templates_written_in_python_are_not_overridden() -> None:
    # The Python renderer would silently ignore an override of one of these templates.
    django_widgets = Path(forms.__file__).parent / "templates"
    for name in FAST_TEMPLATES:
        origin = Path(get_template(name).origin.name)  # type: ignore[attr-defined]
        home = django_widgets if name.startswith("django/") else Path(settings.BASE_DIR) / "templates"
        assert origin == home / name, name


@pytest.mark.parametrize("case", sorted(FORMS))
def test_a_whole_form_of_every_kind_of_field_renders_without_a_template(case: str) -> None:
    # What keeps the gain: a field group or widget that fell back to the templates would show here.
    form = FORMS[case]()
    with mock.patch.object(TemplatesSetting, "render", side_effect=AssertionError("template rendering")):
        html = str(form)
    assert html.startswith('<input type="hidden"') and "nhsuk-date-input" in html
