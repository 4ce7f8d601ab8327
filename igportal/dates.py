"""The portal's date and time formats, written once: the pages, the messages and the deadline workings all
say a date the same way. Plain Python with no Django import, so the pure deadline modules use it too;
``igportal.templatetags.portal`` offers the same formats to templates.

English names are written out rather than taken from ``strftime`` so that the words never follow the
server's locale.
"""

from __future__ import annotations

from datetime import date, datetime

DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date | None) -> str:
    """A deadline or event date with its weekday: "Wed 3 Sep 2025"; empty for no date."""
    if day is None:
        return ""
    return f"{DAY_ABBR[day.weekday()]} {day.day} {MONTH_ABBR[day.month - 1]} {day.year}"


def short_date(day: date | None) -> str:
    """A date in a table or a list: "3 Sep 2025"; empty for no date."""
    if day is None:
        return ""
    return f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}"


def full_date(day: date | None) -> str:
    """A date in running text or a document: "3 September 2025"; empty for no date."""
    if day is None:
        return ""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def date_time(moment: datetime) -> str:
    """When something happened, already in local time: "3 Sep 2025 14:05"."""
    return f"{short_date(moment)} {moment:%H:%M}"


def long_date_time(moment: datetime) -> str:
    """A deadline to the minute, already in local time: "Wed 3 Sep 2025 14:05"."""
    return f"{long_date(moment)} {moment:%H:%M}"


def full_date_time(moment: datetime) -> str:
    """A moment in running text, already in local time: "3 September 2025 14:05"."""
    return f"{full_date(moment)} {moment:%H:%M}"


def file_stamp(day: date) -> str:
    """The date that starts a record's file name [000 3.ii]: "20250903"."""
    return f"{day:%Y%m%d}"
