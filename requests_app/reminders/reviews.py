"""Review dates of any register: the owner before and on the day, the DPO weekly once overdue.

One ``ReviewDates`` per register, built from the register's live rows and the names of its review
date and owner fields, then listed in ``requests_app.reminders.REMINDER_SOURCES``; for example::

    ReviewDates(
        key="isa_reviews",
        label="ISA reviews",
        noun="information sharing agreement",
        rows=lambda: SharingAgreement.objects.exclude(status="retired"),
        review_date_field="review_on",
        owner_field="owner",
    )
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet

from igportal.people import display_name
from requests_app.reminders.base import (
    Message,
    Milestone,
    Policy,
    ReminderSource,
    active_users,
    data_protection_officers,
    day,
    ig_team,
    latest_milestone,
    overdue_milestone,
    plural,
)


def review_milestones(
    review_on: date, *, today: date, days_before: tuple[int, ...], repeat_days: int
) -> list[Milestone]:
    """The milestone an entry to be reviewed on ``review_on`` owes on ``today``."""
    if today > review_on:
        return [overdue_milestone(review_on, today=today, repeat_days=repeat_days)]
    if today == review_on:
        return [Milestone(f"{review_on}:on-the-day", review_on, "on_the_day")]
    series = [(count, review_on - timedelta(days=count)) for count in days_before]
    return latest_milestone(
        series, today=today, key=lambda count: f"{review_on}:{count}-days-before", step="before"
    )


def _absolute_url(obj: Model) -> str:
    url: str = obj.get_absolute_url()  # type: ignore[attr-defined]
    return url


class ReviewDates(ReminderSource):
    """Reminders for any model with a review date, an owner and a status (``rows`` keeps the live ones)."""

    def __init__(
        self,
        *,
        key: str,
        label: str,
        noun: str,
        rows: Callable[[], QuerySet[Any]],
        review_date_field: str,
        owner_field: str,
        reference: Callable[[Any], str] = str,
        link: Callable[[Any], str] = _absolute_url,
        escalate_to: Callable[[], tuple[User, ...]] = data_protection_officers,
    ) -> None:
        self.key = key
        self.label = label
        self.noun = noun
        self.rows = rows
        self.review_date_field = review_date_field
        self.owner_field = owner_field
        self.reference = reference
        self.link = link
        # Who hears when a review is overdue: the DPO, or for information assets the SIRO their owners
        # answer to [004 5.9].
        self.escalate_to = escalate_to

    def candidates(self, *, today: date, policy: Policy) -> QuerySet[Any]:
        horizon = today + timedelta(days=max(policy.review_days, default=0))
        return (
            self.rows()
            .filter(**{f"{self.review_date_field}__isnull": False, f"{self.review_date_field}__lte": horizon})
            .select_related(self.owner_field)
        )

    def due(self, obj: Any, *, today: date, policy: Policy) -> list[Milestone]:
        review_on: date | None = getattr(obj, self.review_date_field)
        if review_on is None:
            return []
        return review_milestones(
            review_on, today=today, days_before=policy.review_days, repeat_days=policy.escalation_repeat_days
        )

    def messages(self, obj: Any, milestone: Milestone, *, today: date, policy: Policy) -> list[Message]:
        review_on: date = getattr(obj, self.review_date_field)
        owner: User | None = getattr(obj, self.owner_field)
        reference = self.reference(obj)
        owner_name = display_name(owner) if owner else "nobody"
        facts = f"{self.noun.capitalize()}: {reference}\nReview date: {day(review_on)}\nOwner: {owner_name}\n"
        if milestone.step == "overdue":
            return [
                Message(
                    self.escalate_to(),
                    f"Review overdue: {reference}",
                    f"The review of this {self.noun} is {plural(milestone.count, 'day')} overdue.\n\n{facts}",
                    self.link(obj),
                )
            ]
        when = "today" if milestone.step == "on_the_day" else f"in {plural(milestone.count, 'day')}"
        return [
            Message(
                active_users([owner]) or ig_team(),
                f"Review due {when}: {reference}",
                f"This {self.noun} is due for review {when}, on {day(review_on)}. Review it and record "
                f"the next review date.\n\n{facts}",
                self.link(obj),
            )
        ]
