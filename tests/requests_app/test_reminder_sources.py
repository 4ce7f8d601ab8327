"""The milestone arithmetic of each reminder source, as tables: pure, with today passed in."""

from __future__ import annotations

from datetime import date

import pytest

from requests_app.reminders.access import access_milestones
from requests_app.reminders.base import latest_of, overdue_milestone
from requests_app.reminders.consent import consent_milestones
from requests_app.reminders.reviews import review_milestones
from requests_app.reminders.signoffs import signoff_milestones

# Mon 9 Mar 2026; no bank holiday anywhere in the UK near it.
DUE = date(2026, 3, 9)


def _access(today: date, kind: str = "foi") -> list[tuple[str, date, str, int]]:
    owed = access_milestones(
        DUE, kind=kind, today=today, working_days=(5, 2), repeat_days=7, nation="england"
    )
    return [(m.key, m.due_on, m.step, m.count) for m in owed]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 2, 27), []),
        (date(2026, 3, 2), [("2026-03-09:5-working-days-before", date(2026, 3, 2), "before", 5)]),
        # Weekend days are not counted: Wednesday is still 3 working days out, inside the 5-day reminder.
        (date(2026, 3, 4), [("2026-03-09:5-working-days-before", date(2026, 3, 2), "before", 5)]),
        (date(2026, 3, 5), [("2026-03-09:2-working-days-before", date(2026, 3, 5), "before", 2)]),
        (date(2026, 3, 8), [("2026-03-09:2-working-days-before", date(2026, 3, 5), "before", 2)]),
        (date(2026, 3, 9), [("2026-03-09:on-the-day", DUE, "on_the_day", 0)]),
        (date(2026, 3, 10), [("2026-03-09:overdue-0", date(2026, 3, 10), "overdue", 1)]),
        (date(2026, 3, 16), [("2026-03-09:overdue-0", date(2026, 3, 10), "overdue", 1)]),
        (date(2026, 3, 17), [("2026-03-09:overdue-1", date(2026, 3, 17), "overdue", 8)]),
    ],
)
def test_an_access_request_owes_the_latest_reminder_then_weekly_escalations(
    today: date, expected: list[tuple[str, date, str, int]]
) -> None:
    assert _access(today) == expected


def test_access_reminders_skip_the_organisations_bank_holidays_for_a_sar() -> None:
    # Due Thu 9 Apr 2026: Good Friday (3 Apr) and Easter Monday (6 Apr) are not working days in England.
    owed = access_milestones(
        date(2026, 4, 9),
        kind="sar",
        today=date(2026, 4, 1),
        working_days=(5,),
        repeat_days=7,
        nation="england",
    )
    assert [(m.key, m.due_on) for m in owed] == [("2026-04-09:5-working-days-before", date(2026, 3, 31))]


def test_a_moved_deadline_owes_fresh_reminders_under_new_keys() -> None:
    before = access_milestones(
        DUE, kind="foi", today=date(2026, 3, 5), working_days=(5, 2), repeat_days=7, nation="england"
    )
    extended = access_milestones(
        date(2026, 4, 6),
        kind="foi",
        today=date(2026, 3, 31),
        working_days=(5, 2),
        repeat_days=7,
        nation="england",
    )
    assert before[0].key != extended[0].key
    assert extended[0].key == "2026-04-06:5-working-days-before"


REVIEW = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("today", "key"),
    [
        (date(2026, 5, 30), None),
        (date(2026, 5, 31), "2026-06-30:30-days-before"),
        (date(2026, 6, 15), "2026-06-30:30-days-before"),
        (date(2026, 6, 16), "2026-06-30:14-days-before"),
        (date(2026, 6, 23), "2026-06-30:7-days-before"),
        (date(2026, 6, 30), "2026-06-30:on-the-day"),
        (date(2026, 7, 1), "2026-06-30:overdue-0"),
        (date(2026, 7, 8), "2026-06-30:overdue-1"),
        (date(2026, 7, 22), "2026-06-30:overdue-3"),
    ],
)
def test_a_review_date_owes_30_14_7_days_before_on_the_day_then_weekly(today: date, key: str | None) -> None:
    owed = review_milestones(REVIEW, today=today, days_before=(30, 14, 7), repeat_days=7)
    assert [m.key for m in owed] == ([key] if key else [])


def test_review_offsets_are_configurable() -> None:
    owed = review_milestones(REVIEW, today=date(2026, 6, 29), days_before=(60, 1), repeat_days=7)
    assert [(m.key, m.count) for m in owed] == [("2026-06-30:1-days-before", 1)]


@pytest.mark.parametrize(
    ("today", "steps"),
    [
        # Entered Fri 20 Feb; N = 3 working days.
        (date(2026, 2, 25), []),
        (date(2026, 2, 26), ["nudge"]),
        (date(2026, 3, 2), ["nudge"]),
        (date(2026, 3, 3), ["nudge", "escalate"]),
    ],
)
def test_a_sign_off_is_nudged_after_n_working_days_and_escalated_after_2n(
    today: date, steps: list[str]
) -> None:
    owed = signoff_milestones(
        date(2026, 2, 20), stint="ig_review@history-7", today=today, working_days=3, nation="england"
    )
    assert [m.step for m in owed] == steps
    assert all(m.key == f"ig_review@history-7:{m.step}" for m in owed)


@pytest.mark.parametrize(
    ("today", "owed"),
    [(date(2026, 1, 11), False), (date(2026, 1, 12), True), (date(2026, 6, 1), True)],
)
def test_consent_older_than_the_maximum_age_in_days_owes_one_recheck(today: date, owed: bool) -> None:
    milestones = consent_milestones(date(2025, 1, 11), today=today, max_age_days=365)
    assert [m.key for m in milestones] == (["consent-2025-01-11:recheck"] if owed else [])


def test_the_latest_reached_entry_of_a_series_wins() -> None:
    series = [(30, date(2026, 1, 1)), (14, date(2026, 1, 17)), (7, date(2026, 1, 24))]
    assert latest_of(series, today=date(2025, 12, 31)) is None
    assert latest_of(series, today=date(2026, 1, 20)) == 14


def test_escalations_repeat_every_given_number_of_days() -> None:
    assert overdue_milestone(DUE, today=date(2026, 3, 12), repeat_days=3).key == "2026-03-09:overdue-0"
    assert overdue_milestone(DUE, today=date(2026, 3, 13), repeat_days=3).key == "2026-03-09:overdue-1"
