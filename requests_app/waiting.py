"""How long a sharing request may wait for its sign-off before it is waiting too long: one notion, used
by the queues' flag and the sign-off reminders.

Pure: takes the urgency, when the wait began and ``now``; reads nothing. A routine request waits too long
after the reminders' N working days (``CHASER_SIGNOFF_WORKING_DAYS``); urgent requests much sooner,
because a delay is itself a harm [004 6.2; 002 principle 7].
"""

from __future__ import annotations

import datetime

from requests_app.deadlines import add_working_days

# Safeguarding and emergencies are decided the same working day; urgent ones the next day.
URGENT_LIMITS: dict[str, datetime.timedelta] = {
    "safeguarding": datetime.timedelta(hours=4),
    "emergency": datetime.timedelta(hours=4),
    "urgent": datetime.timedelta(hours=24),
}


def urgency_key(*, purpose_category: str, urgency: str) -> str:
    return "safeguarding" if purpose_category == "safeguarding" else urgency


def waited_too_long(
    *,
    since: datetime.datetime | None,
    purpose_category: str,
    urgency: str,
    now: datetime.datetime,
    routine_working_days: int,
    nation: str = "",
) -> bool:
    """True once the request has waited past its limit: hours for urgent ones, working days otherwise."""
    if since is None:
        return False
    limit = URGENT_LIMITS.get(urgency_key(purpose_category=purpose_category, urgency=urgency))
    if limit is not None:
        return now - since > limit
    return now.date() >= first_day_too_long(since.date(), working_days=routine_working_days, nation=nation)


def first_day_too_long(entered: datetime.date, *, working_days: int, nation: str = "") -> datetime.date:
    """ "More than N working days": the first day on which N + 1 have gone by (the reminders' count too)."""
    # No nation set: England's bank holidays, as the organisation's default.
    return add_working_days(entered, working_days + 1, kind="sar", nation=nation or "england")


def limit_label(*, purpose_category: str, urgency: str, routine_working_days: int) -> str:
    limit = URGENT_LIMITS.get(urgency_key(purpose_category=purpose_category, urgency=urgency))
    if limit is not None:
        return f"{int(limit.total_seconds() // 3600)} hours"
    return f"{routine_working_days} working days"
