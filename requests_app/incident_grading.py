"""Grading a data security and protection incident, and the ICO's 72-hour clock. Pure functions.

The scale is the breach assessment grid of NHS Digital's "Guide to the Notification of Data Security and
Protection Incidents" (the grid the DSPT incident reporting tool uses): the likelihood that people's
rights have been affected (1 not occurred .. 5 occurred) against the severity of the adverse effect
(1 no adverse effect .. 5 death or catastrophic event). ``docs/incidents.md`` explains the portal's reading
of the grid; the DPO records the final decision on reporting, with a reason when it departs from the grid.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import IntEnum, StrEnum

ICO_DEADLINE = datetime.timedelta(hours=72)


class Likelihood(IntEnum):
    NOT_OCCURRED = 1
    NOT_LIKELY = 2
    LIKELY = 3
    HIGHLY_LIKELY = 4
    OCCURRED = 5


class Severity(IntEnum):
    NO_ADVERSE_EFFECT = 1
    MINOR = 2
    ADVERSE = 3
    SERIOUS = 4
    CATASTROPHIC = 5


LIKELIHOOD_LABELS: dict[Likelihood, str] = {
    Likelihood.NOT_OCCURRED: "1 Not occurred: certain that no adverse effect can arise",
    Likelihood.NOT_LIKELY: "2 Not likely: no evidence either way, or vulnerable people are involved",
    Likelihood.LIKELY: "3 Likely: an adverse effect is likely",
    Likelihood.HIGHLY_LIKELY: "4 Highly likely: an adverse effect is almost certain",
    Likelihood.OCCURRED: "5 Occurred: an adverse effect has been reported",
}
SEVERITY_LABELS: dict[Severity, str] = {
    Severity.NO_ADVERSE_EFFECT: "1 No adverse effect",
    Severity.MINOR: "2 Potentially some minor adverse effect, or vulnerable people involved",
    Severity.ADVERSE: "3 Potentially some adverse effect, such as embarrassment or delayed care",
    Severity.SERIOUS: "4 Potentially pain and suffering, or financial loss",
    Severity.CATASTROPHIC: "5 Death or a catastrophic event",
}


class Band(StrEnum):
    GREY = "grey"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class Grade:
    likelihood: int
    severity: int
    band: Band
    # What the grid says about telling the ICO; the DPO's recorded decision may differ, with a reason.
    reportable: bool
    # The guide advises telling within 24 hours for the most serious (red) incidents.
    advised_within_hours: int | None

    @property
    def summary(self) -> str:
        if not self.reportable:
            return f"Grade {self.likelihood} x {self.severity}: not reportable to the ICO"
        return (
            f"Grade {self.likelihood} x {self.severity}: reportable to the ICO, "
            f"within {self.advised_within_hours} hours of becoming aware"
        )


def grade(likelihood: int, severity: int) -> Grade:
    """The grid's cell: grey when either axis is 1, red from a product of 15, amber in between."""
    if not (1 <= likelihood <= 5 and 1 <= severity <= 5):
        raise ValueError("Likelihood and severity are each scored from 1 to 5.")
    if likelihood == Likelihood.NOT_OCCURRED or severity == Severity.NO_ADVERSE_EFFECT:
        return Grade(likelihood, severity, Band.GREY, reportable=False, advised_within_hours=None)
    if likelihood * severity >= 15:
        return Grade(likelihood, severity, Band.RED, reportable=True, advised_within_hours=24)
    return Grade(likelihood, severity, Band.AMBER, reportable=True, advised_within_hours=72)


@dataclass(frozen=True)
class IcoClock:
    aware_at: datetime.datetime
    deadline: datetime.datetime
    reported_at: datetime.datetime | None
    remaining: datetime.timedelta

    @property
    def running(self) -> bool:
        return self.reported_at is None

    @property
    def overdue(self) -> bool:
        return self.remaining < datetime.timedelta(0)

    @property
    def reported_in_time(self) -> bool | None:
        return None if self.reported_at is None else self.reported_at <= self.deadline

    @property
    def remaining_text(self) -> str:
        """ "41 hours 12 minutes left" or "5 hours 3 minutes overdue", to the minute."""
        minutes = int(abs(self.remaining).total_seconds() // 60)
        hours, minutes = divmod(minutes, 60)
        text = f"{hours} hour{'s' if hours != 1 else ''} {minutes} minute{'s' if minutes != 1 else ''}"
        return f"{text} overdue" if self.overdue else f"{text} left"


def ico_clock(
    *, aware_at: datetime.datetime, now: datetime.datetime, reported_at: datetime.datetime | None = None
) -> IcoClock:
    """UK GDPR Art 33(1): notify the ICO without undue delay and within 72 hours of becoming aware.

    The clock counts real hours (weekends and bank holidays included); once reported it stops at the
    moment of the report.
    """
    deadline = aware_at + ICO_DEADLINE
    as_of = reported_at if reported_at is not None else now
    return IcoClock(aware_at=aware_at, deadline=deadline, reported_at=reported_at, remaining=deadline - as_of)
