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

Working days: under FOIA and the EIR the UK-wide calendar of FOIA s10(6); under FOISA, s73: every day
but Saturdays, Sundays, Christmas Day and Scottish bank holidays (the holidays package's Scottish
calendar, which includes Christmas Day).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from igportal.dates import long_date as _fmt
from requests_app.deadlines import RequestKind, SkippedDay, Working, add_working_days, is_working_day

__all__ = [
    "REVIEW_ASK_WORKING_DAYS",
    "REVIEW_MAX_WORKING_DAYS",
    "REVIEW_WORKING_DAYS",
    "complaint_working",
    "foisa_request_working",
    "review_request_deadline",
    "review_working",
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
    if original_kind == "eir":
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
