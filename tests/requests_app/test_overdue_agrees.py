"""One notion of overdue: the DPO's home page, the register dashboard, the access request list's filter
and the reminders name the same late cases; the queues flag the same requests the sign-off reminder
would nudge.

Seen before: the dashboard said "Nothing is overdue" while the DPO's home page listed six overdue
access requests.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from requests_app.models import AccessRequest, AccessRequestStatus
from requests_app.reminders.access import AccessRequestDeadlines
from requests_app.reminders.base import Policy
from requests_app.reminders.signoffs import signoff_milestones
from requests_app.waiting import waited_too_long
from tests.conftest import ClientFor
from tests.factories import AccessRequestFactory

pytestmark = pytest.mark.django_db
S = AccessRequestStatus


def _cases() -> dict[str, AccessRequest]:
    today = timezone.localdate()
    late = [
        AccessRequestFactory.create(kind=kind, status=S.IN_PROGRESS, due_on=today - timedelta(days=days))
        for kind, days in (("sar", 1), ("foi", 3), ("eir", 9), ("sar", 20), ("foi", 40), ("sar", 2))
    ]
    return {
        **{f"late{index}": case for index, case in enumerate(late)},
        "today": AccessRequestFactory.create(kind="sar", status=S.IN_PROGRESS, due_on=today),
        "stopped": AccessRequestFactory.create(kind="sar", status=S.AWAITING_CLARIFICATION, due_on=None),
        "answered_late": AccessRequestFactory.create(
            kind="foi",
            status=S.RESPONDED,
            due_on=today - timedelta(days=5),
            responded_on=today - timedelta(days=1),
            outcome="provided_in_full",
        ),
    }


def test_home_dashboard_list_and_reminders_agree_on_overdue_access_requests(
    dpo: User, client_for: ClientFor
) -> None:
    cases = _cases()
    expected = {case.reference for name, case in cases.items() if name.startswith("late")}
    client = client_for(dpo)
    today = timezone.localdate()

    home = client.get(reverse("home")).content.decode()
    dashboard = client.get(reverse("register_dashboard")).content.decode()
    listed = client.get(reverse("access_request_list"), {"overdue": "on"}).content.decode()
    source, policy = AccessRequestDeadlines(), Policy.load()
    escalated = {
        case.reference
        for case in source.candidates(today=today, policy=policy)
        if any(m.step == "overdue" for m in source.due(case, today=today, policy=policy))
    }

    assert "Nothing is overdue" not in dashboard
    # The home page also lists cases due soon; only those it calls overdue count here.
    for page, says in ((home, "{} is overdue"), (dashboard, "{}: response was due"), (listed, "{}")):
        shown = {case.reference for case in cases.values() if says.format(case.reference) in page}
        assert shown == expected, shown ^ expected
    assert escalated == expected


@pytest.mark.parametrize(
    ("purpose", "urgency", "waited", "too_long"),
    [
        ("police_crime", "urgent", timedelta(hours=23), False),
        # The urgent police request that waited two days without a flag.
        ("police_crime", "urgent", timedelta(days=2), True),
        ("safeguarding", "routine", timedelta(hours=5), True),
        ("direct_care", "emergency", timedelta(hours=3), False),
        ("direct_care", "emergency", timedelta(hours=5), True),
    ],
)
def test_urgent_requests_wait_hours_not_days(
    purpose: str, urgency: str, waited: timedelta, too_long: bool
) -> None:
    now = datetime.datetime(2026, 12, 2, 15, 0, tzinfo=datetime.UTC)
    assert (
        waited_too_long(
            since=now - waited, purpose_category=purpose, urgency=urgency, now=now, routine_working_days=3
        )
        is too_long
    )


@pytest.mark.parametrize("days", range(0, 15))
def test_a_routine_request_waits_too_long_exactly_when_the_signoff_reminder_nudges(days: int) -> None:
    entered = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)  # a Monday
    now = entered + timedelta(days=days)
    flagged = waited_too_long(
        since=entered, purpose_category="direct_care", urgency="routine", now=now, routine_working_days=3
    )
    nudged = bool(
        signoff_milestones(entered.date(), stint="s", today=now.date(), working_days=3, nation="england")
    )
    assert flagged is nudged, days
