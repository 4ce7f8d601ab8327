"""The long select writes the same options as Django's own, without a template per option."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from igportal.forms import LongSelect, NHSFormMixin, OneQueryModelChoiceField
from requests_app.models import Organisation
from tests.factories import OrganisationFactory


class _Form(NHSFormMixin, forms.Form):
    place = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), ("1", "Tom & Jerry's <Practice>"), ("North", [("2", "Leeds"), ("3", "York")])],
        widget=LongSelect,
    )


def test_the_chosen_option_is_selected_and_labels_are_escaped() -> None:
    html = str(_Form({"place": "1"}).as_div())
    assert '<option value="1" selected>Tom &amp; Jerry&#x27;s &lt;Practice&gt;</option>' in html
    assert '<option value="">Any</option>' in html and "<Practice>" not in html


def test_groups_of_options_keep_their_label() -> None:
    html = str(_Form().as_div())
    assert (
        '<optgroup label="North"><option value="2">Leeds</option><option value="3">York</option></optgroup>'
        in html
    )


def test_it_carries_the_nhs_class_and_the_error_state_like_any_select() -> None:
    form = _Form({"place": "99"})
    assert not form.is_valid()
    html = str(form.as_div())
    assert 'class="nhsuk-select nhsuk-select--error"' in html and 'aria-invalid="true"' in html


def test_it_writes_the_options_django_select_writes() -> None:
    choices = [("", "Any"), ("1", "Tom & Jerry's <Practice>"), ("North", [("2", "Leeds"), ("1", "Again")])]
    ours = LongSelect(choices=choices).render("place", "1")
    django_select = forms.Select(choices=choices).render("place", "1")
    assert ours.replace("\n", "") == django_select.replace("\n", "").replace("  ", "")


@pytest.mark.django_db
def test_options_read_as_pairs_are_the_options_read_as_models() -> None:
    OrganisationFactory.create(name="Tom & Jerry's <Practice>")
    chosen = OrganisationFactory.create(name="Leeds")
    OrganisationFactory.create(name="York")
    queryset = Organisation.objects.only("pk", "name").order_by("name")

    def rendered(**kwargs: Any) -> str:
        field = OneQueryModelChoiceField(queryset=queryset, empty_label="Any", widget=LongSelect, **kwargs)
        return field.widget.render("recipient", field.prepare_value(chosen))

    by_pairs = rendered(label_field="name")
    assert by_pairs == rendered()
    assert f'<option value="{chosen.pk}" selected>Leeds</option>' in by_pairs
    assert "Tom &amp; Jerry&#x27;s &lt;Practice&gt;" in by_pairs


@pytest.mark.django_db
def test_a_field_with_pairs_for_options_still_accepts_only_a_real_choice() -> None:
    chosen = OrganisationFactory.create(name="Leeds")

    class Pick(forms.Form):
        recipient = OneQueryModelChoiceField(
            queryset=Organisation.objects.order_by("name"), label_field="name", widget=LongSelect
        )

    form = Pick({"recipient": str(chosen.pk)})
    assert form.is_valid() and form.cleaned_data["recipient"] == chosen
    assert not Pick({"recipient": str(chosen.pk + 1000)}).is_valid()
