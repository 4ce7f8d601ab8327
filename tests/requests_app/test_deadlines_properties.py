"""Properties every deadline must have, over 2020-2035 and every nation.

The month arithmetic is checked against dateutil's ``relativedelta`` (which also clamps to the month's
last day), an implementation independent of the one under test.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.deadlines import (
    Nation,
    add_working_days,
    deadline_working,
    due_date,
    is_working_day,
    working_days_between,
)

# database=None: no .hypothesis directory written into the project; deadline=None: the first example
# of a year builds that year's holiday calendars, which is slower than the cached calls after it.
PROPERTY = settings(max_examples=300, deadline=None, database=None)

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
nations = st.sampled_from(list(Nation))
short_gaps = st.integers(min_value=0, max_value=45)


@st.composite
def pauses(draw: st.DrawFn, received: date) -> list[tuple[date, date | None]]:
    """Closed clarification pauses asked on or after receipt, in any order, possibly overlapping."""
    result: list[tuple[date, date | None]] = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        asked = received + timedelta(days=draw(short_gaps))
        result.append((asked, asked + timedelta(days=draw(st.integers(min_value=0, max_value=20)))))
    return result


# --- FOI and EIR -----------------------------------------------------------------------------------------


@PROPERTY
@given(received=days)
def test_foi_due_is_the_20th_working_day_after_receipt(received: date) -> None:
    due = due_date("foi", received, nation="england")

    assert due > received
    assert is_working_day(due, kind="foi", nation="england")
    assert working_days_between(received, due, kind="foi", nation="england") == 20


@PROPERTY
@given(received=days, wait=short_gaps)
def test_foi_clarification_restarts_the_count(received: date, wait: int) -> None:
    clarified = received + timedelta(days=wait)
    due = due_date("foi", received, clarified=clarified, nation="england")

    assert due > clarified
    assert is_working_day(due, kind="foi", nation="england")
    assert working_days_between(clarified, due, kind="foi", nation="england") == 20
    assert due >= due_date("foi", received, nation="england")


@PROPERTY
@given(received=days, nation=nations)
def test_foi_public_interest_extension_and_nation_never_move_the_date(received: date, nation: Nation) -> None:
    assert due_date("foi", received, extended=True, nation=nation) == due_date(
        "foi", received, nation="england"
    )


@PROPERTY
@given(received=days)
def test_eir_is_20_working_days_and_40_when_extended(received: date) -> None:
    due = due_date("eir", received, nation="england")
    extended = due_date("eir", received, extended=True, nation="england")

    assert due == due_date("foi", received, nation="england")
    assert is_working_day(extended, kind="eir", nation="england")
    assert working_days_between(received, extended, kind="eir", nation="england") == 40
    assert working_days_between(due, extended, kind="eir", nation="england") == 20


# --- SAR -------------------------------------------------------------------------------------------------


def _first_working_day_from(day: date, nation: Nation) -> date:
    while not is_working_day(day, kind="sar", nation=nation):
        day += timedelta(days=1)
    return day


@PROPERTY
@given(received=days, nation=nations, extended=st.booleans())
def test_sar_due_is_the_first_working_day_on_or_after_the_corresponding_date(
    received: date, nation: Nation, extended: bool
) -> None:
    corresponding = received + relativedelta(months=3 if extended else 1)
    due = due_date("sar", received, nation=nation, extended=extended)

    assert due >= corresponding
    assert is_working_day(due, kind="sar", nation=nation)
    assert due == _first_working_day_from(corresponding, nation)
    # No run of non-working days in the UK is longer than four (Christmas on a Saturday, Easter).
    assert (due - corresponding).days <= 4


@PROPERTY
@given(received=days, nation=nations)
def test_sar_extension_is_never_earlier(received: date, nation: Nation) -> None:
    normal = due_date("sar", received, nation=nation)
    extended = due_date("sar", received, nation=nation, extended=True)

    assert extended >= normal
    assert extended >= received + relativedelta(months=3)


@PROPERTY
@given(received=days, nation=nations, wait=short_gaps)
def test_sar_later_identity_evidence_never_brings_the_date_forward(
    received: date, nation: Nation, wait: int
) -> None:
    verified = received + timedelta(days=wait)
    due = due_date("sar", received, identity_verified=verified, nation=nation)

    assert due >= due_date("sar", received, nation=nation)
    assert due == _first_working_day_from(verified + relativedelta(months=1), nation)


@PROPERTY
@given(data=st.data(), received=days, nation=nations, extended=st.booleans())
def test_sar_pauses_never_make_the_date_earlier(
    data: st.DataObject, received: date, nation: Nation, extended: bool
) -> None:
    paused = data.draw(pauses(received))
    without = due_date("sar", received, nation=nation, extended=extended)
    working = deadline_working("sar", received, nation=nation, extended=extended, pauses=paused)

    assert working.due >= without
    assert is_working_day(working.due, kind="sar", nation=nation)
    # Paused days are added to the calendar date and then rolled once, never more than the days paused.
    corresponding = received + relativedelta(months=3 if extended else 1)
    assert working.due == _first_working_day_from(corresponding + timedelta(days=working.days_added), nation)
    distinct_paused_days = {
        asked + timedelta(days=offset)
        for asked, answered in paused
        if answered is not None
        for offset in range((answered - asked).days + 1)
    }
    assert working.days_added <= len(distinct_paused_days)


@PROPERTY
@given(data=st.data(), received=days, nation=nations)
def test_sar_one_more_pause_never_makes_the_date_earlier(
    data: st.DataObject, received: date, nation: Nation
) -> None:
    paused = data.draw(pauses(received))
    extra = data.draw(pauses(received))
    before = due_date("sar", received, nation=nation, pauses=paused)

    assert due_date("sar", received, nation=nation, pauses=paused + extra) >= before


@PROPERTY
@given(received=days, nation=nations, asked_after=short_gaps, waited=short_gaps)
def test_sar_open_pause_moves_the_date_later_each_day_it_stays_open(
    received: date, nation: Nation, asked_after: int, waited: int
) -> None:
    asked = received + timedelta(days=asked_after)
    today = asked + timedelta(days=waited)
    open_pause: list[tuple[date, date | None]] = [(asked, None)]

    stopped_today = due_date("sar", received, nation=nation, pauses=open_pause, today=today)
    stopped_tomorrow = due_date(
        "sar", received, nation=nation, pauses=open_pause, today=today + timedelta(days=1)
    )
    answered_today = due_date("sar", received, nation=nation, pauses=[(asked, today)])

    assert stopped_today == answered_today
    assert stopped_tomorrow >= stopped_today


# --- the reminder helpers agree with each other ----------------------------------------------------------


@PROPERTY
@given(
    day=days,
    count=st.integers(min_value=-30, max_value=30),
    nation=nations,
    kind=st.sampled_from(["sar", "foi"]),
)
def test_add_working_days_and_working_days_between_are_inverse(
    day: date, count: int, nation: Nation, kind: str
) -> None:
    if count < 0:
        # Counting back is meant from a due date, which is a working day; from a Saturday, "one working
        # day before" is the Friday, yet (Friday, Saturday] holds no working day.
        while not is_working_day(day, kind=kind, nation=nation):
            day += timedelta(days=1)
    moved = add_working_days(day, count, kind=kind, nation=nation)

    assert working_days_between(day, moved, kind=kind, nation=nation) == count
    if count:
        assert is_working_day(moved, kind=kind, nation=nation)
