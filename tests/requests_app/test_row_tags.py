"""The tags a list repeats on every row write what Django's own tags write: a table cell, a row's link."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from requests_app.links import pk_url, plain_url
from requests_app.templatetags.formats import detail_url


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_a_cell_repeats_its_heading_for_narrow_screens() -> None:
    assert _render('{% cell "Status" %}<b>x</b>{% endcell %}') == (
        '<td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">'
        "Status </span><b>x</b></td>"
    )


def test_a_cell_without_a_heading_is_the_cell_alone() -> None:
    assert _render("{% cell %}{{ value }}{% endcell %}", value="<i>") == (
        '<td class="nhsuk-table__cell">&lt;i&gt;</td>'
    )


def test_a_heading_from_a_variable_is_escaped_and_a_literal_one_is_not_escaped_twice() -> None:
    # The same text, once from the template (safe) and once from a variable (plain), in either order.
    from_variable = "{% cell heading %}{% endcell %}"
    literal = '{% cell "R&amp;D" %}{% endcell %}'
    assert "R&amp;amp;D </span>" in _render(from_variable, heading="R&amp;D")
    assert "R&amp;D </span>" in _render(literal)
    assert "R&amp;amp;D </span>" in _render(from_variable, heading="R&amp;D")


@pytest.mark.parametrize("name", ["flow_detail", "asset_detail"])
def test_a_rows_link_is_the_address_the_url_tag_makes(name: str) -> None:
    for pk in (1, 7, 1234567):
        assert _render(f'{{{{ pk|detail_url:"{name}" }}}}', pk=pk) == _render(
            f"{{% url '{name}' pk %}}", pk=pk
        )


def test_a_rows_link_follows_a_change_of_script_prefix() -> None:
    before = detail_url(5, "flow_detail")
    set_script_prefix("/portal/")
    try:
        assert detail_url(5, "flow_detail") == f"/portal{before}"
    finally:
        clear_script_prefix()
    assert detail_url(5, "flow_detail") == before


def test_a_key_that_is_not_a_whole_number_is_reversed_as_the_url_tag_would() -> None:
    with pytest.raises(NoReverseMatch):
        detail_url("x", "flow_detail")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["flow_list", "dpia_list", "transparency"])
def test_a_plain_link_is_the_address_reverse_makes_under_any_script_prefix(name: str) -> None:
    assert plain_url(name) == reverse(name)
    set_script_prefix("/portal/")
    try:
        assert plain_url(name) == reverse(name) and plain_url(name).startswith("/portal/")
    finally:
        clear_script_prefix()


def test_every_detail_link_of_the_dashboard_is_the_address_reverse_makes() -> None:
    for name in ("incident_detail", "flow_detail", "dpia_detail", "agreement_detail", "asset_detail"):
        assert pk_url(name, 42) == reverse(name, args=[42])
