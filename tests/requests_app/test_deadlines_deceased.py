"""AHRA 1990 deadlines from hand-worked tables.

Each expected date was counted by hand on a printed calendar, day of the application as day 1; the
weekday is written next to each so a reader can check it the same way.
"""

from datetime import date, datetime
from typing import Any

import pytest

from requests_app.deadlines_deceased import deceased_records_due_date, deceased_records_working

ENG = "england"
SCT = "scotland"


@pytest.mark.parametrize(
    ("received", "keywords", "expected"),
    [
        # Mon 1 Sep 2025 is day 1; day 40 is Fri 10 Oct 2025.
        pytest.param(date(2025, 9, 1), {}, date(2025, 10, 10), id="40 days, application day is day 1"),
        # Wed 3 Sep 2025 -> Sun 12 Oct 2025: not moved, the Act counts calendar days.
        pytest.param(date(2025, 9, 3), {}, date(2025, 10, 12), id="day 40 on a Sunday stays"),
        # Sat 6 Sep 2025 is day 1 although a weekend -> Wed 15 Oct 2025.
        pytest.param(date(2025, 9, 6), {}, date(2025, 10, 15), id="received on a Saturday counts"),
        # Mon 1 Dec 2025 -> Fri 9 Jan 2026.
        pytest.param(date(2025, 12, 1), {}, date(2026, 1, 9), id="across the year end"),
        # Sun 16 Nov 2025 -> Thu 25 Dec 2025, Christmas Day: not moved.
        pytest.param(date(2025, 11, 16), {}, date(2025, 12, 25), id="day 40 on Christmas Day stays"),
        # Recent entries only: Wed 3 Sep 2025 + 20 -> Tue 23 Sep 2025.
        pytest.param(
            date(2025, 9, 3),
            {"recent_records_only": True},
            date(2025, 9, 23),
            id="21 days for recent records",
        ),
        pytest.param(
            date(2025, 9, 1),
            {"recent_records_only": True},
            date(2025, 9, 21),
            id="21 days ending on a Sunday stays",
        ),
        # Received Wed 3 Sep 2025; asked Fri 5 Sep, answered Wed 10 Sep -> day 1 is 10 Sep -> Sun 19 Oct.
        pytest.param(
            date(2025, 9, 3),
            {"further_information": [(date(2025, 9, 5), date(2025, 9, 10))]},
            date(2025, 10, 19),
            id="further information restarts the period",
        ),
        # Asked Tue 16 Sep, day 14 of the window (3 Sep is day 1); answered Mon 22 Sep -> Fri 31 Oct.
        pytest.param(
            date(2025, 9, 3),
            {"further_information": [(date(2025, 9, 16), date(2025, 9, 22))]},
            date(2025, 10, 31),
            id="asked on the 14th day still restarts",
        ),
        # Asked Wed 17 Sep, day 15: moves nothing -> Sun 12 Oct as without it.
        pytest.param(
            date(2025, 9, 3),
            {"further_information": [(date(2025, 9, 17), date(2025, 9, 22))]},
            date(2025, 10, 12),
            id="asked after 14 days moves nothing",
        ),
        # Two requests answered 10 Sep and 15 Sep: the later answer starts it -> Fri 24 Oct 2025.
        pytest.param(
            date(2025, 9, 3),
            {
                "further_information": [
                    (date(2025, 9, 8), date(2025, 9, 15)),
                    (date(2025, 9, 5), date(2025, 9, 10)),
                ]
            },
            date(2025, 10, 24),
            id="the latest answer starts the period",
        ),
        # Asked Fri 5 Sep, still awaited on Fri 12 Sep: as if it arrived today -> Tue 21 Oct 2025.
        pytest.param(
            date(2025, 9, 3),
            {"further_information": [(date(2025, 9, 5), None)], "today": date(2025, 9, 12)},
            date(2025, 10, 21),
            id="awaited information counts from today",
        ),
        # Recent records and further information together: 10 Sep + 20 -> Tue 30 Sep 2025.
        pytest.param(
            date(2025, 9, 3),
            {"recent_records_only": True, "further_information": [(date(2025, 9, 5), date(2025, 9, 10))]},
            date(2025, 9, 30),
            id="21 days from the further information",
        ),
    ],
)
def test_deceased_records_due_date(received: date, keywords: dict[str, Any], expected: date) -> None:
    assert deceased_records_due_date(received, nation=ENG, **keywords) == expected


def test_a_last_day_on_a_weekend_names_the_last_working_day_before_it() -> None:
    working = deceased_records_working(date(2025, 9, 3), nation=ENG)
    assert working.due == date(2025, 10, 12)
    assert any("send the response by Fri 10 Oct 2025" in note for note in working.notes)
    assert working.skipped == ()


@pytest.mark.parametrize(
    ("nation", "last_working_day_note"),
    [
        # Mon 24 Nov 2025 -> Fri 2 Jan 2026: a working day in England, a bank holiday in Scotland.
        pytest.param(ENG, None, id="2 January is a working day in England"),
        pytest.param(SCT, "send the response by Wed 31 Dec 2025", id="Scottish 2 January"),
    ],
)
def test_the_nation_changes_the_advice_never_the_date(nation: str, last_working_day_note: str | None) -> None:
    working = deceased_records_working(date(2025, 11, 24), nation=nation)
    assert working.due == date(2026, 1, 2)
    advice = [note for note in working.notes if "send the response by" in note]
    if last_working_day_note is None:
        assert advice == []
    else:
        assert last_working_day_note in advice[0]


def test_working_explains_the_rule_start_and_steps() -> None:
    working = deceased_records_working(date(2025, 9, 1), nation=ENG)
    assert "40 days beginning with the date of the application" in working.rule
    assert "s3(5)" in working.rule
    assert working.start == date(2025, 9, 1)
    assert working.start_reason == "Application received on Mon 1 Sep 2025, which is day 1."
    assert working.steps == ("Mon 1 Sep 2025 is day 1 -> day 40 is Fri 10 Oct 2025",)
    assert working.waiting_since is None


def test_working_explains_each_request_for_further_information() -> None:
    working = deceased_records_working(
        date(2025, 9, 3),
        further_information=[(date(2025, 9, 5), date(2025, 9, 10)), (date(2025, 9, 17), date(2025, 9, 18))],
        nation=ENG,
    )
    first, late = working.pauses
    assert first.restarts
    assert "received on Wed 10 Sep 2025" in first.explanation
    assert not late.restarts
    assert "after the 14 days beginning with the application (last day Tue 16 Sep 2025)" in late.explanation
    assert "arrived on Wed 10 Sep 2025, which is day 1 (s3(6))" in working.start_reason


def test_awaited_information_is_shown_as_waiting() -> None:
    working = deceased_records_working(
        date(2025, 9, 3), further_information=[(date(2025, 9, 5), None)], nation=ENG, today=date(2025, 9, 12)
    )
    assert working.waiting_since == date(2025, 9, 5)
    assert "is awaited on Fri 12 Sep 2025 (today)" in working.start_reason
    assert any("moves one day later for each further day" in note for note in working.notes)


@pytest.mark.parametrize(
    ("further_information", "today", "message"),
    [
        pytest.param(
            [(date(2025, 9, 2), None)], date(2025, 9, 5), "before the application", id="asked early"
        ),
        pytest.param(
            [(date(2025, 9, 5), date(2025, 9, 4))],
            None,
            "before it was asked for",
            id="answered before asked",
        ),
        pytest.param([(date(2025, 9, 5), None)], None, "pass today=", id="awaited without today"),
        pytest.param([(date(2025, 9, 5), date(2025, 9, 10))], date(2025, 9, 8), "after today", id="future"),
    ],
)
def test_inconsistent_dates_are_rejected(
    further_information: list[tuple[date, date | None]], today: date | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        deceased_records_working(
            date(2025, 9, 3), further_information=further_information, nation=ENG, today=today
        )


def test_received_must_be_a_plain_date() -> None:
    with pytest.raises(TypeError, match=r"datetime\.date"):
        deceased_records_working(datetime(2025, 9, 3, 9, 0), nation=ENG)
