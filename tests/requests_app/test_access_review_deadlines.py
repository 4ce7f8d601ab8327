"""The clocks after a FOI or EIR answer (internal review, asking for one), a FOI request under FOISA, and a
data protection complaint's acknowledgement: properties over many dates, and dates checked by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.deadlines import is_working_day, working_days_between
from requests_app.deadlines_reviews import (
    complaint_working,
    foisa_request_working,
    review_request_deadline,
    review_working,
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
    scottish = regime == "foisa" and original == "foi"
    assert (_scottish if scottish else _uk)(responded, last) == 40
    assert ("FOISA s20(5)" in rule) == scottish


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
