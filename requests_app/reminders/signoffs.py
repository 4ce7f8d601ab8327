"""Sign-offs waiting too long: the stage's signers after N working days, the IG team after 2N."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import User
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from igportal.roles import IG_TEAM
from requests_app.models import (
    OrganisationSettings,
    RequestHistory,
    RequestStatus,
    SharingRequest,
    SignOffStage,
)
from requests_app.reminders.base import (
    Message,
    Milestone,
    Policy,
    ReminderSource,
    active_users,
    day,
    ig_team,
    plural,
    role_members,
)
from requests_app.signers import stage_roles
from requests_app.waiting import first_day_too_long

S = RequestStatus
# The IG inbox counts as a stage: a submitted request waits on the IG team as much as one in review.
WAITING_STATUSES = (S.SUBMITTED, S.AWAITING_IAO, S.IG_REVIEW, S.AWAITING_CALDICOTT, S.AWAITING_SIRO)


def signoff_milestones(
    entered: date, *, stint: str, today: date, working_days: int, nation: str
) -> list[Milestone]:
    """What a request that entered its status on ``entered`` owes on ``today``; ``stint`` names the entry."""
    owed = []
    for step, waited in (("nudge", working_days), ("escalate", 2 * working_days)):
        falls_on = first_day_too_long(entered, working_days=waited, nation=nation)
        if falls_on <= today:
            owed.append(Milestone(f"{stint}:{step}", falls_on, step, waited))
    return owed


def _entered(obj: SharingRequest) -> tuple[str, datetime | None]:
    """The stint's stable name and when the request entered its status (submission if no history)."""
    entered_id: int | None = getattr(obj, "entered_id", None)
    if entered_id is not None:
        return f"{obj.status}@history-{entered_id}", getattr(obj, "entered_at", None)
    if obj.submitted_at is None:
        return "", None
    return f"{obj.status}@submitted-{timezone.localdate(obj.submitted_at)}", obj.submitted_at


class SignOffWaits(ReminderSource):
    key = "signoffs"
    label = "Sign-offs waiting"

    def candidates(self, *, today: date, policy: Policy) -> QuerySet[SharingRequest]:
        entries = (
            RequestHistory.objects.filter(request=OuterRef("pk"), to_status=OuterRef("status"))
            .exclude(from_status=F("to_status"))
            .order_by("-occurred_at", "-id")
        )
        return (
            SharingRequest.objects.filter(status__in=WAITING_STATUSES)
            .annotate(
                entered_id=Subquery(entries.values("id")[:1]),
                entered_at=Subquery(entries.values("occurred_at")[:1]),
            )
            .select_related("assigned_to")
        )

    def due(self, obj: SharingRequest, *, today: date, policy: Policy) -> list[Milestone]:
        stint, entered_at = _entered(obj)
        if obj.status not in WAITING_STATUSES or entered_at is None:
            return []
        return signoff_milestones(
            timezone.localdate(entered_at),
            stint=stint,
            today=today,
            working_days=policy.signoff_working_days,
            nation=policy.nation,
        )

    def messages(
        self, obj: SharingRequest, milestone: Milestone, *, today: date, policy: Policy
    ) -> list[Message]:
        status = obj.get_status_display()
        waited = plural(milestone.count, "working day")
        link = reverse("request_detail", args=[obj.reference])
        _, entered_at = _entered(obj)
        since = day(timezone.localdate(entered_at)) if entered_at else "submission"
        if milestone.step == "nudge":
            recipients = tuple(user for user in _signers(obj) if user.pk != obj.requester_id)
            return [
                Message(
                    recipients,
                    f"{obj.reference} has waited more than {waited} for you",
                    f"Sharing request {obj.reference} has been {status.lower()} since {since}, more than "
                    f"{waited}. Please decide it or say what is holding it up.",
                    link,
                )
            ]
        return [
            Message(
                tuple(user for user in ig_team() if user.pk != obj.requester_id),
                f"Stalled: {obj.reference} has waited more than {waited}",
                f"Sharing request {obj.reference} has been {status.lower()} since {since}, more than "
                f"{waited}, and its signers were reminded after "
                f"{plural(policy.signoff_working_days, 'working day')}. Please find out why it is stuck.",
                link,
            )
        ]


def _signers(obj: SharingRequest) -> tuple[User, ...]:
    if obj.status in (S.SUBMITTED, S.IG_REVIEW):
        if obj.status == S.IG_REVIEW and obj.assigned_to is not None and obj.assigned_to.is_active:
            return (obj.assigned_to,)
        return role_members(*IG_TEAM)
    if obj.status == S.AWAITING_IAO:
        # The owner of the assets the request draws on, and their named delegate.
        return active_users(
            signer
            for asset in obj.assets.select_related("owner", "delegate")
            for signer in (asset.owner, asset.delegate)
        )
    portal = OrganisationSettings.load()
    # The named officer first; else everyone whose role signs the stage under the organisation's policy.
    if obj.status == S.AWAITING_CALDICOTT:
        officer, stage = portal.caldicott_guardian, SignOffStage.CALDICOTT_GUARDIAN
    else:
        officer, stage = portal.siro, SignOffStage.SIRO
    return active_users([officer]) or role_members(*stage_roles(stage))
