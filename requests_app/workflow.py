"""The sharing request workflow as a table: states, named transitions, who may fire them, guards.

Data and predicates only; `requests_app.services.workflow.transition` is the one function that
applies it, so nothing else ever assigns ``SharingRequest.status``.

A submitted request waits in the IG inbox (submitted) until an IG officer or the DPO takes it into
review; it then passes through its stages in order (``SharingRequest.stages``: IG/DPO first, then
the Caldicott Guardian and the SIRO where the engine or the IG team requires them). Each stage ends
with one sign-off: approve (on to the next stage, or approved at the last), approve with conditions,
request changes (back to the requester, who resubmits as a new assessment) or reject (closed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User

from igportal.roles import Role, roles_of
from requests_app.models import RequestStatus, SharingRequest, SignOffStage

S = RequestStatus

STAGE_STATUS: dict[str, RequestStatus] = {
    SignOffStage.IG_DPO: S.IG_REVIEW,
    SignOffStage.CALDICOTT_GUARDIAN: S.AWAITING_CALDICOTT,
    SignOffStage.SIRO: S.AWAITING_SIRO,
}
STATUS_STAGE: dict[RequestStatus, str] = {status: stage for stage, status in STAGE_STATUS.items()}
STAGE_ROLES: dict[str, frozenset[Role]] = {
    SignOffStage.IG_DPO: frozenset({Role.IG_OFFICER, Role.DPO}),
    SignOffStage.CALDICOTT_GUARDIAN: frozenset({Role.CALDICOTT_GUARDIAN}),
    SignOffStage.SIRO: frozenset({Role.SIRO}),
}
STAGE_ORDER = (SignOffStage.IG_DPO, SignOffStage.CALDICOTT_GUARDIAN, SignOffStage.SIRO)
REVIEW_STATUSES: frozenset[RequestStatus] = frozenset(STATUS_STAGE)
OPEN_STATUSES = frozenset({S.SUBMITTED, *REVIEW_STATUSES})
CLOSED_STATUSES = frozenset({S.REJECTED, S.WITHDRAWN, S.CLOSED, S.NOT_SHARED})
APPROVED_STATUSES = frozenset({S.APPROVED, S.APPROVED_WITH_CONDITIONS})
# Statuses that end the review with a decision; each gets a decision record.
DECIDED_STATUSES = frozenset({*APPROVED_STATUSES, S.REJECTED})


def ordered_stages(stages: Sequence[str]) -> list[str]:
    """Stages in the fixed order of review, IG/DPO always first: the IG team checks every request."""
    wanted = {SignOffStage.IG_DPO.value, *stages}
    return [stage.value for stage in STAGE_ORDER if stage.value in wanted]


def current_stage(request: SharingRequest) -> str | None:
    return STATUS_STAGE.get(RequestStatus(request.status))


def stage_after(request: SharingRequest, stage: str) -> str | None:
    stages = ordered_stages(request.stages)
    later = stages[stages.index(stage) + 1 :] if stage in stages else []
    return later[0] if later else None


# Who may fire: each predicate also enforces segregation of duties (never on one's own request).
Check = Callable[[User, SharingRequest], bool]


def _requester(user: User, request: SharingRequest) -> bool:
    return request.requester_id == user.pk


def _ig_team(user: User, request: SharingRequest) -> bool:
    return request.requester_id != user.pk and bool(roles_of(user) & {Role.IG_OFFICER, Role.DPO})


def _stage_signer(user: User, request: SharingRequest) -> bool:
    stage = current_stage(request)
    return stage is not None and request.requester_id != user.pk and bool(roles_of(user) & STAGE_ROLES[stage])


def _requester_or_ig_team(user: User, request: SharingRequest) -> bool:
    return _requester(user, request) or bool(roles_of(user) & {Role.IG_OFFICER, Role.DPO})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[RequestStatus]
    may_fire: Check
    who: str
    # None: the target depends on the request's stages and sign-offs (see services.workflow).
    target: RequestStatus | None
    comment_required: bool = False
    is_decision: bool = False
    # How the request's page and conflict messages say it was done: "already {done} by Fay at 10:02".
    done: str = ""


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            "Submit for review",
            frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
            _requester,
            "the requester",
            S.SUBMITTED,
            done="submitted",
        ),
        Transition(
            "start_review",
            "Start the IG review",
            frozenset({S.SUBMITTED}),
            _ig_team,
            "an IG officer or the DPO, on someone else's request,",
            S.IG_REVIEW,
            done="taken into IG review",
        ),
        Transition(
            "approve",
            "Approve",
            REVIEW_STATUSES,
            _stage_signer,
            "the signer of this stage, on someone else's request,",
            None,
            is_decision=True,
            done="approved",
        ),
        Transition(
            "approve_with_conditions",
            "Approve with conditions",
            REVIEW_STATUSES,
            _stage_signer,
            "the signer of this stage, on someone else's request,",
            None,
            comment_required=True,
            is_decision=True,
            done="approved with conditions",
        ),
        Transition(
            "request_changes",
            "Request changes",
            REVIEW_STATUSES,
            _stage_signer,
            "the signer of this stage, on someone else's request,",
            S.CHANGES_REQUESTED,
            comment_required=True,
            is_decision=True,
            done="sent back for changes",
        ),
        Transition(
            "reject",
            "Reject",
            REVIEW_STATUSES,
            _stage_signer,
            "the signer of this stage, on someone else's request,",
            S.REJECTED,
            comment_required=True,
            is_decision=True,
            done="rejected",
        ),
        Transition(
            "withdraw",
            "Withdraw the request",
            frozenset({S.DRAFT, S.CHANGES_REQUESTED, *OPEN_STATUSES}),
            _requester,
            "the requester",
            S.WITHDRAWN,
            comment_required=True,
            done="withdrawn",
        ),
        Transition(
            "close",
            "Mark as shared and closed",
            APPROVED_STATUSES,
            _requester_or_ig_team,
            "the requester or the IG team",
            S.CLOSED,
            done="closed",
        ),
        Transition(
            "not_shared",
            "Close as not shared after all",
            APPROVED_STATUSES,
            _requester_or_ig_team,
            "the requester or the IG team",
            S.NOT_SHARED,
            comment_required=True,
            done="closed as not shared",
        ),
    )
}


def available_transitions(user: User, request: SharingRequest) -> list[Transition]:
    """What the user may do to the request now, for the buttons on its page."""
    return [t for t in TRANSITIONS.values() if request.status in t.sources and t.may_fire(user, request)]
