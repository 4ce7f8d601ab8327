"""The portal's one way of showing a date, a status, a summary-list row and a table cell on a page (a
template builtin, beside ``igportal.templatetags.portal`` and its ``display_name``).

The date filters are ``igportal.dates``; the status tag reads its colour and label from the status
enum (``requests_app.models.status``).
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Protocol

from django import template
from django.db import models
from django.utils import timezone
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

from igportal import dates
from requests_app import links
from requests_app.models.status import StatusChoices

register = template.Library()


def _day(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def long_date(value: datetime.date | datetime.datetime | None) -> str:
    """ "Wed 3 Sep 2025": a deadline or an event date."""
    return dates.long_date(_day(value)) if value else ""


@register.filter
def short_date(value: datetime.date | datetime.datetime | None) -> str:
    """ "3 Sep 2025": a date in a table or list."""
    return dates.short_date(_day(value)) if value else ""


@register.filter
def full_date(value: datetime.date | datetime.datetime | None) -> str:
    """ "3 September 2025": a date in running text."""
    return dates.full_date(_day(value)) if value else ""


@register.filter
def date_time(value: datetime.datetime | None) -> str:
    """ "3 Sep 2025 14:05", in the portal's time zone."""
    # Like the date filter: a missing value (None, or "" from an unresolved variable) shows nothing.
    return dates.date_time(_local(value)) if value else ""


@cache
def _status_enum(model: type[models.Model], field_name: str) -> type[StatusChoices]:
    """The StatusChoices enum whose choices the model's field uses."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.CharField)
    choices = list(field.choices or [])
    for enum in _all_status_enums():
        if enum.choices == choices:
            return enum
    raise LookupError(f"{model.__name__}.{field_name} does not use a StatusChoices enum.")


def _all_status_enums() -> list[type[StatusChoices]]:
    found: list[type[StatusChoices]] = []
    pending: list[type[StatusChoices]] = [StatusChoices]
    while pending:
        enum = pending.pop()
        for sub in enum.__subclasses__():
            found.append(sub)
            pending.append(sub)
    return found


@cache
def _status_members(model: type[models.Model], field_name: str) -> dict[str, tuple[str, StatusChoices]]:
    """Each value of the field's enum, its tag class and its member: ``enum.values`` and ``enum(value)``
    build the enum's list of choices afresh on every call, a tenth of a millisecond per row of a list."""
    return {member.value: (member.tag_class, member) for member in _status_enum(model, field_name)}


@register.simple_tag
def status_tag(entry: models.Model | None, field: str = "status") -> SafeString:
    """The entry's status (or another StatusChoices field, such as a disclosure's ``kind``) as an NHS.UK
    tag in the colour its enum gives it; nothing for no entry."""
    if entry is None:
        return mark_safe("")
    value = getattr(entry, field)
    known = _status_members(type(entry), field).get(value)
    if known is not None:
        # The label is read per rendering: it may be translated.
        css, label = known[0], str(known[1].label)
    else:
        # A value no enum names (data older than its choices) is shown as stored.
        css, label = "nhsuk-tag--blue", str(value)
    return mark_safe(  # noqa: S308 (the label is escaped; the class comes from the enum)
        f'<strong class="nhsuk-tag {css}">{escape(label)}</strong>'
    )


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def long_date_time(value: datetime.datetime | None) -> str:
    """ "Wed 3 Sep 2025 14:05", in the portal's time zone."""
    return dates.long_date_time(_local(value)) if value else ""


@register.filter
def full_date_time(value: datetime.datetime | None) -> str:
    """ "3 September 2025 14:05", in the portal's time zone."""
    return dates.full_date_time(_local(value)) if value else ""


# --- NHS.UK summary lists and tables ------------------------------------------------------------------


@register.simple_block_tag
def summary_row(
    content: SafeString,
    key: str,
    *,
    testid: str = "",
    action_url: str = "",
    action: str = "Change",
    action_hidden: str = "",
    actions: bool = False,
) -> SafeString:
    """One row of an NHS.UK summary list: ``{% summary_row "Purpose" %}the value{% endsummary_row %}``.

    The value is the block's rendered content (escaped as it was rendered); the key is escaped here.
    ``testid`` marks the value for the browser tests. In a list whose rows have actions, ``action_url``
    gives the row its link (``action``, with ``action_hidden`` said to screen readers only), and
    ``actions=True`` the empty actions cell of a row without one.
    """
    value = (
        format_html('<dd class="nhsuk-summary-list__value" data-testid="{}">{}</dd>', testid, content)
        if testid
        else format_html('<dd class="nhsuk-summary-list__value">{}</dd>', content)
    )
    if action_url:
        hidden = format_html('<span class="nhsuk-u-visually-hidden"> {}</span>', action_hidden)
        value += format_html(
            '<dd class="nhsuk-summary-list__actions"><a href="{}">{}{}</a></dd>',
            action_url,
            action,
            hidden if action_hidden else "",
        )
    elif actions:
        value += mark_safe('<dd class="nhsuk-summary-list__actions"></dd>')
    return format_html(
        '<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{}</dt>{}</div>',
        key,
        value,
    )


class LabelledValue(Protocol):
    label: str
    value: str


@register.simple_tag
def summary_rows(rows: Iterable[LabelledValue]) -> SafeString:
    """Rows of ``summary_row``, one per ``row.label`` and ``row.value`` (its line breaks kept, as the
    ``linebreaksbr`` filter keeps them): ``{% summary_rows section.rows %}`` inside a summary list.

    For long lists such as a request's answers (70 rows on a typical request page): a loop of
    ``{% summary_row %}`` blocks, or of calls to it, costs about 20 microseconds a row in the template
    engine and Django's lazy-string escaping, this about 5. The markup is ``summary_row``'s, character
    for character (tests/requests_app/test_summary_tags.py compares them).
    """
    return mark_safe(  # noqa: S308 (the key and the value are escaped here)
        "\n  ".join(
            '<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">'
            f'{conditional_escape(row.label)}</dt><dd class="nhsuk-summary-list__value">'
            f"{_escaped_lines(row.value)}</dd></div>"
            for row in rows
        )
    )


def _escaped_lines(text: str) -> str:
    """``linebreaksbr`` with autoescaping: every kind of line break as ``<br>``, the rest escaped."""
    return html.escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


@register.simple_block_tag
def cell(content: SafeString, heading: str = "") -> SafeString:
    """One cell of an NHS.UK table: ``{% cell "Status" %}the value{% endcell %}``; the column's
    ``heading`` is repeated in the cell for the table's narrow-screen (responsive) layout."""
    # Run for every cell of every row: the cell's opening is made once per heading, not per cell.
    if type(heading) in (str, SafeString):
        start = _cell_start(heading, isinstance(heading, SafeString))
    else:
        start = _cell_opening(heading)
    return mark_safe(f"{start}{conditional_escape(content)}</td>")  # noqa: S308 (both parts escaped)


def _cell_opening(heading: str) -> str:
    if not heading:
        return '<td class="nhsuk-table__cell">'
    return format_html(
        '<td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">'
        "{} </span>",
        heading,
    )


@lru_cache(maxsize=256)
def _cell_start(heading: str, safe: bool) -> str:
    # Keyed on safety as well as text: a template's literal heading is safe text, written as it is,
    # while the same text given as a plain string is escaped.
    return _cell_opening(mark_safe(heading) if safe else str(heading))  # noqa: S308 (safe already)


@register.simple_tag
def header_cell(label: str, hidden: bool = False) -> SafeString:
    """A column heading of an NHS.UK table; ``hidden=True`` keeps it for screen readers only."""
    if hidden:
        label = format_html('<span class="nhsuk-u-visually-hidden">{}</span>', label)
    return format_html('<th scope="col" class="nhsuk-table__header">{}</th>', label)


# --- links of a list's rows -----------------------------------------------------------------------------


@register.filter
def detail_url(pk: int, url_name: str) -> str:
    """``{{ row.pk|detail_url:"flow_detail" }}``: the address ``{% url "flow_detail" row.pk %}`` makes,
    reversed once per page name rather than once per row (``requests_app.links``)."""
    return links.pk_url(url_name, pk)
