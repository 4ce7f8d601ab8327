"""Deadlines of the clocks that follow a FOI or EIR answer, and of a FOI request under FOISA.

Pure, like ``requests_app.deadlines`` (whose working-day arithmetic it uses): every date and the
organisation's FOI regime come in as arguments.

- **Internal review under FOIA**: no statutory limit; the section 45 Code of Practice (2018, part 5)
  and the ICO expect 20 working days, and no more than 40 in exceptional cases (``extended``).
- **Reconsideration under the EIR**: no later than 40 working days after the representations are received
  (EIR 2004 reg 11(4)); there is no extension.
- **Review under FOISA**: 20 working days after the requirement for review is received (FOISA s21(1)).
- **Asking for a review**: the requester has 40 working days after the response (FOISA s20(5); EIR reg
  11(2); under FOIA the Code's expectation, which is not a statutory bar).
- **A FOI request under FOISA**: the 20th working day after receipt (FOISA s10(1)).
- **An EIR request under FOISA** follows the Environmental Information (Scotland) Regulations 2004:
  the 20th working day after receipt (reg 5(2)(a)), extendable to the 40th where the volume and
  complexity of the information make 20 impracticable (reg 7(1)); a review within 20 working days of the
  representations (reg 16(4)), which the requester makes within 40 working days (reg 16(2)).
- **A fees notice on a FOI request** stops the count: the working days from the day the notice is given
  to the day the fee is received are disregarded (FOIA s10(2); FOISA s10(2)), and the request lapses if
  the fee is not paid within three months beginning with the day the notice is given (FOIA s9(2);
  FOISA s9(4)).

Working days: under FOIA and the EIR the UK-wide calendar of FOIA s10(6); under FOISA, s73: every day
but Saturdays, Sundays, Christmas Day and Scottish bank holidays (the holidays package's Scottish
calendar, which includes Christmas Day).
"""

from __future__ import annotations

import calendar as _calendar_module
import dataclasses
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

from igportal.dates import long_date as _fmt
from requests_app.deadlines import (
    RequestKind,
    SkippedDay,
    Working,
    add_working_days,
    is_working_day,
)

__all__ = [
    "REVIEW_ASK_WORKING_DAYS",
    "REVIEW_MAX_WORKING_DAYS",
    "REVIEW_WORKING_DAYS",
    "complaint_working",
    "eisr_request_working",
    "fee_lapses_on",
    "foisa_request_working",
    "review_request_deadline",
    "review_working",
    "with_fee_notices",
]

REVIEW_WORKING_DAYS: Final = 20
REVIEW_MAX_WORKING_DAYS: Final = 40
REVIEW_ASK_WORKING_DAYS: Final = 40

_UK_CALENDAR = (
    "working days exclude Saturdays, Sundays, Christmas Day, Good Friday and bank holidays in any part of "
    "the UK (FOIA s10(6))"
)
_SCOTTISH_CALENDAR = (
    "working days exclude Saturdays, Sundays, Christmas Day and Scottish bank holidays (FOISA s73)"
)


def _calendar(regime: str) -> tuple[str, str, str]:
    """(kind, nation, sentence) to hand ``add_working_days``: the SAR calendar of Scotland is FOISA's."""
    if regime == "foisa":
        return RequestKind.SAR, "scotland", _SCOTTISH_CALENDAR
    if regime == "foia":
        return RequestKind.FOI, "england", _UK_CALENDAR
    raise ValueError(f"Unknown FOI regime {regime!r}: expected 'foia' or 'foisa'.")


def _working(
    start: date, count: int, *, regime: str, start_reason: str, rule: str, notes: tuple[str, ...]
) -> Working:
    kind, nation, _ = _calendar(regime)
    due = add_working_days(start, count, kind=kind, nation=nation)
    skipped = tuple(
        SkippedDay(day, "not a working day")
        for day in (start + timedelta(offset) for offset in range(1, (due - start).days))
        if not is_working_day(day, kind=kind, nation=nation)
    )
    return Working(
        kind=RequestKind.FOI,
        nation=None,
        received=start,
        start=start,
        start_reason=start_reason,
        rule=rule,
        steps=(f"{count}th working day after {_fmt(start)} -> {_fmt(due)}",),
        skipped=skipped,
        pauses=(),
        days_added=0,
        clock_stopped=None,
        notes=notes,
        due=due,
    )


def review_working(received: date, *, original_kind: str, regime: str, extended: bool = False) -> Working:
    """The due date of an internal review (reconsideration under the EIR) received on ``received``."""
    _, _, calendar = _calendar(regime)
    start_reason = f"Review asked for on {_fmt(received)}; the day it arrived is not counted."
    if original_kind == "eir" and regime == "foisa":
        if extended:
            raise ValueError(
                "An EISR review cannot be extended: 20 working days is the limit (EISR 2004 reg 16(4))."
            )
        rule = (
            "No later than 20 working days after the representations were received (Environmental "
            f"Information (Scotland) Regulations 2004 reg 16(4)); {calendar}."
        )
        return _working(
            received, REVIEW_WORKING_DAYS, regime=regime, start_reason=start_reason, rule=rule, notes=()
        )
    if original_kind == "eir":
        if extended:
            raise ValueError(
                "An EIR reconsideration cannot be extended: 40 working days is the limit (reg 11(4))."
            )
        rule = (
            "No later than 40 working days after the representations were received (Environmental "
            f"Information Regulations 2004 reg 11(4)); {calendar}."
        )
        return _working(
            received, REVIEW_MAX_WORKING_DAYS, regime="foia", start_reason=start_reason, rule=rule, notes=()
        )
    if original_kind != "foi":
        raise ValueError(f"Only a FOI or EIR answer is reviewed this way, not {original_kind!r}.")
    if regime == "foisa":
        if extended:
            raise ValueError("A FOISA review cannot be extended: 20 working days is the limit (s21(1)).")
        rule = (
            "The 20th working day after the requirement for review was received (Freedom of Information "
            f"(Scotland) Act 2002 s21(1)); {calendar}."
        )
        return _working(
            received, REVIEW_WORKING_DAYS, regime=regime, start_reason=start_reason, rule=rule, notes=()
        )
    count = REVIEW_MAX_WORKING_DAYS if extended else REVIEW_WORKING_DAYS
    rule = (
        f"The {count}th working day after the review was asked for: the section 45 Code of Practice and "
        "the ICO expect 20 working days, and no more than 40 in exceptional circumstances; "
        f"{calendar}."
    )
    notes = ("Extended to 40 working days, the most the Code allows.",) if extended else ()
    return _working(received, count, regime=regime, start_reason=start_reason, rule=rule, notes=notes)


def review_request_deadline(responded: date, *, original_kind: str, regime: str) -> tuple[date, str]:
    """The last day the requester may ask for a review of an answer sent on ``responded``, and its rule."""
    if original_kind == "eir" and regime == "foisa":
        regime_for_calendar, basis = "foisa", "EISR 2004 reg 16(2)"
    elif original_kind == "eir":
        regime_for_calendar, basis = "foia", "EIR 2004 reg 11(2)"
    elif regime == "foisa":
        regime_for_calendar, basis = "foisa", "FOISA s20(5)"
    else:
        regime_for_calendar, basis = "foia", "the section 45 Code of Practice (not a statutory bar)"
    kind, nation, _ = _calendar(regime_for_calendar)
    last = add_working_days(responded, REVIEW_ASK_WORKING_DAYS, kind=kind, nation=nation)
    return last, f"40 working days after the response ({basis})"


def foisa_request_working(received: date, *, clarified: date | None = None) -> Working:
    """A FOI request to a Scottish public authority: the 20th working day after receipt (FOISA s10(1)),
    restarted by a clarification (s1(3)), on the Scottish calendar (s73)."""
    if clarified is not None and clarified < received:
        raise ValueError(
            f"Clarification cannot arrive ({_fmt(clarified)}) before the request was received "
            f"({_fmt(received)})."
        )
    start = clarified or received
    start_reason = f"Request received on {_fmt(received)}; the day of receipt is never counted."
    if clarified is not None:
        start_reason = (
            f"Request received on {_fmt(received)}; clarification received on {_fmt(clarified)}, which "
            "restarts the count (FOISA s1(3))."
        )
    rule = (
        "The 20th working day after receipt of the request (Freedom of Information (Scotland) Act 2002 "
        f"s10(1)); {_SCOTTISH_CALENDAR}."
    )
    return _working(start, 20, regime="foisa", start_reason=start_reason, rule=rule, notes=())


EISR_WORKING_DAYS: Final = 20
EISR_EXTENDED_WORKING_DAYS: Final = 40


def eisr_request_working(received: date, *, clarified: date | None = None, extended: bool = False) -> Working:
    """An EIR request to a Scottish public authority (Environmental Information (Scotland) Regulations
    2004): the 20th working day after receipt (reg 5(2)(a)), or the 40th when extended because the volume
    and complexity of the information make 20 impracticable (reg 7(1)); working days as FOISA s73 (reg
    2(1)), on the Scottish calendar. A clarification restarts the count, as the UK EIR's reg 9(4) and
    FOISA s1(3) do."""
    if clarified is not None and clarified < received:
        raise ValueError(
            f"Clarification cannot arrive ({_fmt(clarified)}) before the request was received "
            f"({_fmt(received)})."
        )
    start = clarified or received
    start_reason = f"Request received on {_fmt(received)}; the day of receipt is never counted."
    if clarified is not None:
        start_reason = (
            f"Request received on {_fmt(received)}; clarification received on {_fmt(clarified)}, which "
            "restarts the count."
        )
    if extended:
        count = EISR_EXTENDED_WORKING_DAYS
        rule = (
            "The 40th working day after receipt, extended by up to 20 working days because the volume and "
            "complexity of the information make 20 impracticable (Environmental Information (Scotland) "
            f"Regulations 2004 reg 5(2)(a) and reg 7(1)); {_SCOTTISH_CALENDAR}."
        )
        notes: tuple[str, ...] = (
            "The requester must be told of the extension, and why, within the first 20 working days "
            "(EISR reg 7(2)).",
        )
    else:
        count = EISR_WORKING_DAYS
        rule = (
            "The 20th working day after receipt of the request (Environmental Information (Scotland) "
            f"Regulations 2004 reg 5(2)(a)); {_SCOTTISH_CALENDAR}."
        )
        notes = ()
    working = _working(start, count, regime="foisa", start_reason=start_reason, rule=rule, notes=notes)
    return dataclasses.replace(working, kind=RequestKind.EIR, received=received)


# --- fees notices on a FOI request (FOIA ss9-10; FOISA ss9-10) ------------------------------------------

FEE_LAPSE_MONTHS: Final = 3


def fee_lapses_on(notified: date) -> date:
    """The first day a FOI request has lapsed for want of the fee: the fee must be paid within three
    months beginning with the day the fees notice is given (FOIA s9(2); FOISA s9(4)), so the period ends
    the day before the corresponding date three months on (the month's last day when that month has no
    corresponding date), and the request lapses the day after."""
    month_index = notified.month - 1 + FEE_LAPSE_MONTHS
    year, month = notified.year + month_index // 12, month_index % 12 + 1
    last_of_month = _calendar_module.monthrange(year, month)[1]
    if notified.day > last_of_month:
        return date(year, month, last_of_month) + timedelta(days=1)
    return date(year, month, notified.day)


def with_fee_notices(
    working: Working,
    *,
    regime: str,
    fee_notices: Sequence[tuple[date, date | None]],
    today: date | None = None,
) -> Working:
    """``working`` (a FOI request's 20 working days, from either regime) with every fees notice applied:
    the working days from the day a notice is given to the day its fee is received are disregarded (FOIA
    s10(2); FOISA s10(2)). A fee still awaited (paid None) counts as if paid on ``today``, so the date shown
    is the one that would stand if it arrived today. Raises ValueError when the dates contradict."""
    if not fee_notices:
        return working
    kind, nation, _ = _calendar(regime)
    windows: list[tuple[date, date]] = []
    for given, paid in fee_notices:
        if given < working.received:
            raise ValueError(
                f"A fees notice cannot be given ({_fmt(given)}) before the request was received "
                f"({_fmt(working.received)})."
            )
        if paid is not None and paid < given:
            raise ValueError(f"A fee cannot be paid ({_fmt(paid)}) before it was asked for ({_fmt(given)}).")
        end = paid if paid is not None else today
        if end is None:
            raise ValueError("A fee is still awaited: pass today= to see the date if it arrived today.")
        if end < given:
            raise ValueError(f"The fees notice ({_fmt(given)}) is after today ({_fmt(end)}).")
        windows.append((given, end))
    count = working_days_counted(working.start, working.due, regime=regime)
    day, counted, disregarded = working.start, 0, 0
    while counted < count:
        day += timedelta(days=1)
        if not is_working_day(day, kind=kind, nation=nation):
            continue
        if any(given <= day <= paid for given, paid in windows):
            disregarded += 1
            continue
        counted += 1
    section = "FOISA s10(2)" if regime == "foisa" else "FOIA s10(2)"
    notices = "; ".join(
        f"notice given {_fmt(given)}, "
        + (f"fee received {_fmt(paid)}" if paid is not None else "fee still awaited (shown as if paid today)")
        for given, paid in fee_notices
    )
    step = (
        f"{disregarded} working day{'s' if disregarded != 1 else ''} from a fees notice to its payment "
        f"disregarded ({section}): {notices} -> {_fmt(day)}"
    )
    return dataclasses.replace(working, steps=(*working.steps, step), due=day)


def working_days_counted(start: date, end: date, *, regime: str) -> int:
    """Working days in (start, end] on the regime's calendar."""
    kind, nation, _ = _calendar(regime)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=offset), kind=kind, nation=nation)
    )


COMPLAINT_ACKNOWLEDGE_DAYS: Final = 30


def complaint_working(received: date, *, nation: str) -> Working:
    """A data protection complaint (DPA 2018 s164A, inserted by the Data (Use and Access) Act 2025 s103,
    in force 19 June 2026): acknowledged within 30 days, counted from the day after receipt and, as the
    ICO's complaints guidance reads it, to the end of the next working day when the 30th is not one (the
    organisation's nation's calendar); the outcome follows without undue delay, which has no date."""
    thirtieth = received + timedelta(days=COMPLAINT_ACKNOWLEDGE_DAYS)
    due = thirtieth
    skipped: list[SkippedDay] = []
    while not is_working_day(due, kind=RequestKind.SAR, nation=nation):
        skipped.append(SkippedDay(due, "not a working day"))
        due += timedelta(days=1)
    steps = [f"30 days after {_fmt(received)} -> {_fmt(thirtieth)}"]
    if due != thirtieth:
        steps.append(f"{_fmt(thirtieth)} is not a working day -> the next working day, {_fmt(due)}")
    return Working(
        kind=RequestKind.SAR,
        nation=None,
        received=received,
        start=received,
        start_reason=f"Complaint received on {_fmt(received)}; the 30 days start the day after.",
        rule=(
            "Acknowledge the complaint within 30 days of receiving it (Data Protection Act 2018 s164A); "
            "the outcome is then due without undue delay."
        ),
        steps=tuple(steps),
        skipped=tuple(skipped),
        pauses=(),
        days_added=0,
        clock_stopped=None,
        notes=(),
        due=due,
    )
