"""The NHS.UK date input and character count: markup, parsing, and the NHS.UK error wording."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from igportal.forms import NHSFormMixin, date_field


class DateForm(NHSFormMixin, forms.Form):
    received_on = date_field("Date received", subject="the date you received the request")
    told_on = date_field("Date told", required=False)


class TextForm(NHSFormMixin, forms.Form):
    story = forms.CharField(label="What happened?", max_length=20, widget=forms.Textarea)
    name = forms.CharField(label="Name", max_length=5)


def _date(day: str, month: str, year: str, name: str = "received_on") -> dict[str, str]:
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def test_a_date_is_entered_as_day_month_and_year() -> None:
    form = DateForm(_date("7", "03", "2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"received_on": datetime.date(2026, 3, 7), "told_on": None}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the date you received the request"),
        (("", "3", "2026"), "The date you received the request must include a day"),
        (("7", "", ""), "The date you received the request must include a month and year"),
        (("31", "2", "2026"), "The date you received the request must be a real date"),
        (("7", "March", "2026"), "The date you received the request must be a real date"),
        (("7", "3", "26"), "Year must include 4 numbers"),
    ],
)
def test_a_wrong_date_is_explained_in_nhs_words(parts: tuple[str, str, str], message: str) -> None:
    form = DateForm(_date(*parts))
    assert not form.is_valid()
    assert form.errors["received_on"] == [message]


def test_one_value_is_still_accepted_for_the_api_and_old_links() -> None:
    form = DateForm({"received_on": "2026-03-07", "told_on": "8/3/2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["told_on"] == datetime.date(2026, 3, 8)


def test_the_date_input_renders_as_the_nhs_pattern_and_keeps_what_was_typed() -> None:
    form = DateForm(_date("31", "2", "2026"))
    form.is_valid()
    html = str(form)
    assert '<fieldset class="nhsuk-fieldset" role="group"' in html
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Date received</legend>' in html
    for part, width, value in (("day", 2, "31"), ("month", 2, "2"), ("year", 4, "2026")):
        assert f'name="received_on_{part}" value="{value}"' in html
        assert f"nhsuk-input--width-{width}" in html
    assert '<label class="nhsuk-label nhsuk-date-input__label" for="id_received_on_0">Day</label>' in html
    assert html.count("nhsuk-input--error") == 3
    assert 'inputmode="numeric"' in html and 'type="date"' not in html


def test_a_long_answer_has_a_character_count_and_no_maxlength_that_would_cut_it() -> None:
    html = str(TextForm())
    assert 'data-module="nhsuk-character-count" data-maxlength="20"' in html
    assert 'id="id_story-info">You can enter up to 20 characters' in html
    textarea = html[html.index("<textarea") : html.index(">", html.index("<textarea"))]
    assert "maxlength" not in textarea and "nhsuk-js-character-count" in textarea
    assert 'aria-describedby="id_story-info"' in textarea


def test_too_long_answers_are_explained_in_nhs_words() -> None:
    form = TextForm({"story": "x" * 21, "name": "Rosalind"})
    assert not form.is_valid()
    assert form.errors["story"] == ["Your answer must be 20 characters or fewer"]
    assert form.errors["name"] == ["Name must be 5 characters or fewer"]
