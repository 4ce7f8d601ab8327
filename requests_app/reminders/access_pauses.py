"""Access requests whose wait on the requester has passed its limit close themselves, with a notice.

A case paused for proof of identity, a fee or a clarification (UK GDPR Art 12A; FOIA s1(3); EIR reg 9)
that has heard nothing for more than ``ACCESS_PAUSE_LIMIT_DAYS`` days (default 90, as the Ministry of
Justice correspondence tool does), or a FOI request whose fees notice has gone unpaid for the three
months the Act allows (FOIA s9(2); FOISA s9(4)), is closed by the portal as "lapsed": one milestone per
pause, claimed once by the sweep, which fires the workflow's ``lapse`` move and tells the handler; the
requester is emailed by the move's own task. A reply recorded before the sweep claims it supersedes
the milestone.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from requests_app.deadlines_reviews import fee_lapses_on
from requests_app.models import AccessRequest, AccessRequestKind
from requests_app.models.access import OPEN_STATUSES, Pause, PauseReason
from requests_app.reminders.base import (
    Message,
    Milestone,
    Policy,
    ReminderSource,
    active_users,
    day,
    ig_team,
    plural,
)


def lapse_milestone(pause: Pause | None, *, today: date, limit_days: int, kind: str = "") -> Milestone | None:
    """The lapse a case owes on ``today``: its open pause has lasted more than ``limit_days`` days; a FOI
    fees notice instead when its three months have passed unpaid (FOIA s9(2); FOISA s9(4))."""
    if pause is None or pause.ended is not None:
        return None
    if kind == AccessRequestKind.FOI and pause.reason == PauseReason.FEE:
        lapses_on = fee_lapses_on(pause.started)
        count = (lapses_on - pause.started).days
    else:
        lapses_on = pause.started + timedelta(days=limit_days + 1)
        count = limit_days
    if today < lapses_on:
        return None
    return Milestone(f"{pause.started}:{pause.reason}:lapsed", lapses_on, "lapsed", count)


# The shortest three months (beginning with a day in late November or December): 89 days to the lapse.
FOI_FEE_MIN_DAYS = 89


class AccessRequestPauseLapses(ReminderSource):
    key = "access_pause_lapses"
    label = "Access requests closed after a pause passed its limit"

    def candidates(self, *, today: date, policy: Policy) -> QuerySet[AccessRequest]:
        limit = settings.ACCESS_PAUSE_LIMIT_DAYS
        before = today - timedelta(days=limit)
        waiting = (
            Q(identity_requested_on__lt=before, identity_verified_on__isnull=True)
            | Q(kind=AccessRequestKind.SAR, fee_requested_on__lt=before, fee_paid_on__isnull=True)
            # A FOI fees notice lapses after three months (at least 89 days); due() has the exact day.
            | Q(
                kind=AccessRequestKind.FOI,
                fee_requested_on__lte=today - timedelta(days=FOI_FEE_MIN_DAYS),
                fee_paid_on__isnull=True,
            )
            | Q(clarifications__asked_on__lt=before, clarifications__answered_on__isnull=True)
        )
        return (
            AccessRequest.objects.filter(waiting, status__in=OPEN_STATUSES)
            .distinct()
            .select_related("handler")
            .prefetch_related("clarifications")
        )

    def due(self, obj: AccessRequest, *, today: date, policy: Policy) -> list[Milestone]:
        milestone = lapse_milestone(
            obj.open_pause, today=today, limit_days=settings.ACCESS_PAUSE_LIMIT_DAYS, kind=obj.kind
        )
        return [milestone] if milestone is not None else []

    def act(self, obj: AccessRequest, milestone: Milestone, *, today: date) -> None:
        from requests_app.services.workflow import system_transition

        pause = obj.open_pause
        assert pause is not None
        system_transition(
            obj,
            "lapse",
            comment=(
                f"Closed by the portal: we asked for {pause.reason.label.lower()} on "
                f"{day(pause.started)} and had no reply in {plural(milestone.count, 'day')}."
            ),
        )

    def messages(
        self, obj: AccessRequest, milestone: Milestone, *, today: date, policy: Policy
    ) -> list[Message]:
        # Read as the case stood before the move this milestone made: the pause that was still open.
        pause = next((each for each in obj.pauses() if each.ended is None), None)
        asked = f"asked on {day(pause.started)}" if pause is not None else "asked"
        what = pause.reason.label.lower() if pause is not None else "a reply"
        return [
            Message(
                active_users([obj.handler]) or ig_team(),
                f"Closed after no reply: {obj.reference}",
                f"{obj.reference} has been closed: we waited for {what} ({asked}) for more than "
                f"{plural(milestone.count, 'day')}. The requester has been told, and may ask again.\n",
                obj.get_absolute_url(),
            )
        ]
