"""The summary-list row tag writes the NHS.UK markup the templates used to write by hand."""

from __future__ import annotations

from django.template import Context, Template


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_a_row_is_a_key_and_its_value() -> None:
    html = _render('{% summary_row "Purpose" %}<em>{{ what }}</em>{% endsummary_row %}', what="Care & audit")
    assert html == (
        '<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Purpose</dt>'
        '<dd class="nhsuk-summary-list__value"><em>Care &amp; audit</em></dd></div>'
    )


def test_a_key_from_a_variable_is_escaped() -> None:
    html = _render("{% summary_row label %}1{% endsummary_row %}", label="<b>Art 6 & 9</b>")
    assert '<dt class="nhsuk-summary-list__key">&lt;b&gt;Art 6 &amp; 9&lt;/b&gt;</dt>' in html


def test_a_testid_marks_the_value_for_the_browser_tests() -> None:
    html = _render('{% summary_row "Assets" testid="request-assets" %}None named{% endsummary_row %}')
    assert '<dd class="nhsuk-summary-list__value" data-testid="request-assets">None named</dd>' in html


def test_a_row_with_an_action_links_to_it_and_tells_screen_readers_what_it_changes() -> None:
    html = _render(
        '{% summary_row "Email address" action_url=url action_hidden="email address" %}'
        "a@b.test{% endsummary_row %}",
        url="/account/email/?next=<x>",
    )
    assert html.endswith(
        '<dd class="nhsuk-summary-list__value">a@b.test</dd>'
        '<dd class="nhsuk-summary-list__actions"><a href="/account/email/?next=&lt;x&gt;">Change'
        '<span class="nhsuk-u-visually-hidden"> email address</span></a></dd></div>'
    )


def test_a_row_without_an_action_in_a_list_with_actions_keeps_the_empty_cell() -> None:
    html = _render('{% summary_row "Username" actions=True %}ann{% endsummary_row %}')
    assert html.endswith(
        '<dd class="nhsuk-summary-list__value">ann</dd><dd class="nhsuk-summary-list__actions"></dd></div>'
    )
    assert "nhsuk-summary-list__actions" not in _render('{% summary_row "Username" %}ann{% endsummary_row %}')


def test_summary_rows_writes_each_row_as_a_summary_row_block_with_its_line_breaks() -> None:
    from necessity.presenters import Row

    rows = [
        Row("Purpose", "Care & audit"),
        Row("<b>Key</b>", 'Line one\n<script>alert("x")</script>\r\nline three'),
        Row("Empty", ""),
        Row('It\'s "quoted"', "a\rb & c &amp; 'd'\n\n"),
    ]
    html = _render("{% summary_rows rows %}", rows=rows)
    # What the answers summary wrote before, one {% summary_row %} block per row.
    one_by_one = [
        _render("{% summary_row row.label %}{{ row.value|linebreaksbr }}{% endsummary_row %}", row=row)
        for row in rows
    ]
    assert html == "\n  ".join(one_by_one)
    assert '<dd class="nhsuk-summary-list__value">Care &amp; audit</dd>' in html
    assert "Line one<br>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>line three" in html, (
        "the value is escaped and its line breaks kept"
    )
    assert '<dt class="nhsuk-summary-list__key">&lt;b&gt;Key&lt;/b&gt;</dt>' in html


def test_summary_rows_of_no_rows_is_nothing() -> None:
    assert _render("{% summary_rows rows %}", rows=[]) == ""
