"""When access to a deceased patient's health records is due (Access to Health Records Act 1990).

A deceased person has no rights under UK GDPR, so their personal representative, or someone who may
have a claim arising from the death, applies under AHRA 1990 s3(1)(f). The Act sets its own clock,
which ``requests_app.deadlines`` does not model (it knows SAR, FOI and EIR only), hence this module.

The rule, as ``docs/deadlines.md`` ("Deceased person's records") sets out:

- s3(5): access within 40 days beginning with the date of the application, or 21 days where every
  part of the record asked for was made in the 40 days before the application. "Beginning with" makes
  the day of the application day 1, so the last day is the application date + 39 (or + 20).
- The days are calendar days. The Act does not move a period that ends on a weekend or bank holiday, so
  the due date is never moved later; the working notes the last working day before it instead.
- s3(6): where the holder asks, within 14 days beginning with the date of the application, for the
  further information it needs to identify the patient or to be satisfied that the applicant is entitled
  to apply, the period runs from the day that information arrives. A request made later moves nothing.

What was checked against the statute (``docs/deadlines.md`` has the detail): the revised text of s3 on
legislation.gov.uk confirms s3(1)(f) (the personal representative, or anyone with a claim arising out of
the death) and s3(2) (access "within the requisite period"), but every stored copy of the section stops
before subsections (5) and (6), so their words, and any amendment to them, are NOT verified here. The 21
and 40 days and the 14-day window are the enacted rule as commonly stated, matching the Department of
Health (NI)'s statement of the same rule in the NI twin (Access to Health Records (NI) Order 1993 art 5).

Pure functions like ``deadlines``: every date is an argument, ``today`` included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from igportal.dates import long_date as _fmt
from requests_app.deadlines import Nation, SkippedDay, is_working_day

__all__ = [
    "DeceasedWorking",
    "InformationRequest",
    "deceased_records_due_date",
    "deceased_records_working",
]

AHRA_DAYS: Final = 40
AHRA_RECENT_DAYS: Final = 21
# s3(6)(b): a request for further information only moves the date if made within 14 days beginning
# with the date of the application.
FURTHER_INFORMATION_WINDOW_DAYS: Final = 14


@dataclass(frozen=True, slots=True)
class InformationRequest:
    """One request for further information and what it did to the clock (``answered`` None: awaited)."""

    asked: date
    answered: date | None
    restarts: bool
    explanation: str


@dataclass(frozen=True, slots=True)
class DeceasedWorking:
    """The calculation in the order a person checks it; the field names match ``deadlines.Working``."""

    received: date
    start: date
    start_reason: str
    rule: str
    steps: tuple[str, ...]
    # Always empty: the Act counts calendar days. Kept so that pages show every working the same way.
    skipped: tuple[SkippedDay, ...]
    pauses: tuple[InformationRequest, ...]
    # The day the awaited further information was asked for; ``due`` then assumes it arrives today.
    waiting_since: date | None
    notes: tuple[str, ...]
    due: date


def deceased_records_due_date(
    received: date,
    *,
    recent_records_only: bool = False,
    further_information: Sequence[tuple[date, date | None]] = (),
    nation: Nation | str,
    today: date | None = None,
) -> date:
    """The AHRA 1990 due date; see ``deceased_records_working`` for the arguments."""
    return deceased_records_working(
        received,
        recent_records_only=recent_records_only,
        further_information=further_information,
        nation=nation,
        today=today,
    ).due


def deceased_records_working(
    received: date,
    *,
    recent_records_only: bool = False,
    further_information: Sequence[tuple[date, date | None]] = (),
    nation: Nation | str,
    today: date | None = None,
) -> DeceasedWorking:
    """Compute when access to a deceased patient's records is due, and show the working.

    ``received``: the date of the application. ``recent_records_only``: every part of the record asked
    for was made in the 40 days before the application (21 days instead of 40).
    ``further_information``: (asked, answered) requests for information needed to identify the patient
    or confirm the applicant's entitlement; answered None means still awaited, which needs ``today``.
    ``nation``: whose bank holidays the note about a non-working last day uses (the organisation's
    setting, passed by the caller); it never changes the date.
    Raises ValueError when the dates contradict one another.
    """
    _require_date("received", received)
    if today is not None:
        _require_date("today", today)
    requests = _validated(received, further_information, today)

    window_end = received + timedelta(days=FURTHER_INFORMATION_WINDOW_DAYS - 1)
    start = received
    start_reason = f"Application received on {_fmt(received)}, which is day 1."
    waiting_since: date | None = None
    applied: list[InformationRequest] = []
    for asked, answered in requests:
        if asked > window_end:
            applied.append(
                InformationRequest(
                    asked,
                    answered,
                    restarts=False,
                    explanation=(
                        f"Asked on {_fmt(asked)}, after the 14 days beginning with the application "
                        f"(last day {_fmt(window_end)}): it does not move the date (s3(6))."
                    ),
                )
            )
            continue
        arrived = answered if answered is not None else today
        assert arrived is not None  # _validated insists on today when a request is open
        if answered is None:
            waiting_since = asked
            explanation = (
                f"Asked on {_fmt(asked)}, still awaited on {_fmt(arrived)}: the period will run from the "
                "day it arrives; shown as if it arrived today."
            )
        else:
            explanation = f"Asked on {_fmt(asked)}, received on {_fmt(answered)}: the period runs from then."
        applied.append(InformationRequest(asked, answered, restarts=True, explanation=explanation))
        if arrived > start:
            start = arrived
    if start != received:
        start_reason = (
            f"Application received on {_fmt(received)}; further information needed to identify the "
            f"patient or confirm the applicant's entitlement {'is awaited' if waiting_since else 'arrived'}"
            f" on {_fmt(start)}{' (today)' if waiting_since else ''}, which is day 1 (s3(6))."
        )

    days = AHRA_RECENT_DAYS if recent_records_only else AHRA_DAYS
    due = start + timedelta(days=days - 1)
    steps = (f"{_fmt(start)} is day 1 -> day {days} is {_fmt(due)}",)
    if recent_records_only:
        rule = (
            "21 days beginning with the date of the application, because every part of the record asked "
            "for was made in the 40 days before it (Access to Health Records Act 1990 s3(5)); calendar "
            "days, the day of the application counted as day 1."
        )
    else:
        rule = (
            "40 days beginning with the date of the application (Access to Health Records Act 1990 "
            "s3(5)); calendar days, the day of the application counted as day 1."
        )
    notes: list[str] = [
        "No days are skipped: the Act counts calendar days and does not move a period that ends on a "
        "weekend or bank holiday."
    ]
    if not is_working_day(due, kind="sar", nation=nation):
        last_working = due
        while not is_working_day(last_working, kind="sar", nation=nation):
            last_working -= timedelta(days=1)
        notes.append(
            f"{_fmt(due)} is not a working day: send the response by {_fmt(last_working)}, the last "
            "working day before it."
        )
    if waiting_since is not None:
        notes.append(
            f"Waiting since {_fmt(waiting_since)} for further information: the due date moves one day "
            "later for each further day without it."
        )
    return DeceasedWorking(
        received=received,
        start=start,
        start_reason=start_reason,
        rule=rule,
        steps=steps,
        skipped=(),
        pauses=tuple(applied),
        waiting_since=waiting_since,
        notes=tuple(notes),
        due=due,
    )


def _validated(
    received: date, requests: Sequence[tuple[date, date | None]], today: date | None
) -> list[tuple[date, date | None]]:
    for asked, answered in requests:
        _require_date("further information asked", asked)
        if answered is not None:
            _require_date("further information answered", answered)
        if asked < received:
            raise ValueError(
                f"Further information cannot be asked for ({_fmt(asked)}) before the application was "
                f"received ({_fmt(received)})."
            )
        if answered is not None and answered < asked:
            raise ValueError(
                f"Further information cannot arrive ({_fmt(answered)}) before it was asked for "
                f"({_fmt(asked)})."
            )
        latest = answered if answered is not None else asked
        if today is not None and latest > today:
            raise ValueError(f"A further information date ({_fmt(latest)}) is after today ({_fmt(today)}).")
    if any(answered is None for _, answered in requests) and today is None:
        raise ValueError(
            "Further information is still awaited: pass today= to get the due date as it stands if it "
            "arrives today."
        )
    return sorted(requests, key=lambda request: (request[0], request[1] is None))


def _require_date(name: str, value: object) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(
            f"{name} must be a datetime.date, not {type(value).__name__}; "
            "convert timestamps with django.utils.timezone.localdate()."
        )
