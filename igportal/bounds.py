"""The range a date typed into the portal may fall in, and the largest count of people it stores.

Nothing the portal records happened before 1990 (a year typed as 1 or 0001 is a slip, and once stored
it was chased as due in 0001), and nothing is planned further ahead than its field allows: a year for
a date that is an event or a filter, ten for a review or end date. An unbounded date also reached
the database as 9999-12-31, where adding a day to it failed.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

EARLIEST_DATE = datetime.date(1990, 1, 1)
# The most people any one record can be about: more than the UK population, well inside a PostgreSQL integer.
MAX_PEOPLE = 100_000_000


def latest_date(years_ahead: int, today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year + years_ahead)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years_ahead, day=28)


@deconstructible
class DateWithinRange:
    """Refuses a date (or the day of a date and time) before 1990 or more than ``years_ahead`` from today."""

    def __init__(self, label: str, *, years_ahead: int = 1) -> None:
        self.label = label
        self.years_ahead = years_ahead

    def __call__(self, value: datetime.date) -> None:
        day = value.date() if isinstance(value, datetime.datetime) else value
        latest = latest_date(self.years_ahead, timezone.localdate())
        if not EARLIEST_DATE <= day <= latest:
            raise ValidationError(
                "%(label)s must be between %(earliest)s and %(latest)s.",
                code="date_out_of_range",
                params={
                    "label": self.label,
                    "earliest": f"{EARLIEST_DATE:%-d %B %Y}",
                    "latest": f"{latest:%-d %B %Y}",
                },
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateWithinRange) and (other.label, other.years_ahead) == (
            self.label,
            self.years_ahead,
        )
