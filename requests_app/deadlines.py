"""Statutory response deadlines for subject access (SAR), FOI and EIR requests.

Pure functions: every date and the organisation's nation come in as arguments (no ``date.today()``, no
database: the caller passes ``OrganisationSettings.nation``), so the same inputs always give the same
deadline and the reminders, the pages and the tests agree. ``deadline_working`` returns the
whole calculation (start, rule, steps, skipped days, clock stops) for the case page; ``due_date`` is its
``.due``. The rules and the decisions behind them are written up in ``docs/deadlines.md``.

Bank holidays come from the ``holidays`` package, one calendar per UK nation, built once per year and
cached, because the reminder sweep asks about thousands of cases and the calendars never change at run
time.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final

import holidays

from igportal.dates import MONTH_NAMES
from igportal.dates import long_date as _fmt

__all__ = [
    "ClockStopped",
    "Nation",
    "PauseApplied",
    "RequestKind",
    "SkippedDay",
    "Working",
    "add_working_days",
    "deadline_working",
    "due_date",
    "is_working_day",
    "working_days_between",
]


class RequestKind(StrEnum):
    SAR = "sar"
    FOI = "foi"
    EIR = "eir"

    @property
    def label(self) -> str:
        return self.value.upper()


class Nation(StrEnum):
    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"

    @property
    def label(self) -> str:
        return _NATION_LABELS[self]


_NATION_LABELS: Final[Mapping[Nation, str]] = MappingProxyType(
    {
        Nation.ENGLAND: "England",
        Nation.WALES: "Wales",
        Nation.SCOTLAND: "Scotland",
        Nation.NORTHERN_IRELAND: "Northern Ireland",
    }
)

# ISO 3166-2 subdivision codes as the holidays package spells them.
_SUBDIVISIONS: Final[Mapping[Nation, str]] = MappingProxyType(
    {
        Nation.ENGLAND: "ENG",
        Nation.WALES: "WLS",
        Nation.SCOTLAND: "SCT",
        Nation.NORTHERN_IRELAND: "NIR",
    }
)

FOI_WORKING_DAYS: Final = 20
EIR_EXTENDED_WORKING_DAYS: Final = 40
SAR_MONTHS: Final = 1
SAR_EXTENDED_MONTHS: Final = 3

_DAY_NAMES: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_OBSERVED_SUFFIX: Final = " (observed)"


# --- results -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SkippedDay:
    """A day that was not counted, or that the due date was moved past, and why."""

    day: date
    reason: str

    def __str__(self) -> str:
        return f"{_fmt(self.day)}: {self.reason}"


@dataclass(frozen=True, slots=True)
class PauseApplied:
    """One SAR clarification as it affected the clock (``answered`` is None while still awaited)."""

    asked: date
    answered: date | None
    days_added: int
    explanation: str


@dataclass(frozen=True, slots=True)
class ClockStopped:
    """A SAR clarification is awaited now; ``due`` assumes it arrives on ``today``."""

    since: date
    today: date
    days_so_far: int

    def __str__(self) -> str:
        return (
            f"Clock stopped since {_fmt(self.since)} awaiting clarification ({self.days_so_far} "
            f"day{'s' if self.days_so_far != 1 else ''} so far); the due date moves one day later for "
            "each further day without an answer."
        )


@dataclass(frozen=True, slots=True)
class Working:
    """The whole calculation, in the order a person would check it by hand."""

    kind: RequestKind
    # None for FOI and EIR: their working days are UK-wide whatever the organisation's nation.
    nation: Nation | None
    received: date
    start: date
    start_reason: str
    rule: str
    steps: tuple[str, ...]
    skipped: tuple[SkippedDay, ...]
    pauses: tuple[PauseApplied, ...]
    days_added: int
    clock_stopped: ClockStopped | None
    notes: tuple[str, ...]
    due: date
    # SAR only, when extended: the date the first month ended, within which the requester must be told
    # of the extension (UK GDPR Art 12(3)); None otherwise.
    first_month_due: date | None = None


# --- public API ----------------------------------------------------------------------------------------


def due_date(
    kind: RequestKind | str,
    received: date,
    *,
    identity_verified: date | None = None,
    clarified: date | None = None,
    fee_paid: date | None = None,
    extended: bool = False,
    nation: Nation | str,
    pauses: Sequence[tuple[date, date | None]] = (),
    today: date | None = None,
) -> date:
    """The statutory due date; see ``deadline_working`` for the arguments."""
    return deadline_working(
        kind,
        received,
        identity_verified=identity_verified,
        clarified=clarified,
        fee_paid=fee_paid,
        extended=extended,
        nation=nation,
        pauses=pauses,
        today=today,
    ).due


def deadline_working(
    kind: RequestKind | str,
    received: date,
    *,
    identity_verified: date | None = None,
    clarified: date | None = None,
    fee_paid: date | None = None,
    extended: bool = False,
    nation: Nation | str,
    pauses: Sequence[tuple[date, date | None]] = (),
    today: date | None = None,
) -> Working:
    """Compute the due date of an access request and show the working.

    ``kind``: "sar", "foi" or "eir". ``received``: the day the request arrived (a ``date``; convert an
    aware datetime with ``django.utils.timezone.localdate`` first).
    SAR only: ``identity_verified`` (the day identity evidence arrived), ``fee_paid`` (the day a fee,
    where one may be charged, was paid; the clock starts at the latest of these and receipt),
    ``extended`` (three months
    instead of one), ``nation`` (whose bank holidays decide the working-day roll: the caller
    passes the organisation's setting), ``pauses`` ((asked, answered) clarification clock stops; answered None
    means still awaited, which needs ``today``).
    FOI/EIR only: ``clarified`` (the day the clarification arrived; the count restarts from it).
    ``extended`` for EIR means 40 working days; for FOI it leaves the date unchanged (see the notes).
    Raises ValueError, with a message naming the right argument, when an argument does not apply to
    the kind or the dates contradict one another.
    """
    request_kind = _parse_kind(kind)
    _require_date("received", received)
    if request_kind is RequestKind.SAR:
        if clarified is not None:
            raise ValueError(
                "clarified= does not apply to a SAR: waiting for clarification stops the SAR clock "
                "rather than restarting it (UK GDPR Art 12A); pass pauses=[(asked, answered)] instead."
            )
        return _sar_working(
            received,
            identity_verified=identity_verified,
            fee_paid=fee_paid,
            extended=extended,
            nation=_parse_nation(nation),
            pauses=pauses,
            today=today,
        )
    if fee_paid is not None:
        raise ValueError(
            f"fee_paid= does not apply to {request_kind.label}: a fees notice stops the working-day "
            "count instead (FOIA s10(2)), which this module does not model; record the notice and "
            "payment on the case."
        )
    if identity_verified is not None:
        raise ValueError(
            f"identity_verified= does not apply to {request_kind.label}: the requester's identity does "
            "not delay the clock. A request for the requester's own personal data is a SAR "
            "(FOIA s40(1)); record it with kind='sar'."
        )
    if pauses:
        raise ValueError(
            f"pauses= does not apply to {request_kind.label}: clarification restarts the count "
            "(FOIA s1(3) and s10(6); EIR reg 9(4)); pass clarified=<date the clarification arrived>."
        )
    # Validated although unused, so that a typo in the caller fails here rather than later on a SAR.
    _parse_nation(nation)
    return _working_days_working(request_kind, received, clarified=clarified, extended=extended)


def is_working_day(day: date, *, kind: RequestKind | str, nation: Nation | str) -> bool:
    """Whether ``day`` is a working day for this kind of request.

    FOI/EIR: UK-wide (weekends, Christmas Day, Good Friday and bank holidays anywhere in the UK are not
    working days); ``nation`` is ignored. SAR: weekends and the bank holidays of ``nation`` (the
    organisation's setting, passed by the caller).
    """
    request_kind = _parse_kind(kind)
    _require_date("day", day)
    return _is_working(day, request_kind, _calendar_nation(request_kind, nation))


def add_working_days(day: date, count: int, *, kind: RequestKind | str, nation: Nation | str) -> date:
    """The ``count``-th working day after ``day`` (before it when ``count`` is negative).

    ``day`` itself is never counted, as in FOIA s10(1); ``count == 0`` returns ``day`` unchanged.
    Reminders use a negative count: ``add_working_days(due, -3, ...)`` is "3 working days before due".
    """
    request_kind = _parse_kind(kind)
    _require_date("day", day)
    return _add_working(day, count, request_kind, _calendar_nation(request_kind, nation))


def working_days_between(start: date, end: date, *, kind: RequestKind | str, nation: Nation | str) -> int:
    """Working days in (start, end]: the days a clock running from ``start`` has used by ``end``.

    Negative when ``end`` is before ``start`` (minus the working days in (end, start]), so
    ``working_days_between(today, due)`` is the working days left, and below zero once overdue.
    The FOI rule in these terms: ``working_days_between(received, due) == 20`` with ``due`` a working day.
    """
    request_kind = _parse_kind(kind)
    _require_date("start", start)
    _require_date("end", end)
    calendar_nation = _calendar_nation(request_kind, nation)
    if end < start:
        return -_count_working(end, start, request_kind, calendar_nation)
    return _count_working(start, end, request_kind, calendar_nation)


# --- argument parsing ------------------------------------------------------------------------------------


def _parse_kind(kind: RequestKind | str) -> RequestKind:
    try:
        return RequestKind(kind)
    except ValueError:
        expected = ", ".join(repr(k.value) for k in RequestKind)
        raise ValueError(f"Unknown request kind {kind!r}: expected one of {expected}.") from None


def _parse_nation(nation: Nation | str) -> Nation:
    try:
        return Nation(nation)
    except ValueError:
        expected = ", ".join(repr(n.value) for n in Nation)
        raise ValueError(f"Unknown nation {nation!r}: expected one of {expected}.") from None


def _calendar_nation(kind: RequestKind, nation: Nation | str) -> Nation | None:
    if kind is not RequestKind.SAR:
        _parse_nation(nation)
        return None
    return _parse_nation(nation)


def _require_date(name: str, value: object) -> None:
    # datetime is a subclass of date, so a stray timestamp would pass type checks and then compare
    # wrongly; which calendar day a timestamp falls on depends on the time zone, the caller's business.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(
            f"{name} must be a datetime.date, not {type(value).__name__}; "
            "convert timestamps with django.utils.timezone.localdate()."
        )


# --- calendars -------------------------------------------------------------------------------------------


@functools.cache
def _bank_holidays(year: int) -> Mapping[date, Mapping[Nation, tuple[str, ...]]]:
    by_day: dict[date, dict[Nation, tuple[str, ...]]] = {}
    for nation, subdivision in _SUBDIVISIONS.items():
        calendar_for_nation = holidays.country_holidays("GB", subdiv=subdivision, years=year)
        for day in calendar_for_nation:
            by_day.setdefault(day, {})[nation] = tuple(calendar_for_nation.get_list(day))
    return MappingProxyType({day: MappingProxyType(names) for day, names in by_day.items()})


def _is_working(day: date, kind: RequestKind, nation: Nation | None) -> bool:
    if day.weekday() >= 5:
        return False
    names_by_nation = _bank_holidays(day.year).get(day)
    if names_by_nation is None:
        return True
    if kind is RequestKind.SAR:
        return nation not in names_by_nation
    # FOIA s10(6): a bank holiday "in any part of the United Kingdom" stops the day counting everywhere.
    return False


def _non_working_reason(day: date, kind: RequestKind, nation: Nation | None) -> str:
    reasons: list[str] = []
    if day.weekday() >= 5:
        reasons.append(_DAY_NAMES[day.weekday()])
    names_by_nation = _bank_holidays(day.year).get(day, {})
    if kind is RequestKind.SAR:
        assert nation is not None
        reasons.extend(f"{_holiday_label(name)} ({nation.label})" for name in names_by_nation.get(nation, ()))
    else:
        nations_by_name: dict[str, list[Nation]] = {}
        for holiday_nation, names in names_by_nation.items():
            for name in names:
                nations_by_name.setdefault(name, []).append(holiday_nation)
        for name, nations in nations_by_name.items():
            if len(nations) == len(Nation):
                where = "all UK nations"
            else:
                where = f"{_join_nations(nations)}, counted UK-wide for {kind.label}"
            reasons.append(f"{_holiday_label(name)} ({where})")
    return "; ".join(reasons)


def _holiday_label(name: str) -> str:
    # "Observed" is the package's word; UK proclamations and gov.uk call these "substitute days".
    if name.endswith(_OBSERVED_SUFFIX):
        return f"substitute day for {name.removesuffix(_OBSERVED_SUFFIX)}"
    return name


def _join_nations(nations: Sequence[Nation]) -> str:
    labels = [n.label for n in sorted(nations, key=list(Nation).index)]
    if len(labels) == 1:
        return labels[0]
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


def _add_working(day: date, count: int, kind: RequestKind, nation: Nation | None) -> date:
    step = timedelta(days=1 if count >= 0 else -1)
    remaining = abs(count)
    while remaining:
        day += step
        if _is_working(day, kind, nation):
            remaining -= 1
    return day


def _count_working(start: date, end: date, kind: RequestKind, nation: Nation | None) -> int:
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if _is_working(start + timedelta(offset), kind, nation)
    )


# --- SAR -------------------------------------------------------------------------------------------------


def _sar_working(
    received: date,
    *,
    identity_verified: date | None,
    fee_paid: date | None,
    extended: bool,
    nation: Nation,
    pauses: Sequence[tuple[date, date | None]],
    today: date | None,
) -> Working:
    start, start_reason = _sar_start(received, identity_verified, fee_paid)
    months = SAR_EXTENDED_MONTHS if extended else SAR_MONTHS
    corresponding, clamped = _add_months(start, months)
    month_word = "month" if months == 1 else "months"
    step = f"{_fmt(start)} + {months} {month_word} -> {_fmt(corresponding)}"
    if clamped:
        step += (
            f" ({MONTH_NAMES[corresponding.month - 1]} {corresponding.year} has no {_ordinal(start.day)}, "
            "so the last day of the month)"
        )
    else:
        step += " (the corresponding date)"
    steps = [step]

    end, applied, clock_stopped = _apply_pauses(start, corresponding, received, pauses, today)
    days_added = sum(p.days_added for p in applied)
    if days_added:
        steps.append(
            f"{_fmt(corresponding)} + {days_added} paused day{'s' if days_added != 1 else ''} -> {_fmt(end)}"
        )

    skipped: list[SkippedDay] = []
    due = end
    while not _is_working(due, RequestKind.SAR, nation):
        skipped.append(SkippedDay(due, _non_working_reason(due, RequestKind.SAR, nation)))
        due += timedelta(days=1)
    if skipped:
        steps.append(f"{_fmt(end)} is not a working day in {nation.label} -> next working day {_fmt(due)}")

    if extended:
        rule = (
            "Three calendar months from the start (one month extended by two further months because "
            "of the complexity or number of requests): the corresponding date three months on, or "
            "that month's last day where it has no such date, moved to the next working day in "
            f"{nation.label} if it is not one (UK GDPR Art 12(3) and Art 12A; ICO right of access "
            "guidance: three months from the original start date)."
        )
    else:
        rule = (
            "One calendar month from the start: the corresponding date in the next month, or that "
            "month's last day where it has no such date, moved to the next working day in "
            f"{nation.label} if it is not one (UK GDPR Art 12(3) and Art 12A; ICO right of access "
            "guidance)."
        )
    notes: list[str] = []
    if days_added:
        notes.append(
            "Paused days are added to the calendar date before moving to a working day: the pause "
            "lengthens the statutory period, and the move to a working day only applies where that "
            "period ends (Art 12A)."
        )
    if extended:
        notes.append(
            "The requester must be told of the extension, and why, within the first month "
            "(UK GDPR Art 12(3))."
        )
    if clock_stopped is not None:
        notes.append(str(clock_stopped))
    first_month_due = None
    if extended:
        first_month_due = _sar_working(
            received,
            identity_verified=identity_verified,
            fee_paid=fee_paid,
            extended=False,
            nation=nation,
            pauses=pauses,
            today=today,
        ).due
    return Working(
        kind=RequestKind.SAR,
        nation=nation,
        received=received,
        start=start,
        start_reason=start_reason,
        rule=rule,
        steps=tuple(steps),
        skipped=tuple(skipped),
        pauses=applied,
        days_added=days_added,
        clock_stopped=clock_stopped,
        notes=tuple(notes),
        due=due,
        first_month_due=first_month_due,
    )


def _sar_start(received: date, identity_verified: date | None, fee_paid: date | None) -> tuple[date, str]:
    events = [(received, "Request received")]
    for name, day, what in (
        ("identity_verified", identity_verified, "identity evidence received"),
        ("fee_paid", fee_paid, "fee paid"),
    ):
        if day is not None:
            _require_date(name, day)
            events.append((day, what))
    if len(events) == 1:
        return received, (
            f"Request received on {_fmt(received)}; the day of receipt is day one, working day or not."
        )
    start = max(day for day, _ in events)
    listed = "; ".join(f"{what} on {_fmt(day)}" for day, what in events)
    if start == received:
        return start, f"{listed}: nothing arrived after the request, so the clock starts at receipt."
    return start, (
        f"{listed}: the clock starts at the latest of these, {_fmt(start)}, which is day one (Art 12A)."
    )


def _add_months(start: date, months: int) -> tuple[date, bool]:
    """The corresponding date ``months`` later, clamped to the month's last day; and whether clamped."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day)), start.day > last_day


def _apply_pauses(
    start: date,
    end: date,
    received: date,
    pauses: Sequence[tuple[date, date | None]],
    today: date | None,
) -> tuple[date, tuple[PauseApplied, ...], ClockStopped | None]:
    """Move ``end`` later by the days the clock was stopped; return it with what each pause did.

    Art 12A: the days from the one on which clarification is asked to the one on which it arrives,
    both included, do not count towards the period. A day is counted once even if two pauses cover
    it, and only while the clock is running: days before the start, or a pause asked after the period
    (as already lengthened by earlier pauses) had ended, add nothing.
    """
    ordered = _validated_pauses(received, pauses, today)
    applied: list[PauseApplied] = []
    clock_stopped: ClockStopped | None = None
    paused_until: date | None = None
    for asked, answered in ordered:
        # An open pause runs to today: _validated_pauses has made sure today was given.
        last = answered if answered is not None else today
        assert last is not None
        counted_from = max(asked, start)
        if paused_until is not None:
            counted_from = max(counted_from, paused_until + timedelta(days=1))
        if asked > end:
            days = 0
            explanation = (
                f"Asked on {_fmt(asked)}, after the period had ended on {_fmt(end)}: "
                "it does not stop the clock."
            )
        elif last < counted_from:
            days = 0
            explanation = (
                "Entirely before the clock started; adds nothing."
                if last < start
                else "Covered by an earlier clarification; adds nothing."
            )
        else:
            days = (last - counted_from).days + 1
            until = f"answered {_fmt(last)}" if answered is not None else f"still awaited on {_fmt(last)}"
            explanation = (
                f"Clock stopped {_fmt(counted_from)} to {_fmt(last)} inclusive ({until}): "
                f"{days} day{'s' if days != 1 else ''} added."
            )
            end += timedelta(days=days)
            paused_until = last
            if answered is None:
                clock_stopped = ClockStopped(since=counted_from, today=last, days_so_far=days)
        applied.append(PauseApplied(asked=asked, answered=answered, days_added=days, explanation=explanation))
    return end, tuple(applied), clock_stopped


def _validated_pauses(
    received: date, pauses: Sequence[tuple[date, date | None]], today: date | None
) -> list[tuple[date, date | None]]:
    if today is not None:
        _require_date("today", today)
    for asked, answered in pauses:
        _require_date("pause asked", asked)
        if answered is not None:
            _require_date("pause answered", answered)
        if asked < received:
            raise ValueError(
                f"A clarification cannot be asked ({_fmt(asked)}) before the request was received "
                f"({_fmt(received)})."
            )
        if answered is not None and answered < asked:
            raise ValueError(
                f"A clarification cannot be answered ({_fmt(answered)}) before it was asked ({_fmt(asked)})."
            )
        latest = answered if answered is not None else asked
        if today is not None and latest > today:
            raise ValueError(f"A clarification date ({_fmt(latest)}) is after today ({_fmt(today)}).")
    # Sorted by the day asked, an open pause after a closed one asked the same day, so that the open
    # pause is last whenever the data are consistent.
    ordered = sorted(pauses, key=lambda pause: (pause[0], pause[1] is None))
    open_pauses = [pause for pause in ordered if pause[1] is None]
    if open_pauses:
        if len(open_pauses) > 1 or ordered[-1][1] is not None:
            raise ValueError(
                "Only the latest clarification can still be awaited; record the answer date of the "
                "earlier ones."
            )
        if today is None:
            raise ValueError(
                f"The clock has been stopped since {_fmt(open_pauses[0][0])} awaiting clarification: "
                "pass today= to get the due date as it stands if the answer arrives today."
            )
    return ordered


# --- FOI and EIR -----------------------------------------------------------------------------------------


def _working_days_working(
    kind: RequestKind, received: date, *, clarified: date | None, extended: bool
) -> Working:
    if clarified is None:
        start = received
        start_reason = f"Request received on {_fmt(received)}; the day of receipt is never counted."
    else:
        _require_date("clarified", clarified)
        if clarified < received:
            raise ValueError(
                f"Clarification cannot arrive ({_fmt(clarified)}) before the request was received "
                f"({_fmt(received)})."
            )
        start = clarified
        start_reason = (
            f"Request received on {_fmt(received)}; clarification received on {_fmt(clarified)}, which "
            "restarts the count (the day it arrived is not counted)."
        )
    if not _is_working(start, kind, None):
        start_reason += (
            f" {_fmt(start)} is not a working day ({_non_working_reason(start, kind, None)}), so the "
            "next working day is day 1."
        )

    count = EIR_EXTENDED_WORKING_DAYS if kind is RequestKind.EIR and extended else FOI_WORKING_DAYS
    due = _add_working(start, count, kind, None)
    skipped = tuple(
        SkippedDay(day, _non_working_reason(day, kind, None))
        for day in (start + timedelta(offset) for offset in range(1, (due - start).days))
        if not _is_working(day, kind, None)
    )
    steps = (f"{count}th working day after {_fmt(start)} -> {_fmt(due)}",)
    calendar_sentence = (
        "working days exclude Saturdays, Sundays, Christmas Day, Good Friday and bank holidays in any "
        "part of the UK"
    )
    notes: list[str] = []
    if kind is RequestKind.FOI:
        rule = (
            f"The 20th working day following the date of receipt (Freedom of Information Act 2000 "
            f"s10(1) and s10(6)); {calendar_sentence}."
        )
        if extended:
            notes.append(
                "Public interest extension (FOIA s10(3)) recorded: it does not move this date. The "
                "notice saying more time is needed (s17(2)) is still due by it; the extended response "
                "date is recorded separately."
            )
    elif extended:
        rule = (
            "The 40th working day after the date of receipt, extended from 20 because the request is "
            "complex and voluminous (Environmental Information Regulations 2004 reg 5(2) and reg 7(1)); "
            f"{calendar_sentence} (reg 2(1), as FOIA s10(6))."
        )
    else:
        rule = (
            "The 20th working day after the date of receipt (Environmental Information Regulations "
            f"2004 reg 5(2)); {calendar_sentence} (reg 2(1), as FOIA s10(6))."
        )
    return Working(
        kind=kind,
        nation=None,
        received=received,
        start=start,
        start_reason=start_reason,
        rule=rule,
        steps=steps,
        skipped=skipped,
        pauses=(),
        days_added=0,
        clock_stopped=None,
        notes=tuple(notes),
        due=due,
    )


# --- formatting ------------------------------------------------------------------------------------------


def _ordinal(number: int) -> str:
    suffix = "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
