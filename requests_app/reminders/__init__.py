"""The one table of reminder sources. A sweep runs per entry; its key names it everywhere.

Registers of ISAs, data flows and DPIAs join with a ``ReviewDates`` entry each (see
``requests_app.reminders.reviews``).
"""

from __future__ import annotations

from requests_app.reminders.access import AccessRequestDeadlines
from requests_app.reminders.base import Message, Milestone, Policy, ReminderSource
from requests_app.reminders.consent import ConsentRechecks
from requests_app.reminders.signoffs import SignOffWaits

REMINDER_SOURCES: dict[str, ReminderSource] = {
    source.key: source for source in (AccessRequestDeadlines(), SignOffWaits(), ConsentRechecks())
}

__all__ = ["REMINDER_SOURCES", "Message", "Milestone", "Policy", "ReminderSource"]
