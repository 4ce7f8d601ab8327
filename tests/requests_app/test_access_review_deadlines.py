"""The clocks after a FOI or EIR answer (internal review, asking for one), a FOI request under FOISA, and a
data protection complaint's acknowledgement: properties over many dates, and dates checked by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.deadlines import deadline_working, is_working_day, working_days_between
from requests_app.deadlines_reviews import (
    complaint_working,
    eisr_request_working,
    fee_lapses_on,
    foisa_request_working,
    review_request_deadline,
    review_working,
    with_fee_notices,
    working_days_counted,
)

# As in test_deadlines_properties: the first example of a year builds its holiday calendars (slow).
PROPERTY = settings(max_examples=200, deadline=None, database=None)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
nations = st.sampled_from(["england", "wales", "scotland", "northern_ireland"])


def _uk(start: date, end: date) -> int:
    return working_days_between(start, end, kind="foi", nation="england")


def _scottish(start: date, end: date) -> int:
    return working_days_between(start, end, kind="sar", nation="scotland")


@PROPERTY
@given(received=days, extended=st.booleans())
def test_a_foia_review_is_due_on_the_20th_working_day_or_the_40th_at_most(
    received: date, extended: bool
) -> None:
    due = review_working(received, original_kind="foi", regime="foia", extended=extended).due
    assert _uk(received, due) == (40 if extended else 20)
    assert is_working_day(due, kind="foi", nation="england")


@PROPERTY
@given(received=days)
def test_an_eir_reconsideration_is_due_on_the_40th_working_day(received: date) -> None:
    due = review_working(received, original_kind="eir", regime="foia").due
    assert _uk(received, due) == 40
    with pytest.raises(ValueError, match="reg 11"):
        review_working(received, original_kind="eir", regime="foia", extended=True)


@PROPERTY
@given(received=days)
def test_a_foisa_review_and_request_count_20_scottish_working_days(received: date) -> None:
    review = review_working(received, original_kind="foi", regime="foisa").due
    request = foisa_request_working(received).due
    assert review == request
    assert _scottish(received, review) == 20
    assert is_working_day(review, kind="sar", nation="scotland")
    with pytest.raises(ValueError, match="s21"):
        review_working(received, original_kind="foi", regime="foisa", extended=True)


@PROPERTY
@given(responded=days, regime=st.sampled_from(["foia", "foisa"]), original=st.sampled_from(["foi", "eir"]))
def test_the_requester_has_40_working_days_to_ask_for_a_review(
    responded: date, regime: str, original: str
) -> None:
    last, rule = review_request_deadline(responded, original_kind=original, regime=regime)
    scottish = regime == "foisa"
    assert (_scottish if scottish else _uk)(responded, last) == 40
    assert ("FOISA s20(5)" in rule) == (scottish and original == "foi")
    # Under FOISA an EIR answer is an EISR answer: reg 16(2), on the Scottish calendar.
    assert ("EISR 2004 reg 16(2)" in rule) == (scottish and original == "eir")


@PROPERTY
@given(received=days, nation=nations)
def test_a_complaint_is_acknowledged_by_the_30th_day_or_the_next_working_day(
    received: date, nation: str
) -> None:
    due = complaint_working(received, nation=nation).due
    thirtieth = received + timedelta(days=30)
    assert due >= thirtieth and is_working_day(due, kind="sar", nation=nation)
    # Every day passed over between the 30th and the due date is a day off.
    assert all(
        not is_working_day(thirtieth + timedelta(n), kind="sar", nation=nation)
        for n in range((due - thirtieth).days)
    )


@pytest.mark.parametrize(
    ("received", "regime", "expected"),
    [
        # St Andrew's Day (Monday 30 November 2026) is a Scottish bank holiday only.
        (date(2026, 11, 27), "foisa", date(2026, 12, 30)),
        # Over Christmas: 2 January 2027 falls on a Saturday; Scotland's substitute day is Monday 4 January,
        # which FOIA's UK-wide calendar skips too (a bank holiday in any part of the UK).
        (date(2026, 12, 14), "foia", date(2027, 1, 15)),
        (date(2026, 12, 14), "foisa", date(2027, 1, 15)),
    ],
)
def test_review_dates_checked_by_hand(received: date, regime: str, expected: date) -> None:
    assert review_working(received, original_kind="foi", regime=regime).due == expected


def test_a_foia_request_does_not_skip_st_andrews_day_but_foisa_does() -> None:
    from requests_app.deadlines import deadline_working

    received = date(2026, 11, 27)
    foia = deadline_working("foi", received, nation="scotland").due
    assert foia == date(2026, 12, 30)  # UK-wide: St Andrew's Day is a Scottish bank holiday, so skipped too
    assert foisa_request_working(received).due == date(2026, 12, 30)
    # A complaint received on Friday 2 October 2026: the 30th day is Sunday 1 November, so Monday 2 November.
    assert complaint_working(date(2026, 10, 2), nation="england").due == date(2026, 11, 2)


# --- the Environmental Information (Scotland) Regulations 2004 ------------------------------------------


@PROPERTY
@given(received=days, extended=st.booleans(), clarified_after=st.one_of(st.none(), st.integers(0, 60)))
def test_an_eisr_request_counts_20_scottish_working_days_or_40_when_extended(
    received: date, extended: bool, clarified_after: int | None
) -> None:
    clarified = None if clarified_after is None else received + timedelta(days=clarified_after)
    working = eisr_request_working(received, clarified=clarified, extended=extended)
    start = clarified or received
    assert _scottish(start, working.due) == (40 if extended else 20)
    assert is_working_day(working.due, kind="sar", nation="scotland")
    assert ("reg 7(1)" in working.rule) == extended and "reg 5(2)(a)" in working.rule
    assert working.kind == "eir" and working.received == received


@PROPERTY
@given(received=days)
def test_an_eisr_review_is_due_in_20_scottish_working_days_and_cannot_be_extended(received: date) -> None:
    working = review_working(received, original_kind="eir", regime="foisa")
    assert _scottish(received, working.due) == 20 and "reg 16(4)" in working.rule
    with pytest.raises(ValueError, match="reg 16"):
        review_working(received, original_kind="eir", regime="foisa", extended=True)


def test_eisr_dates_checked_by_hand() -> None:
    # Received Friday 27 November 2026: St Andrew's Day (Monday 30 November) is skipped in Scotland;
    # 20 working days from Tuesday 1 December, with Christmas Day (Friday) and Boxing Day's substitute
    # (Monday 28 December) skipped, end on Wednesday 30 December.
    assert eisr_request_working(date(2026, 11, 27)).due == date(2026, 12, 30)
    # The UK EIR on the same day: the same date, because St Andrew's Day is a bank holiday in part of the
    # UK; the 40-day extension under each.
    assert deadline_working("eir", date(2026, 11, 27), nation="england").due == date(2026, 12, 30)
    # Received Monday 2 March 2026: the UK calendar skips St Patrick's Day (17 March); Scotland's does not.
    assert eisr_request_working(date(2026, 3, 2)).due == date(2026, 3, 30)
    assert deadline_working("eir", date(2026, 3, 2), nation="scotland").due == date(2026, 3, 31)
    # Extended: Good Friday (3 April) is a Scottish bank holiday, Easter Monday (6 April) is not.
    assert eisr_request_working(date(2026, 3, 2), extended=True).due == date(2026, 4, 28)


# --- a FOI fees notice stops the count (FOIA s10(2); FOISA s10(2)) and lapses (s9(2); FOISA s9(4)) -------


@PROPERTY
@given(
    received=days,
    regime=st.sampled_from(["foia", "foisa"]),
    given_after=st.integers(0, 40),
    paid_after=st.integers(0, 120),
)
def test_a_fees_notice_disregards_the_working_days_until_the_fee_arrives(
    received: date, regime: str, given_after: int, paid_after: int
) -> None:
    base = (
        foisa_request_working(received)
        if regime == "foisa"
        else deadline_working("foi", received, nation="england")
    )
    given_on = received + timedelta(days=given_after)
    paid_on = given_on + timedelta(days=paid_after)
    working = with_fee_notices(base, regime=regime, fee_notices=[(given_on, paid_on)])
    count = _scottish if regime == "foisa" else _uk
    in_window = working_days_counted(
        max(received, given_on - timedelta(days=1)), min(paid_on, working.due), regime=regime
    )
    # Twenty working days are counted, none of them between the notice and the payment.
    assert count(received, working.due) - max(in_window, 0) == 20
    assert working.due >= base.due
    assert (working.due == base.due) == (given_on > base.due or in_window <= 0)
    # Paid later, never due earlier.
    later = with_fee_notices(base, regime=regime, fee_notices=[(given_on, paid_on + timedelta(days=1))])
    assert later.due >= working.due


@PROPERTY
@given(notified=days)
def test_a_fee_lapses_the_day_after_three_months_beginning_with_the_notice(notified: date) -> None:
    lapses = fee_lapses_on(notified)
    assert 89 <= (lapses - notified).days <= 92
    # The period is three calendar months: the lapse falls on the corresponding day, or on the 1st of the
    # month after when that month is too short.
    assert lapses.day == notified.day or (lapses.day == 1 and notified.day > 28)


def test_fees_checked_by_hand() -> None:
    received, given_on, paid_on = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 13)
    # FOIA: due Tuesday 31 March; five working days disregarded move it past Easter (Good Friday and Easter
    # Monday) to Thursday 9 April.
    foia = deadline_working("foi", received, nation="england")
    assert foia.due == date(2026, 3, 31)
    paid = with_fee_notices(foia, regime="foia", fee_notices=[(given_on, paid_on)])
    assert paid.due == date(2026, 4, 9) and "FOIA s10(2)" in paid.steps[-1]
    # FOISA: due Monday 30 March; five days on, skipping only Good Friday, is Tuesday 7 April.
    foisa = foisa_request_working(received)
    assert foisa.due == date(2026, 3, 30)
    assert with_fee_notices(foisa, regime="foisa", fee_notices=[(given_on, paid_on)]).due == date(2026, 4, 7)
    # Still awaited on Friday 20 March: shown as if paid that day. Nine working days disregarded (St
    # Patrick's Day, 17 March, is not one on the UK-wide calendar), so Wednesday 15 April.
    waiting = with_fee_notices(foia, regime="foia", fee_notices=[(given_on, None)], today=date(2026, 3, 20))
    assert waiting.due == date(2026, 4, 15)
    with pytest.raises(ValueError, match="today="):
        with_fee_notices(foia, regime="foia", fee_notices=[(given_on, None)])
    with pytest.raises(ValueError, match="before it was asked for"):
        with_fee_notices(foia, regime="foia", fee_notices=[(given_on, date(2026, 3, 8))])
    # Three months beginning with 10 January: paid by 9 April, lapsed on 10 April. From 30 November 2027,
    # February 2028 has no 30th: the period ends on 29 February and the request lapses on 1 March.
    assert fee_lapses_on(date(2026, 1, 10)) == date(2026, 4, 10)
    assert fee_lapses_on(date(2027, 11, 30)) == date(2028, 3, 1)
