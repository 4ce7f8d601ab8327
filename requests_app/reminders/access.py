"""Access request deadlines: the handler before and on the due date, the DPO once it has passed."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet

from igportal.people import display_name
from requests_app.deadlines import add_working_days
from requests_app.models import AccessRequest, AccessRequestKind
from requests_app.models.access import OPEN_STATUSES
from requests_app.reminders.base import (
    Message,
    Milestone,
    Policy,
    ReminderSource,
    active_users,
    data_protection_officers,
    day,
    ig_team,
    latest_milestone,
    overdue_milestone,
    plural,
)


def _calendar(kind: str) -> str:
    # FOI and EIR count UK-wide working days; the rest count the organisation's own, as SAR does.
    return kind if kind in (AccessRequestKind.FOI, AccessRequestKind.EIR) else AccessRequestKind.SAR


def access_milestones(
    due: date, *, kind: str, today: date, working_days: tuple[int, ...], repeat_days: int, nation: str
) -> list[Milestone]:
    """The milestone a case due on ``due`` owes on ``today``: the latest reminder, or the escalation."""
    if today > due:
        return [overdue_milestone(due, today=today, repeat_days=repeat_days)]
    if today == due:
        return [Milestone(f"{due}:on-the-day", due, "on_the_day")]
    series = [
        (count, add_working_days(due, -count, kind=_calendar(kind), nation=nation)) for count in working_days
    ]
    return latest_milestone(
        series, today=today, key=lambda count: f"{due}:{count}-working-days-before", step="before"
    )


class AccessRequestDeadlines(ReminderSource):
    key = "access_requests"
    label = "Access request deadlines"

    def candidates(self, *, today: date, policy: Policy) -> QuerySet[AccessRequest]:
        # Enough calendar days ahead to cover the longest reminder series over weekends and holidays.
        horizon = today + timedelta(days=2 * max(policy.access_working_days, default=0) + 14)
        return AccessRequest.objects.filter(
            status__in=OPEN_STATUSES, due_on__isnull=False, due_on__lte=horizon
        ).select_related("handler")

    def due(self, obj: AccessRequest, *, today: date, policy: Policy) -> list[Milestone]:
        if obj.due_on is None or not obj.is_open:
            return []
        return access_milestones(
            obj.due_on,
            kind=obj.kind,
            today=today,
            working_days=policy.access_working_days,
            repeat_days=policy.escalation_repeat_days,
            nation=policy.nation,
        )

    def messages(
        self, obj: AccessRequest, milestone: Milestone, *, today: date, policy: Policy
    ) -> list[Message]:
        assert obj.due_on is not None
        kind = AccessRequestKind(obj.kind).label
        handler = display_name(obj.handler) if obj.handler else "nobody yet"
        link = obj.get_absolute_url()
        # Emails leave the organisation: the reference and dates only, never the requester or the subject.
        facts = f"{kind} {obj.reference}\nDue: {day(obj.due_on)}\nHandler: {handler}\n"
        if milestone.step == "overdue":
            return [
                Message(
                    data_protection_officers(),
                    f"Overdue: {obj.reference} was due {day(obj.due_on)}",
                    f"{obj.reference} is {plural(milestone.count, 'day')} past its statutory deadline and "
                    f"has not been answered.\n\n{facts}",
                    link,
                )
            ]
        owners = active_users([obj.handler]) or ig_team()
        if milestone.step == "on_the_day":
            subject = f"Due today: {obj.reference}"
            lead = f"{obj.reference} must be answered today."
        else:
            subject = f"{obj.reference} is due in {plural(milestone.count, 'working day')}"
            lead = f"{obj.reference} must be answered by {day(obj.due_on)}."
        unassigned = "" if obj.handler else "\nNobody handles it yet: assign it to someone.\n"
        return [Message(owners, subject, f"{lead}\n\n{facts}{unassigned}", link)]
