"""The sharing request workflow as a table: states, named transitions, who may fire them, guards.

Pure data and predicates; `requests_app.services.workflow.transition` is the one function that
applies it, so nothing else ever assigns ``SharingRequest.status``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User

from requests_app.models import RequestStatus, SharingRequest

S = RequestStatus
ActorCheck = Callable[[User, SharingRequest], bool]


def _is_requester(user: User, request: SharingRequest) -> bool:
    return request.requester_id == user.pk


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[RequestStatus]
    target: RequestStatus
    may_fire: ActorCheck
    who: str
    comment_required: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            "Submit for review",
            frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
            S.SUBMITTED,
            _is_requester,
            "the requester",
        ),
        Transition(
            "withdraw",
            "Withdraw the request",
            frozenset(
                {
                    S.DRAFT,
                    S.SUBMITTED,
                    S.IG_REVIEW,
                    S.AWAITING_CALDICOTT,
                    S.AWAITING_SIRO,
                    S.CHANGES_REQUESTED,
                }
            ),
            S.WITHDRAWN,
            _is_requester,
            "the requester",
            comment_required=True,
        ),
    )
}

CLOSED_STATUSES = frozenset({S.REJECTED, S.WITHDRAWN, S.CLOSED})
