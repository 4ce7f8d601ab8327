"""What a reminder source declares, and the recipients most of them name.

A source says, for one kind of object: which objects could owe a reminder on ``today``
(``candidates``, a narrow query), which milestones an object owes as of ``today`` (``due``, plain
arithmetic on the object's fields with ``today`` passed in), and what to tell whom when one is
claimed (``messages``). ``requests_app.services.reminders`` does everything else: inserting,
claiming, notifying, counting.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet

from igportal.dates import long_date
from igportal.roles import Role, role_holders
from requests_app.models import OrganisationPolicy, OrganisationSettings


@dataclass(frozen=True)
class Milestone:
    """One reminder an object owes: ``key`` is stable for the object and names the date it counts from.

    ``step`` and ``count`` are for the wording (``before`` 5 working days, ``overdue`` by 8 days) and
    are recomputed, not stored: only the key and the date are in the milestone row.
    """

    key: str
    due_on: date
    step: str
    count: int = 0


@dataclass(frozen=True)
class Message:
    """What one audience is told about one milestone; the same words for each person in it."""

    recipients: tuple[User, ...]
    subject: str
    body: str
    link: str


@dataclass(frozen=True)
class Policy:
    """The organisation's reminder settings, read once per sweep so that ``due`` stays pure."""

    nation: str
    access_working_days: tuple[int, ...]
    review_days: tuple[int, ...]
    signoff_working_days: int
    escalation_repeat_days: int
    consent_max_age_days: int

    @classmethod
    def load(cls) -> Policy:
        portal = OrganisationSettings.load()
        rules_policy = OrganisationPolicy.current()
        return cls(
            nation=portal.nation,
            access_working_days=tuple(settings.CHASER_ACCESS_WORKING_DAYS),
            review_days=tuple(settings.CHASER_REVIEW_DAYS),
            signoff_working_days=settings.CHASER_SIGNOFF_WORKING_DAYS,
            escalation_repeat_days=settings.CHASER_ESCALATION_REPEAT_DAYS,
            consent_max_age_days=rules_policy.consent_max_age_days,
        )


class ReminderSource(ABC):
    """One kind of reminder. Subclasses set ``key`` (never renamed: it is in the milestone rows) and
    ``label``, and implement the three methods."""

    key: str
    label: str

    @abstractmethod
    def candidates(self, *, today: date, policy: Policy) -> QuerySet[Any]:
        """Objects that may owe a milestone on ``today``; may include some that owe none."""

    @abstractmethod
    def due(self, obj: Any, *, today: date, policy: Policy) -> list[Milestone]:
        """The milestones ``obj`` owes as of ``today``: only the latest of a series, never a future one."""

    @abstractmethod
    def messages(self, obj: Any, milestone: Milestone, *, today: date, policy: Policy) -> list[Message]:
        """What to say to whom for a claimed milestone of ``obj``."""

    def act(self, obj: Any, milestone: Milestone, *, today: date) -> None:
        """What the portal itself does for a claimed milestone, before anyone is told (most do nothing).

        It runs in the claim's transaction, so it happens exactly once, as the reminder is sent once."""
        return None

    def load(self, object_ids: Iterable[int], *, today: date, policy: Policy) -> dict[int, Model]:
        """The claimed milestones' objects, as ``candidates`` shapes them (with their annotations)."""
        return {obj.pk: obj for obj in self.candidates(today=today, policy=policy).filter(pk__in=object_ids)}


def active_users(users: Iterable[User | None]) -> tuple[User, ...]:
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.is_active:
            seen.setdefault(user.pk, user)
    return tuple(seen.values())


def role_members(*roles: Role) -> tuple[User, ...]:
    return tuple(role_holders(roles).order_by("pk"))


def data_protection_officers() -> tuple[User, ...]:
    """The DPO named in the organisation settings, or everyone holding the role if none is named."""
    named = OrganisationSettings.load().dpo
    if named is not None and named.is_active:
        return (named,)
    return role_members(Role.DPO)


def ig_team() -> tuple[User, ...]:
    return role_members(Role.IG_OFFICER)


def latest_of(series: Sequence[tuple[int, date]], *, today: date) -> int | None:
    """The entry of ``series`` (offset, day it falls due) most recently due by ``today``, if any."""
    reached = [(day, offset) for offset, day in series if day <= today]
    return max(reached)[1] if reached else None


def latest_milestone(
    series: Sequence[tuple[int, date]], *, today: date, key: Callable[[int], str], step: str
) -> list[Milestone]:
    """The milestone of ``series`` most recently due by ``today`` (none or one), keyed by ``key(offset)``.

    The keys are stored in the milestone rows: a source's ``key`` must keep spelling them as it did.
    """
    count = latest_of(series, today=today)
    if count is None:
        return []
    return [Milestone(key(count), dict(series)[count], step, count)]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def day(value: date) -> str:
    return long_date(value)


def overdue_milestone(due: date, *, today: date, repeat_days: int) -> Milestone:
    """The escalation owed once ``due`` has passed: the day after, then every ``repeat_days`` days."""
    week = ((today - due).days - 1) // repeat_days
    escalated_on = due + timedelta(days=1 + week * repeat_days)
    return Milestone(f"{due}:overdue-{week}", escalated_on, "overdue", (escalated_on - due).days)
