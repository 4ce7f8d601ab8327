"""The default retention schedule for IG Portal's own records, and the arithmetic of when a period ends.

Pure: no Django import, no database. ``RETENTION_DEFAULTS`` seeds the ``RetentionRule`` rows the DPO
then edits (the migration ``0027_retention`` reads it once); ``retain_until`` is the one place a period
is added to its trigger date.

The defaults follow Appendix II of the Records Management Code of Practice for Health and Social Care
(NHS England, 2021, updated 2023). Appendix II's own introduction says its periods are minimums and
run from when the record stops being operational. The entry each default names was NOT checked against
the Code's text in this project (the text of the schedule's rows was not available to us): every
default is stored with ``verified`` false and the schedule page asks the DPO to confirm it against the
Code before relying on it (docs/retention.md says which).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DefaultRule:
    record_type: str
    period_months: int
    trigger: str
    authority: str


CODE = "Records Management Code of Practice 2021 (updated 2023), Appendix II"
LOCAL = "Local decision: no Appendix II entry covers this record"

RETENTION_DEFAULTS: tuple[DefaultRule, ...] = (
    DefaultRule("sharing_request", 72, "closure", f"{CODE}: 'Contracts' (by analogy; to be confirmed)"),
    DefaultRule("disclosure", 72, "closure", f"{CODE}: 'Contracts' (by analogy; to be confirmed)"),
    DefaultRule("data_flow", 72, "agreement_end", f"{CODE}: 'Contracts' (by analogy; to be confirmed)"),
    DefaultRule("isa", 72, "agreement_end", f"{CODE}: 'Contracts', 6 years after the contract ends"),
    DefaultRule("dpia", 72, "last_review", f"{CODE}: 'Data protection impact assessments'"),
    DefaultRule("incident", 120, "closure", f"{CODE}: 'Incidents (not serious)', 10 years"),
    DefaultRule(
        "access_request",
        36,
        "closure",
        f"{CODE}: 'Subject access requests (SAR) and disclosure correspondence' / 'FOI requests', 3 years"
        " after closure",
    ),
    DefaultRule("consent_withdrawal", 72, "closure", LOCAL),
    DefaultRule("notification", 24, "creation", LOCAL),
    DefaultRule("supporting_document", 36, "closure", f"{CODE}: follows the record it supports"),
    DefaultRule("session", 3, "closure", LOCAL),
    DefaultRule("api_token", 12, "closure", LOCAL),
    DefaultRule("audit_event", 72, "creation", LOCAL),
)


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months; the 31st becomes the month's last day where there is none."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


def retain_until(trigger_date: date, *, period_months: int) -> date:
    """The last day a record must be kept: its trigger date plus the period (the Code's minimum)."""
    return add_months(trigger_date, period_months)


def describe_period(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"
