"""Statutory deadlines from hand-worked tables.

Every expected date was counted by hand on a printed calendar (Python's ``calendar.TextCalendar``)
against the gov.uk bank holiday lists, never produced by the code under test. Weekdays are written next
to the dates so that a reader can check them the same way.
"""

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from requests_app.deadlines import (
    Nation,
    RequestKind,
    add_working_days,
    deadline_working,
    due_date,
    is_working_day,
    working_days_between,
)

ENG = "england"
WLS = "wales"
SCT = "scotland"
NIR = "northern_ireland"


# --- SAR: one calendar month, clamped to the month's end, rolled to a working day --------------------

SAR_MONTH_ENDS = [
    pytest.param(date(2025, 9, 3), ENG, date(2025, 10, 3), id="3 Sep -> 3 Oct, the corresponding date"),
    pytest.param(date(2025, 1, 31), ENG, date(2025, 2, 28), id="31 Jan -> 28 Feb in a non-leap year"),
    pytest.param(date(2024, 1, 31), ENG, date(2024, 2, 29), id="31 Jan -> 29 Feb in leap year 2024"),
    pytest.param(date(2028, 1, 31), ENG, date(2028, 2, 29), id="31 Jan -> 29 Feb in leap year 2028"),
    pytest.param(date(2028, 1, 30), ENG, date(2028, 2, 29), id="30 Jan -> 29 Feb in a leap year"),
    # Sun 31 Jan 2027 -> Sun 28 Feb 2027 -> Mon 1 Mar 2027.
    pytest.param(date(2027, 1, 31), ENG, date(2027, 3, 1), id="31 Jan -> 28 Feb is a Sunday -> 1 Mar"),
    # Sat 31 Jan 2026 -> Sat 28 Feb 2026 -> (Sun 1 Mar) -> Mon 2 Mar 2026.
    pytest.param(date(2026, 1, 31), ENG, date(2026, 3, 2), id="31 Jan -> 28 Feb is a Saturday -> 2 Mar"),
    pytest.param(date(2025, 3, 31), ENG, date(2025, 4, 30), id="31 Mar -> 30 Apr"),
    pytest.param(date(2025, 5, 31), ENG, date(2025, 6, 30), id="31 May -> 30 Jun"),
    # Sat 30 Aug 2025 -> Tue 30 Sep 2025.
    pytest.param(date(2025, 8, 30), ENG, date(2025, 9, 30), id="30 Aug -> 30 Sep"),
    pytest.param(date(2025, 8, 31), ENG, date(2025, 9, 30), id="31 Aug -> 30 Sep, September has no 31st"),
    # Received on the English Late Summer Bank Holiday (Mon 31 Aug 2026): receipt day still counts.
    pytest.param(date(2026, 8, 31), ENG, date(2026, 9, 30), id="31 Aug received on a bank holiday -> 30 Sep"),
    pytest.param(date(2024, 12, 31), ENG, date(2025, 1, 31), id="31 Dec -> 31 Jan next year"),
    # Wed 31 Dec 2025 -> Sat 31 Jan 2026 -> Mon 2 Feb 2026.
    pytest.param(date(2025, 12, 31), ENG, date(2026, 2, 2), id="31 Dec -> 31 Jan is a Saturday -> 2 Feb"),
    # Thu 31 Dec 2026 -> Sun 31 Jan 2027 -> Mon 1 Feb 2027.
    pytest.param(date(2026, 12, 31), ENG, date(2027, 2, 1), id="31 Dec -> 31 Jan is a Sunday -> 1 Feb"),
]

SAR_WEEKENDS_AND_BANK_HOLIDAYS = [
    # Wed 8 Oct 2025 -> Sat 8 Nov 2025 -> Mon 10 Nov 2025.
    pytest.param(date(2025, 10, 8), ENG, date(2025, 11, 10), id="due on a Saturday -> Monday"),
    pytest.param(date(2025, 10, 9), ENG, date(2025, 11, 10), id="due on a Sunday -> Monday"),
    # Fri 6 Mar 2026 -> Mon 6 Apr 2026, Easter Monday: a bank holiday except in Scotland.
    pytest.param(date(2026, 3, 6), ENG, date(2026, 4, 7), id="Easter Monday in England -> Tuesday"),
    pytest.param(date(2026, 3, 6), WLS, date(2026, 4, 7), id="Easter Monday in Wales -> Tuesday"),
    pytest.param(date(2026, 3, 6), NIR, date(2026, 4, 7), id="Easter Monday in Northern Ireland -> Tuesday"),
    pytest.param(date(2026, 3, 6), SCT, date(2026, 4, 6), id="Easter Monday is a working day in Scotland"),
    # Tue 3 Mar 2026 -> Fri 3 Apr 2026, Good Friday, then the Easter weekend.
    pytest.param(date(2026, 3, 3), ENG, date(2026, 4, 7), id="Good Friday in England -> after Easter Monday"),
    pytest.param(date(2026, 3, 3), SCT, date(2026, 4, 6), id="Good Friday in Scotland -> Easter Monday"),
    # Tue 2 Dec 2025 -> Fri 2 Jan 2026, a bank holiday only in Scotland.
    pytest.param(date(2025, 12, 2), ENG, date(2026, 1, 2), id="2 January is a working day in England"),
    pytest.param(date(2025, 12, 2), SCT, date(2026, 1, 5), id="Scottish 2 January -> Monday 5th"),
    pytest.param(date(2025, 12, 1), ENG, date(2026, 1, 2), id="New Year's Day in England -> 2 January"),
    pytest.param(
        date(2025, 12, 1), SCT, date(2026, 1, 5), id="New Year's Day in Scotland -> after 2 January"
    ),
    # Fri 30 Oct 2026 -> Mon 30 Nov 2026, St Andrew's Day.
    pytest.param(
        date(2026, 10, 30), ENG, date(2026, 11, 30), id="St Andrew's Day is a working day in England"
    ),
    pytest.param(date(2026, 10, 30), SCT, date(2026, 12, 1), id="St Andrew's Day in Scotland -> 1 Dec"),
    # Fri 31 Oct 2025 -> Sun 30 Nov 2025; Scotland's substitute day is Mon 1 Dec 2025.
    pytest.param(date(2025, 10, 31), ENG, date(2025, 12, 1), id="31 Oct -> 30 Nov a Sunday -> 1 Dec"),
    pytest.param(
        date(2025, 10, 31),
        SCT,
        date(2025, 12, 2),
        id="St Andrew's Day on a Sunday, Scottish substitute -> 2 Dec",
    ),
    # Tue 17 Feb 2026 -> Tue 17 Mar 2026, St Patrick's Day.
    pytest.param(
        date(2026, 2, 17), NIR, date(2026, 3, 18), id="St Patrick's Day in Northern Ireland -> 18 Mar"
    ),
    pytest.param(
        date(2026, 2, 17), ENG, date(2026, 3, 17), id="St Patrick's Day is a working day in England"
    ),
    # Sat 12 Jun 2027 -> Mon 12 Jul 2027, Battle of the Boyne.
    pytest.param(date(2027, 6, 12), NIR, date(2027, 7, 13), id="12 July in Northern Ireland -> 13 Jul"),
    pytest.param(date(2027, 6, 12), ENG, date(2027, 7, 12), id="12 July is a working day in England"),
    # Sat 13 Jun 2026 -> Mon 13 Jul 2026, the substitute for Sun 12 Jul 2026.
    pytest.param(date(2026, 6, 13), NIR, date(2026, 7, 14), id="12 July substitute Monday in NI -> Tuesday"),
    # Fri 25 Jul 2025 -> Mon 25 Aug 2025: Late Summer Bank Holiday, not in Scotland.
    pytest.param(
        date(2025, 7, 25), ENG, date(2025, 8, 26), id="Late Summer Bank Holiday in England -> Tuesday"
    ),
    pytest.param(date(2025, 7, 25), SCT, date(2025, 8, 25), id="late August Monday is working in Scotland"),
    # Fri 4 Jul 2025 -> Mon 4 Aug 2025: Scotland's Summer Bank Holiday.
    pytest.param(date(2025, 7, 4), SCT, date(2025, 8, 5), id="Scottish Summer Bank Holiday -> Tuesday"),
    pytest.param(date(2025, 7, 4), ENG, date(2025, 8, 4), id="first Monday of August is working in England"),
    # Fri 15 May 2026 -> Mon 15 Jun 2026: one-off Scottish bank holiday proclaimed in 2026.
    pytest.param(
        date(2026, 5, 15), SCT, date(2026, 6, 16), id="proclaimed one-off Scottish holiday -> Tuesday"
    ),
    # Wed 25 Nov 2026 -> Fri 25 Dec 2026; Boxing Day Sat 26 has its substitute on Mon 28.
    pytest.param(
        date(2026, 11, 25),
        ENG,
        date(2026, 12, 29),
        id="Christmas Day 2026 -> after the Boxing Day substitute",
    ),
    pytest.param(date(2026, 11, 25), SCT, date(2026, 12, 29), id="Christmas 2026 in Scotland -> 29 Dec"),
    # Sat 27 Nov 2027 -> Mon 27 Dec 2027, substitute for Christmas Day (Sat 25), then Tue 28 for Boxing Day.
    pytest.param(date(2027, 11, 27), ENG, date(2027, 12, 29), id="Christmas 2027 substitute days -> 29 Dec"),
]


@pytest.mark.parametrize(("received", "nation", "expected"), SAR_MONTH_ENDS + SAR_WEEKENDS_AND_BANK_HOLIDAYS)
def test_sar_due_date(received: date, nation: str, expected: date) -> None:
    assert due_date("sar", received, nation=nation) == expected


@pytest.mark.parametrize(
    ("received", "identity_verified", "expected"),
    [
        pytest.param(
            date(2025, 9, 3), date(2025, 9, 10), date(2025, 10, 10), id="clock starts at verification"
        ),
        pytest.param(
            date(2025, 9, 3), date(2025, 9, 3), date(2025, 10, 3), id="verified on the day of receipt"
        ),
        pytest.param(
            date(2025, 9, 3),
            date(2025, 9, 1),
            date(2025, 10, 3),
            id="identity already held, clock starts at receipt",
        ),
        # Verified Sat 31 Jan 2026 -> Sat 28 Feb 2026 -> Mon 2 Mar 2026.
        pytest.param(
            date(2026, 1, 20),
            date(2026, 1, 31),
            date(2026, 3, 2),
            id="verified 31 Jan -> end of Feb -> Monday",
        ),
    ],
)
def test_sar_identity_verified_later_starts_the_clock(
    received: date, identity_verified: date, expected: date
) -> None:
    assert due_date("sar", received, identity_verified=identity_verified, nation=ENG) == expected


@pytest.mark.parametrize(
    ("identity_verified", "fee_paid", "expected"),
    [
        # Received Wed 3 Sep 2025.
        pytest.param(None, date(2025, 9, 15), date(2025, 10, 15), id="clock starts when the fee is paid"),
        pytest.param(date(2025, 9, 10), date(2025, 9, 15), date(2025, 10, 15), id="fee paid after identity"),
        pytest.param(date(2025, 9, 10), date(2025, 9, 5), date(2025, 10, 10), id="identity after the fee"),
    ],
)
def test_sar_starts_at_the_latest_of_receipt_identity_and_fee(
    identity_verified: date | None, fee_paid: date, expected: date
) -> None:
    due = due_date(
        "sar", date(2025, 9, 3), identity_verified=identity_verified, fee_paid=fee_paid, nation=ENG
    )
    assert due == expected


@pytest.mark.parametrize(
    ("received", "identity_verified", "expected"),
    [
        pytest.param(date(2025, 9, 3), None, date(2025, 12, 3), id="3 Sep -> 3 Dec"),
        # Sun 30 Nov 2025 -> 28 Feb 2026 (Sat) -> Mon 2 Mar 2026.
        pytest.param(
            date(2025, 11, 30), None, date(2026, 3, 2), id="30 Nov -> end of Feb a Saturday -> 2 Mar"
        ),
        # Three months in one step, not one month then two: 31 Jan -> 30 Apr, not 28 Apr.
        pytest.param(
            date(2027, 1, 31), None, date(2027, 4, 30), id="31 Jan -> 30 Apr counted from the start"
        ),
        # Fri 25 Sep 2026 -> Fri 25 Dec 2026 -> Tue 29 Dec 2026.
        pytest.param(date(2026, 9, 25), None, date(2026, 12, 29), id="lands on Christmas Day -> 29 Dec"),
        # Fri 31 Oct 2025 -> Sat 31 Jan 2026 -> Mon 2 Feb 2026.
        pytest.param(date(2025, 10, 31), None, date(2026, 2, 2), id="31 Oct -> 31 Jan across the year end"),
        pytest.param(
            date(2025, 9, 1), date(2025, 9, 5), date(2025, 12, 5), id="three months from verification"
        ),
    ],
)
def test_sar_extension_is_three_months_from_the_start(
    received: date, identity_verified: date | None, expected: date
) -> None:
    assert (
        due_date("sar", received, identity_verified=identity_verified, extended=True, nation=ENG) == expected
    )


SAR_PAUSES = [
    # Wed 3 Sep 2025 -> Fri 3 Oct 2025; 5..10 Sep inclusive is 6 days -> Thu 9 Oct 2025.
    pytest.param(
        date(2025, 9, 3), {"pauses": [(date(2025, 9, 5), date(2025, 9, 10))]}, date(2025, 10, 9), id="6 days"
    ),
    # Answered the day it was asked: that day does not count -> Sat 4 Oct -> Mon 6 Oct 2025.
    pytest.param(
        date(2025, 9, 3),
        {"pauses": [(date(2025, 9, 5), date(2025, 9, 5))]},
        date(2025, 10, 6),
        id="same-day answer",
    ),
    # Wed 8 Oct 2025 -> Sat 8 Nov; +2 -> Mon 10 Nov, a working day. Rolling first (Mon 10) then adding
    # would wrongly give Wed 12 Nov.
    pytest.param(
        date(2025, 10, 8),
        {"pauses": [(date(2025, 10, 10), date(2025, 10, 11))]},
        date(2025, 11, 10),
        id="paused days added before the working-day roll",
    ),
    # Mon 2 Feb 2026 -> Mon 2 Mar; 3 + 2 days -> Sat 7 Mar -> Mon 9 Mar 2026.
    pytest.param(
        date(2026, 2, 2),
        {"pauses": [(date(2026, 2, 4), date(2026, 2, 6)), (date(2026, 2, 10), date(2026, 2, 11))]},
        date(2026, 3, 9),
        id="two pauses add up",
    ),
    # 4..8 Feb and 6..10 Feb cover 4..10 Feb: 7 distinct days -> Mon 9 Mar 2026.
    pytest.param(
        date(2026, 2, 2),
        {"pauses": [(date(2026, 2, 4), date(2026, 2, 8)), (date(2026, 2, 6), date(2026, 2, 10))]},
        date(2026, 3, 9),
        id="overlapping pauses count each day once",
    ),
    # Start Mon 8 Sep (identity); only 8..10 Sep count: Wed 8 Oct + 3 = Sat 11 Oct -> Mon 13 Oct 2025.
    pytest.param(
        date(2025, 9, 1),
        {"identity_verified": date(2025, 9, 8), "pauses": [(date(2025, 9, 3), date(2025, 9, 10))]},
        date(2025, 10, 13),
        id="pause before the clock started counts from the start",
    ),
    pytest.param(
        date(2025, 9, 1),
        {"identity_verified": date(2025, 9, 8), "pauses": [(date(2025, 9, 2), date(2025, 9, 4))]},
        date(2025, 10, 8),
        id="pause ended before the clock started adds nothing",
    ),
    pytest.param(
        date(2025, 9, 3),
        {"pauses": [(date(2025, 10, 6), date(2025, 10, 8))]},
        date(2025, 10, 3),
        id="pause asked after the period ended adds nothing",
    ),
    # Asked and answered Fri 3 Oct, the last day: Sat 4 Oct -> Mon 6 Oct 2025.
    pytest.param(
        date(2025, 9, 3),
        {"pauses": [(date(2025, 10, 3), date(2025, 10, 3))]},
        date(2025, 10, 6),
        id="pause asked on the last day still counts",
    ),
    # Still awaited: 5..12 Sep is 8 days -> Sat 11 Oct -> Mon 13 Oct 2025.
    pytest.param(
        date(2025, 9, 3),
        {"pauses": [(date(2025, 9, 5), None)], "today": date(2025, 9, 12)},
        date(2025, 10, 13),
        id="open pause counts up to today",
    ),
    pytest.param(
        date(2025, 9, 3),
        {"pauses": [(date(2025, 9, 5), None)], "today": date(2025, 9, 5)},
        date(2025, 10, 6),
        id="open pause asked today counts one day",
    ),
    # Wed 3 Dec 2025 + 6 -> Tue 9 Dec 2025.
    pytest.param(
        date(2025, 9, 3),
        {"extended": True, "pauses": [(date(2025, 9, 5), date(2025, 9, 10))]},
        date(2025, 12, 9),
        id="pause also lengthens an extended period",
    ),
    # Fri 20 Nov 2026 -> Sun 20 Dec; +5 -> Fri 25 Dec -> Tue 29 Dec 2026.
    pytest.param(
        date(2026, 11, 20),
        {"pauses": [(date(2026, 11, 23), date(2026, 11, 27))]},
        date(2026, 12, 29),
        id="pause pushes the date onto Christmas -> rolled past it",
    ),
]


@pytest.mark.parametrize(("received", "keywords", "expected"), SAR_PAUSES)
def test_sar_clarification_pauses(received: date, keywords: dict[str, Any], expected: date) -> None:
    assert due_date("sar", received, nation=ENG, **keywords) == expected


def test_sar_open_pause_moves_the_date_one_day_per_day_waiting() -> None:
    received = date(2026, 2, 2)
    dates = [
        due_date("sar", received, nation=ENG, pauses=[(date(2026, 2, 4), None)], today=date(2026, 2, day))
        for day in (4, 5, 6)
    ]
    # Mon 2 Mar + 1, 2, 3 days: Tue 3, Wed 4, Thu 5 Mar 2026.
    assert dates == [date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)]


# --- FOI and EIR: the 20th working day after receipt, UK-wide working days --------------------------

FOI_CASES = [
    pytest.param(date(2025, 9, 3), {}, date(2025, 10, 1), id="Wed 3 Sep -> Wed 1 Oct, no holidays"),
    pytest.param(date(2025, 9, 5), {}, date(2025, 10, 3), id="received Friday: Monday is day 1"),
    pytest.param(
        date(2025, 9, 6), {}, date(2025, 10, 3), id="received Saturday: same as Friday, receipt not counted"
    ),
    pytest.param(date(2025, 9, 7), {}, date(2025, 10, 3), id="received Sunday: Monday is day 1"),
    pytest.param(
        date(2025, 8, 25), {}, date(2025, 9, 22), id="received on a bank holiday: next day is day 1"
    ),
    pytest.param(date(2025, 8, 22), {}, date(2025, 9, 22), id="Friday before a bank holiday Monday"),
    pytest.param(date(2025, 8, 26), {}, date(2025, 9, 23), id="received the day after a bank holiday"),
    # Mon 4 Aug 2025 is a bank holiday only in Scotland; it still does not count for FOI in England.
    pytest.param(date(2025, 8, 1), {}, date(2025, 9, 2), id="Scottish August holiday counted UK-wide"),
    pytest.param(date(2025, 8, 4), {}, date(2025, 9, 2), id="received on the Scottish August holiday"),
    # Mon 1 Dec 2025 (Scottish St Andrew's substitute) receipt; Christmas and Boxing Day skipped.
    pytest.param(date(2025, 12, 1), {}, date(2025, 12, 31), id="Christmas and Boxing Day 2025 skipped"),
    # 1 Jan 2026 and the Scottish 2 Jan 2026 both skipped: Tue 13 Jan rather than Mon 12 Jan.
    pytest.param(date(2025, 12, 10), {}, date(2026, 1, 13), id="Scottish 2 January counted UK-wide"),
    # Christmas Fri 25 Dec 2026, Boxing Day substitute Mon 28, New Year Fri 1 Jan 2027 and the Scottish
    # substitute for 2 January on Mon 4 Jan 2027.
    pytest.param(
        date(2026, 12, 11), {}, date(2027, 1, 14), id="Christmas 2026 and Scottish New Year substitutes"
    ),
    pytest.param(date(2026, 3, 25), {}, date(2026, 4, 24), id="Good Friday and Easter Monday 2026 skipped"),
    # St Patrick's Day Wed 17 Mar 2027, Good Friday 26 Mar, Easter Monday 29 Mar.
    pytest.param(date(2027, 3, 15), {}, date(2027, 4, 15), id="St Patrick's Day and Easter 2027 skipped"),
    pytest.param(date(2026, 3, 2), {}, date(2026, 3, 31), id="NI St Patrick's Day counted UK-wide"),
    pytest.param(date(2027, 6, 28), {}, date(2027, 7, 27), id="NI 12 July counted UK-wide"),
    pytest.param(date(2026, 6, 22), {}, date(2026, 7, 21), id="NI 12 July substitute Monday counted UK-wide"),
    pytest.param(date(2026, 11, 16), {}, date(2026, 12, 15), id="Scottish St Andrew's Day counted UK-wide"),
    # Clarified Mon 15 Sep 2025: count restarts, 16 Sep is day 1.
    pytest.param(
        date(2025, 9, 3), {"clarified": date(2025, 9, 15)}, date(2025, 10, 13), id="clarification restarts"
    ),
    pytest.param(
        date(2025, 9, 3), {"clarified": date(2025, 9, 13)}, date(2025, 10, 10), id="clarified on a Saturday"
    ),
    pytest.param(
        date(2025, 9, 3), {"clarified": date(2025, 9, 3)}, date(2025, 10, 1), id="clarified on receipt day"
    ),
    pytest.param(
        date(2025, 9, 3), {"extended": True}, date(2025, 10, 1), id="public interest extension: same date"
    ),
]


@pytest.mark.parametrize(("received", "keywords", "expected"), FOI_CASES)
def test_foi_due_date(received: date, keywords: dict[str, Any], expected: date) -> None:
    assert due_date("foi", received, nation=ENG, **keywords) == expected


@pytest.mark.parametrize("nation", [ENG, WLS, SCT, NIR])
def test_foi_ignores_the_organisations_nation(nation: str) -> None:
    # Easter 2026, St Patrick's Day: the same date whichever nation the organisation is in.
    assert due_date("foi", date(2026, 3, 2), nation=nation) == date(2026, 3, 31)
    assert due_date("foi", date(2026, 3, 25), nation=nation) == date(2026, 4, 24)


EIR_CASES = [
    pytest.param(date(2025, 9, 3), {}, date(2025, 10, 1), id="20 working days like FOI"),
    pytest.param(date(2025, 9, 3), {"extended": True}, date(2025, 10, 29), id="extended to 40 working days"),
    # 20th working day Wed 31 Dec 2025; then 1 and 2 Jan skipped; 40th is Fri 30 Jan 2026.
    pytest.param(
        date(2025, 12, 1), {"extended": True}, date(2026, 1, 30), id="40 working days over New Year"
    ),
    pytest.param(date(2026, 12, 11), {}, date(2027, 1, 14), id="Christmas and Scottish New Year as FOI"),
    pytest.param(
        date(2025, 9, 3),
        {"clarified": date(2025, 9, 15)},
        date(2025, 10, 13),
        id="particulars restart the count",
    ),
]


@pytest.mark.parametrize(("received", "keywords", "expected"), EIR_CASES)
def test_eir_due_date(received: date, keywords: dict[str, Any], expected: date) -> None:
    assert due_date("eir", received, nation=ENG, **keywords) == expected


# --- what the page shows ---------------------------------------------------------------------------------


def test_working_explains_a_clamped_month_and_a_weekend_roll() -> None:
    working = deadline_working("sar", date(2027, 1, 31), nation=ENG)

    assert working.kind is RequestKind.SAR
    assert working.nation is Nation.ENGLAND
    assert working.start == date(2027, 1, 31)
    assert "day one" in working.start_reason
    assert "UK GDPR Art 12(3)" in working.rule
    assert working.steps == (
        "Sun 31 Jan 2027 + 1 month -> Sun 28 Feb 2027 "
        "(February 2027 has no 31st, so the last day of the month)",
        "Sun 28 Feb 2027 is not a working day in England -> next working day Mon 1 Mar 2027",
    )
    assert [str(skipped) for skipped in working.skipped] == ["Sun 28 Feb 2027: Sunday"]
    assert working.due == date(2027, 3, 1)


def test_working_names_substitute_bank_holidays_for_the_nation() -> None:
    working = deadline_working("sar", date(2027, 11, 27), nation=ENG)

    assert [(s.day, s.reason) for s in working.skipped] == [
        (date(2027, 12, 27), "substitute day for Christmas Day (England)"),
        (date(2027, 12, 28), "substitute day for Boxing Day (England)"),
    ]


def test_working_names_the_nation_whose_holiday_counts_uk_wide_for_foi() -> None:
    working = deadline_working("foi", date(2026, 11, 16), nation=ENG)

    assert working.nation is None
    assert "s10(1)" in working.rule
    assert "any part of the UK" in working.rule
    assert working.steps == ("20th working day after Mon 16 Nov 2026 -> Tue 15 Dec 2026",)
    reasons = {s.day: s.reason for s in working.skipped}
    assert reasons[date(2026, 11, 30)] == "Saint Andrew's Day (Scotland, counted UK-wide for FOI)"
    assert reasons[date(2026, 11, 21)] == "Saturday"
    assert reasons[date(2026, 11, 22)] == "Sunday"
    assert len(working.skipped) == 9


def test_working_marks_holidays_shared_by_every_nation() -> None:
    working = deadline_working("foi", date(2025, 12, 10), nation=ENG)

    reasons = {s.day: s.reason for s in working.skipped}
    assert reasons[date(2025, 12, 25)] == "Christmas Day (all UK nations)"
    assert reasons[date(2026, 1, 2)] == "New Year Holiday (Scotland, counted UK-wide for FOI)"


def test_working_names_holidays_of_several_nations() -> None:
    working = deadline_working("eir", date(2026, 4, 1), nation=ENG)

    reasons = {s.day: s.reason for s in working.skipped}
    assert reasons[date(2026, 4, 6)] == (
        "Easter Monday (England, Wales and Northern Ireland, counted UK-wide for EIR)"
    )


def test_working_explains_a_foi_receipt_on_a_non_working_day() -> None:
    working = deadline_working("foi", date(2025, 9, 6), nation=ENG)

    assert "never counted" in working.start_reason
    assert "not a working day (Saturday)" in working.start_reason
    assert working.skipped[0].day == date(2025, 9, 7)


def test_working_explains_the_identity_start() -> None:
    working = deadline_working("sar", date(2025, 9, 3), identity_verified=date(2025, 9, 10), nation=ENG)

    assert working.received == date(2025, 9, 3)
    assert working.start == date(2025, 9, 10)
    assert working.start_reason == (
        "Request received on Wed 3 Sep 2025; identity evidence received on Wed 10 Sep 2025: "
        "the clock starts at the latest of these, Wed 10 Sep 2025, which is day one (Art 12A)."
    )


def test_working_explains_identity_already_held() -> None:
    working = deadline_working("sar", date(2025, 9, 3), identity_verified=date(2025, 9, 1), nation=ENG)

    assert working.start == date(2025, 9, 3)
    assert working.start_reason.endswith("so the clock starts at receipt.")


def test_working_lists_each_pause_and_the_days_added() -> None:
    working = deadline_working(
        "sar",
        date(2025, 9, 1),
        identity_verified=date(2025, 9, 8),
        nation=ENG,
        pauses=[(date(2025, 9, 3), date(2025, 9, 10)), (date(2025, 9, 2), date(2025, 9, 4))],
    )

    assert [(p.asked, p.days_added) for p in working.pauses] == [
        (date(2025, 9, 2), 0),
        (date(2025, 9, 3), 3),
    ]
    assert working.pauses[0].explanation == "Entirely before the clock started; adds nothing."
    assert "Mon 8 Sep 2025 to Wed 10 Sep 2025 inclusive" in working.pauses[1].explanation
    assert working.days_added == 3
    assert "Wed 8 Oct 2025 + 3 paused days -> Sat 11 Oct 2025" in working.steps
    assert working.clock_stopped is None
    assert working.due == date(2025, 10, 13)


def test_working_shows_an_open_pause_as_clock_stopped() -> None:
    working = deadline_working(
        "sar", date(2025, 9, 3), nation=ENG, pauses=[(date(2025, 9, 5), None)], today=date(2025, 9, 12)
    )

    assert working.clock_stopped is not None
    assert working.clock_stopped.since == date(2025, 9, 5)
    assert working.clock_stopped.days_so_far == 8
    assert any("Clock stopped since Fri 5 Sep 2025" in note for note in working.notes)
    assert working.pauses[0].answered is None


def test_an_open_pause_asked_after_the_period_ended_does_not_stop_the_clock() -> None:
    working = deadline_working(
        "sar", date(2025, 9, 3), nation=ENG, pauses=[(date(2025, 10, 6), None)], today=date(2025, 10, 8)
    )

    assert working.clock_stopped is None
    assert working.pauses[0].days_added == 0
    assert "does not stop the clock" in working.pauses[0].explanation
    assert working.due == date(2025, 10, 3)


def test_working_notes_that_a_foi_public_interest_extension_keeps_the_date() -> None:
    working = deadline_working("foi", date(2025, 9, 3), extended=True, nation=ENG)

    assert working.due == date(2025, 10, 1)
    assert any("s10(3)" in note and "s17(2)" in note for note in working.notes)


def test_working_cites_the_eir_extension() -> None:
    working = deadline_working("eir", date(2025, 9, 3), extended=True, nation=ENG)

    assert "reg 7(1)" in working.rule
    assert working.steps == ("40th working day after Wed 3 Sep 2025 -> Wed 29 Oct 2025",)


def test_working_notes_the_sar_extension_must_be_notified() -> None:
    working = deadline_working("sar", date(2025, 9, 3), nation=ENG, extended=True)

    assert "Three calendar months" in working.rule
    assert any("within the first month" in note for note in working.notes)


def test_due_date_is_the_working_due() -> None:
    keywords: dict[str, Any] = {"nation": SCT, "pauses": [(date(2025, 11, 3), date(2025, 11, 5))]}
    assert (
        due_date("sar", date(2025, 10, 31), **keywords)
        == deadline_working("sar", date(2025, 10, 31), **keywords).due
    )


# --- accepted and rejected arguments ---------------------------------------------------------------------


class _DjangoStyleChoice(StrEnum):
    # Stands in for a Django TextChoices member: another str-valued enum with the same values.
    SAR = "sar"
    SCOTLAND = "scotland"


def test_kind_and_nation_accept_enums_and_str_subclasses() -> None:
    expected = date(2025, 12, 2)
    assert due_date(RequestKind.SAR, date(2025, 10, 31), nation=Nation.SCOTLAND) == expected
    assert (
        due_date(_DjangoStyleChoice.SAR, date(2025, 10, 31), nation=_DjangoStyleChoice.SCOTLAND) == expected
    )


@pytest.mark.parametrize("kind", ["dsar", "FOI ", "", "subject access"])
def test_unknown_kind_is_rejected_with_the_choices(kind: str) -> None:
    with pytest.raises(ValueError, match=r"Unknown request kind .*'sar', 'foi', 'eir'"):
        due_date(kind, date(2025, 9, 3), nation=ENG)


@pytest.mark.parametrize("kind", ["sar", "foi"])
def test_unknown_nation_is_rejected_even_where_unused(kind: str) -> None:
    with pytest.raises(ValueError, match=r"Unknown nation 'Scotland'.*'northern_ireland'"):
        due_date(kind, date(2025, 9, 3), nation="Scotland")


@pytest.mark.parametrize("value", [datetime(2025, 9, 3, 9, 30), "2025-09-03"], ids=["datetime", "ISO string"])
def test_received_must_be_a_plain_date(value: Any) -> None:
    with pytest.raises(TypeError, match="localdate"):
        due_date("foi", value, nation=ENG)


def test_sar_rejects_clarified_and_points_to_pauses() -> None:
    with pytest.raises(ValueError, match=r"pauses="):
        due_date("sar", date(2025, 9, 3), clarified=date(2025, 9, 10), nation=ENG)


@pytest.mark.parametrize("kind", ["foi", "eir"])
def test_foi_and_eir_reject_identity_verified(kind: str) -> None:
    with pytest.raises(ValueError, match=r"identity_verified= does not apply"):
        due_date(kind, date(2025, 9, 3), identity_verified=date(2025, 9, 10), nation=ENG)


@pytest.mark.parametrize("kind", ["foi", "eir"])
def test_foi_and_eir_reject_fee_paid(kind: str) -> None:
    with pytest.raises(ValueError, match=r"fee_paid= does not apply.*s10\(2\)"):
        due_date(kind, date(2025, 9, 3), fee_paid=date(2025, 9, 10), nation=ENG)


@pytest.mark.parametrize("kind", ["foi", "eir"])
def test_foi_and_eir_reject_pauses_and_point_to_clarified(kind: str) -> None:
    with pytest.raises(ValueError, match=r"clarified="):
        due_date(kind, date(2025, 9, 3), pauses=[(date(2025, 9, 5), date(2025, 9, 8))], nation=ENG)


def test_foi_clarification_cannot_precede_receipt() -> None:
    with pytest.raises(ValueError, match="before the request was received"):
        due_date("foi", date(2025, 9, 3), clarified=date(2025, 9, 2), nation=ENG)


@pytest.mark.parametrize(
    ("pauses", "today", "message"),
    [
        pytest.param(
            [(date(2025, 9, 2), date(2025, 9, 4))], None, "before the request was received", id="early"
        ),
        pytest.param(
            [(date(2025, 9, 8), date(2025, 9, 5))], None, "before it was asked", id="answer before ask"
        ),
        pytest.param([(date(2025, 9, 5), None)], None, "pass today=", id="open pause without today"),
        pytest.param(
            [(date(2025, 9, 5), None)], date(2025, 9, 4), "after today", id="open pause in the future"
        ),
        pytest.param(
            [(date(2025, 9, 5), date(2025, 9, 12))],
            date(2025, 9, 10),
            "after today",
            id="answered in the future",
        ),
        pytest.param(
            [(date(2025, 9, 5), None), (date(2025, 9, 8), None)],
            date(2025, 9, 10),
            "latest",
            id="two open pauses",
        ),
        pytest.param(
            [(date(2025, 9, 5), None), (date(2025, 9, 8), date(2025, 9, 9))],
            date(2025, 9, 10),
            "latest",
            id="open pause followed by a closed one",
        ),
    ],
)
def test_inconsistent_pauses_are_rejected(
    pauses: list[tuple[date, date | None]], today: date | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        due_date("sar", date(2025, 9, 3), nation=ENG, pauses=pauses, today=today)


def test_today_is_ignored_when_no_clarification_is_awaited() -> None:
    assert due_date("sar", date(2025, 9, 3), nation=ENG, today=date(2025, 9, 20)) == date(2025, 10, 3)


# --- helpers for reminders -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind", "nation", "expected"),
    [
        pytest.param(date(2026, 4, 6), "sar", ENG, False, id="Easter Monday, SAR in England"),
        pytest.param(date(2026, 4, 6), "sar", SCT, True, id="Easter Monday, SAR in Scotland"),
        pytest.param(date(2026, 4, 6), "foi", SCT, False, id="Easter Monday, FOI anywhere"),
        pytest.param(date(2026, 1, 2), "sar", ENG, True, id="2 January, SAR in England"),
        pytest.param(date(2026, 1, 2), "foi", ENG, False, id="2 January, FOI"),
        pytest.param(date(2026, 3, 17), "eir", ENG, False, id="St Patrick's Day, EIR"),
        pytest.param(date(2026, 3, 17), "sar", WLS, True, id="St Patrick's Day, SAR in Wales"),
        pytest.param(date(2025, 12, 1), "sar", SCT, False, id="St Andrew's substitute, SAR in Scotland"),
        pytest.param(date(2025, 11, 29), "foi", ENG, False, id="a Saturday"),
        pytest.param(date(2025, 9, 3), "foi", ENG, True, id="an ordinary Wednesday"),
    ],
)
def test_is_working_day(day: date, kind: str, nation: str, expected: bool) -> None:
    assert is_working_day(day, kind=kind, nation=nation) is expected


def test_working_days_between_counts_after_start_up_to_end() -> None:
    assert working_days_between(date(2025, 9, 3), date(2025, 10, 1), kind="foi", nation=ENG) == 20
    assert working_days_between(date(2025, 9, 3), date(2025, 9, 3), kind="foi", nation=ENG) == 0
    # Fri 26 Sep to Wed 1 Oct 2025: Mon, Tue, Wed.
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 1), kind="foi", nation=ENG) == 3
    assert working_days_between(date(2025, 10, 1), date(2025, 9, 26), kind="foi", nation=ENG) == -3


def test_working_days_between_uses_the_nation_for_sar() -> None:
    # Thu 2 Apr to Tue 7 Apr 2026 over Easter.
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7), kind="sar", nation=ENG) == 1
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7), kind="sar", nation=SCT) == 2


@pytest.mark.parametrize(
    ("day", "count", "kind", "nation", "expected"),
    [
        pytest.param(
            date(2025, 10, 1), -3, "foi", ENG, date(2025, 9, 26), id="3 working days before a FOI due"
        ),
        pytest.param(date(2025, 9, 3), 20, "foi", ENG, date(2025, 10, 1), id="20 working days after receipt"),
        pytest.param(date(2026, 4, 7), -1, "sar", ENG, date(2026, 4, 2), id="back over Easter in England"),
        pytest.param(
            date(2026, 4, 7), -1, "sar", SCT, date(2026, 4, 6), id="back to Easter Monday in Scotland"
        ),
        pytest.param(date(2025, 11, 29), 0, "foi", ENG, date(2025, 11, 29), id="zero leaves the day alone"),
    ],
)
def test_add_working_days(day: date, count: int, kind: str, nation: str, expected: date) -> None:
    assert add_working_days(day, count, kind=kind, nation=nation) == expected


# --- purity ---------------------------------------------------------------------------------------------

_PURE_IMPORT = """
import sys
from datetime import date

from requests_app.deadlines import due_date
from requests_app.deadlines_deceased import deceased_records_due_date
from django.conf import settings

assert due_date("sar", date(2025, 12, 2), nation="scotland") == date(2026, 1, 5)
assert due_date("foi", date(2025, 9, 3), nation="england") == date(2025, 10, 1)
# Wed 3 Sep 2025 is day 1 (AHRA 1990 s3(5)); day 40 is Sun 12 Oct 2025.
assert deceased_records_due_date(date(2025, 9, 3), nation="wales") == date(2025, 10, 12)
assert not settings.configured, "importing the deadline modules configured Django"
loaded = sorted(name for name in sys.modules if name.startswith(("requests_app.models", "django.db")))
assert not loaded, loaded
print("pure")
"""


def test_the_deadline_modules_run_with_django_unconfigured() -> None:
    """No database and no settings: the caller passes the nation, so the module never looks it up."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", _PURE_IMPORT],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "pure"


@pytest.mark.parametrize(
    "call",
    [
        lambda: due_date("sar", date(2025, 9, 3)),  # type: ignore[call-arg]
        lambda: deadline_working("foi", date(2025, 9, 3)),  # type: ignore[call-arg]
        lambda: is_working_day(date(2025, 9, 3), kind="sar"),  # type: ignore[call-arg]
        lambda: add_working_days(date(2025, 9, 3), 1, kind="foi"),  # type: ignore[call-arg]
        lambda: working_days_between(date(2025, 9, 3), date(2025, 9, 4), kind="sar"),  # type: ignore[call-arg]
    ],
    ids=["due_date", "deadline_working", "is_working_day", "add_working_days", "working_days_between"],
)
def test_every_deadline_function_requires_the_nation(call: Callable[[], object]) -> None:
    with pytest.raises(TypeError, match="nation"):
        call()
