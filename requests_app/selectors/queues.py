"""The reviewers' queues: what waits for each stage, urgent first, then oldest first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from igportal.roles import IG_TEAM, Role
from requests_app.models import Assessment, RequestStatus, SharingRequest, SignOff, SignOffStage
from requests_app.selectors.delegations import acting_roles
from requests_app.selectors.sharing import LIST_DEFERRED
from requests_app.signers import may_sign, stage_roles


@dataclass(frozen=True)
class Queue:
    slug: str
    title: str
    statuses: frozenset[RequestStatus]
    # The sign-off stage whose signers work the queue (the organisation's policy says which roles);
    # None for the IG team's triage queue.
    stage: str | None
    description: str


QUEUES: dict[str, Queue] = {
    queue.slug: queue
    for queue in (
        Queue(
            "ig",
            "IG review",
            frozenset({RequestStatus.SUBMITTED, RequestStatus.IG_REVIEW}),
            None,
            "New requests to triage and requests in IG review.",
        ),
        Queue(
            "caldicott",
            "Caldicott Guardian decisions",
            frozenset({RequestStatus.AWAITING_CALDICOTT}),
            SignOffStage.CALDICOTT_GUARDIAN,
            "Requests that need the Caldicott Guardian's decision.",
        ),
        Queue(
            "siro",
            "SIRO sign-off",
            frozenset({RequestStatus.AWAITING_SIRO}),
            SignOffStage.SIRO,
            "High-risk requests that need the SIRO's sign-off.",
        ),
    )
}

URGENT = Q(purpose_category="safeguarding") | Q(urgency__in=["urgent", "emergency"])
# Safeguarding first, then emergencies, then urgent requests: they must never wait behind routine ones.
_PRIORITY = Case(
    When(purpose_category="safeguarding", then=Value(0)),
    When(urgency="emergency", then=Value(1)),
    When(urgency="urgent", then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def queue_roles(queue: Queue, user: User | None = None) -> frozenset[Role]:
    """The roles that work a queue: the IG team triages; each stage's signers under the policy in force."""
    return IG_TEAM if queue.stage is None else stage_roles(queue.stage, user)


def _works(queue: Queue, user: User, roles: frozenset[Role]) -> bool:
    return bool(roles & IG_TEAM) if queue.stage is None else may_sign(queue.stage, user, roles)


def works_queue(queue: Queue, user: User) -> bool:
    """Whether ``user`` works this queue (the queue page asks only about its own queue)."""
    return _works(queue, user, acting_roles(user))


def queues_for(user: User) -> list[Queue]:
    # A deputy finds the officer's queue while a delegation is in force.
    roles = acting_roles(user)
    return [queue for queue in QUEUES.values() if _works(queue, user, roles)]


def queue_requests(
    queue: Queue,
    *,
    purpose: str = "",
    urgency: str = "",
    recipient_id: int | None = None,
    older_than_days: int | None = None,
    assigned: str = "",
    user: User | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[SharingRequest]:
    return filtered_requests(
        SharingRequest.objects.filter(status__in=queue.statuses),
        purpose=purpose,
        urgency=urgency,
        recipient_id=recipient_id,
        older_than_days=older_than_days,
        assigned=assigned,
        user=user,
        now=now,
    )


def filtered_requests(
    requests: QuerySet[SharingRequest],
    *,
    purpose: str = "",
    urgency: str = "",
    recipient_id: int | None = None,
    older_than_days: int | None = None,
    assigned: str = "",
    user: User | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[SharingRequest]:
    """The IG team's filters, urgent first then oldest, with the engine's advice beside each request."""
    if purpose:
        requests = requests.filter(purpose_category=purpose)
    if urgency:
        requests = requests.filter(urgency=urgency)
    if recipient_id:
        requests = requests.filter(recipient_id=recipient_id)
    if older_than_days:
        cutoff = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
        requests = requests.filter(submitted_at__lte=cutoff)
    if assigned == "me" and user is not None:
        requests = requests.filter(assigned_to=user)
    elif assigned == "nobody":
        requests = requests.filter(assigned_to=None)
    latest = Assessment.objects.filter(request=OuterRef("pk")).order_by("-number")
    return (
        requests.select_related("recipient", "assigned_to")
        .defer(*LIST_DEFERRED)
        .annotate(
            priority=_PRIORITY,
            # What the engine advised and how risky, from the latest assessment: reviewers triage on it.
            engine_outcome=Subquery(latest.values("outcome")[:1]),
            engine_risk=Subquery(latest.values("risk")[:1]),
            overridden=Exists(SignOff.objects.filter(request=OuterRef("pk")).exclude(override="")),
        )
        .order_by("priority", "submitted_at", "id")
    )


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    waiting: int
    urgent: int


def queue_counts(user: User) -> list[QueueCount]:
    """How many requests wait in each of the user's queues, and how many of them are urgent; one query."""
    queues = queues_for(user)
    if not queues:
        return []
    aggregates = {}
    for queue in queues:
        in_queue = Q(status__in=queue.statuses)
        aggregates[f"{queue.slug}_waiting"] = Count("pk", filter=in_queue)
        aggregates[f"{queue.slug}_urgent"] = Count("pk", filter=in_queue & URGENT)
    totals = SharingRequest.objects.aggregate(**aggregates)
    return [
        QueueCount(queue, totals[f"{queue.slug}_waiting"], totals[f"{queue.slug}_urgent"]) for queue in queues
    ]
