"""The sharing request workflow as a table: states, named transitions, who may fire them, and what a
decision brings with it (the stage's sign-off, the next stage's reviewers, the decision record).

``requests_app.services.workflow.transition`` is the one function that applies it (the same one for
every workflow), so nothing else ever assigns ``SharingRequest.status``.

A submitted request waits in the IG inbox (submitted) until an IG officer or the DPO takes it into
review; it then passes through its stages in order (``SharingRequest.stages``: IG/DPO first, then
the Caldicott Guardian and the SIRO where the engine or the IG team requires them). Each stage ends
with one sign-off: approve (on to the next stage, or approved at the last), approve with conditions,
request changes (back to the requester, who resubmits as a new assessment) or reject (closed).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from guardian.shortcuts import assign_perm

from igportal.roles import IG_TEAM, roles_of
from requests_app.models import (
    Assessment,
    Decision,
    RequestHistory,
    RequestStatus,
    SharingRequest,
    SignOff,
    SignOffStage,
)
from requests_app.selectors.delegations import acting_roles, delegator_for
from requests_app.services.closing import close_problem
from requests_app.services.outbox import outbox_enqueue
from requests_app.signers import may_sign, stage_roles
from requests_app.tasks import notify_request_history, render_decision_record
from requests_app.transitions import Move, Transition, Workflow, table

S = RequestStatus

STAGE_STATUS: dict[str, RequestStatus] = {
    SignOffStage.IAO: S.AWAITING_IAO,
    SignOffStage.IG_DPO: S.IG_REVIEW,
    SignOffStage.CALDICOTT_GUARDIAN: S.AWAITING_CALDICOTT,
    SignOffStage.SIRO: S.AWAITING_SIRO,
}
STATUS_STAGE: dict[RequestStatus, str] = {status: stage for stage, status in STAGE_STATUS.items()}
# The owner of each asset a request draws on authorises sharing from it before the IG team reviews it
# [000 "sharing"; 004 5.9].
STAGE_ORDER = (SignOffStage.IAO, SignOffStage.IG_DPO, SignOffStage.CALDICOTT_GUARDIAN, SignOffStage.SIRO)
REVIEW_STATUSES: frozenset[RequestStatus] = frozenset(STATUS_STAGE)
OPEN_STATUSES = frozenset({S.SUBMITTED, *REVIEW_STATUSES})
CLOSED_STATUSES = frozenset({S.REJECTED, S.WITHDRAWN, S.CLOSED, S.NOT_SHARED})
APPROVED_STATUSES = frozenset({S.APPROVED, S.APPROVED_WITH_CONDITIONS})
# Statuses that end the review with a decision; each gets a decision record.
DECIDED_STATUSES = frozenset({*APPROVED_STATUSES, S.REJECTED})


def ordered_stages(stages: Sequence[str]) -> list[str]:
    """Stages in the fixed order of review: the asset owners' (when the request draws on a registered
    asset), then IG/DPO, always there: the IG team checks every request."""
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
VIEW = "requests_app.view_sharingrequest"


def _requester(user: User, request: SharingRequest) -> bool:
    return request.requester_id == user.pk


def _ig_team(user: User, request: SharingRequest) -> bool:
    return request.requester_id != user.pk and bool(roles_of(user) & IG_TEAM)


def _asset_owner_signs(user: User, request: SharingRequest) -> bool:
    """The owner or named delegate of every asset the request draws on; the assets of one request share
    an owner (``services.assets.sharing_request_set_assets``), so one signature covers them all."""
    assets = list(request.assets.all())
    return bool(assets) and all(asset.may_sign_for(user.pk) for asset in assets)


# Stages signed by particular people rather than by whoever holds a role.
STAGE_SIGNERS: dict[str, Check] = {SignOffStage.IAO: _asset_owner_signs}


def _stage_signer(user: User, request: SharingRequest) -> bool:
    stage = current_stage(request)
    if stage is None or request.requester_id == user.pk:
        return False
    if stage in STAGE_SIGNERS:
        return STAGE_SIGNERS[stage](user, request)
    # acting_roles: the signer's own roles and those delegated to them today (selectors/delegations.py).
    return may_sign(stage, user, acting_roles(user))


def _first_stage(move: Move[SharingRequest]) -> str:
    """Review starts at the request's first stage: its asset owner's, when it has one."""
    return STAGE_STATUS[ordered_stages(move.entry.stages)[0]]


def _requester_or_ig_team(user: User, request: SharingRequest) -> bool:
    return _requester(user, request) or bool(roles_of(user) & IG_TEAM)


# --- what a decision checks and brings with it ---------------------------------------------------------


def _latest_assessment(sharing_request: SharingRequest) -> Assessment:
    assessment = sharing_request.assessments.order_by("-number").first()
    if assessment is None:
        raise ValidationError(f"{sharing_request.reference} has no submitted assessment to sign.")
    return assessment


def _prepare_decision(move: Move[SharingRequest]) -> None:
    """One person signs one stage: a signer of another stage of this request may not sign this one."""
    if (
        move.spec.name == Decision.APPROVE_WITH_CONDITIONS
        and not str(move.inputs.get("conditions", "")).strip()
    ):
        move.add_error("conditions", "Set out the conditions of the approval.")
    if move.errors:
        return
    # The same row lock as sharing_request_add_stage: a decision works out its next state from the
    # stages as they are once it holds the lock, so a stage added at the same moment is either seen
    # here or refused there (the request no longer under review), never left unsigned.
    move.entry.stages = (
        SharingRequest.objects.select_for_update().values_list("stages", flat=True).get(pk=move.entry.pk)
    )
    stage = current_stage(move.entry)
    assessment = _latest_assessment(move.entry)
    assert move.actor is not None
    if assessment.signoffs.filter(signer=move.actor).exclude(stage=stage).exists():
        raise PermissionDenied(
            "You have signed another stage of this request; a different person must sign this one."
        )
    # An override (approving "do not share", refusing "share") needs a reason of real length, however
    # the decision was made.
    from requests_app.services.overrides import check_transition_decision

    check_transition_decision(assessment, move.spec.name, move.comment)
    move.context["assessment"], move.context["stage"] = assessment, stage


def _after_approval(move: Move[SharingRequest]) -> str:
    """The next stage of the request, or approved (with conditions if any stage set them) at the last."""
    request = move.entry
    stage = move.context["stage"]
    following = stage_after(request, stage)
    if following is not None:
        return STAGE_STATUS[following]
    conditional = (
        move.spec.name == Decision.APPROVE_WITH_CONDITIONS
        or move.context["assessment"].signoffs.filter(decision=Decision.APPROVE_WITH_CONDITIONS).exists()
    )
    return RequestStatus.APPROVED_WITH_CONDITIONS if conditional else RequestStatus.APPROVED


def _sign_the_stage(move: Move[SharingRequest]) -> None:
    """The decision's sign-off; a unique constraint makes it single per stage and assessment."""
    from requests_app.services.overrides import record_override, signoff_override_fields

    assert move.actor is not None
    assessment = move.context["assessment"]
    on_behalf_of = delegator_for(move.actor, stage_roles(move.context["stage"], move.actor))
    if on_behalf_of is not None and on_behalf_of.pk == move.entry.requester_id:
        # Segregation of duties holds through a deputy: nobody's signature goes on their own request.
        raise PermissionDenied("This request is the officer's own: their deputy may not sign it for them.")
    signoff = SignOff.objects.create(
        request=move.entry,
        assessment=assessment,
        stage=move.context["stage"],
        decision=move.spec.name,
        conditions=str(move.inputs.get("conditions", "")).strip(),
        reasons=move.comment,
        signer=move.actor,
        on_behalf_of=on_behalf_of,
        **signoff_override_fields(assessment, move.spec.name),
    )
    move.context["signoff"] = signoff
    record_override(signoff, http_request=move.http_request)


def _closing_record_exists(request: SharingRequest, today: datetime.date) -> list[str]:
    """Closing as shared needs the disclosure logged or the flow registered."""
    problem = close_problem(request)
    return [problem] if problem is not None else []


def _grant_stage_access(move: Move[SharingRequest]) -> None:
    """Reviewers keep seeing a request once it has reached their stage (need-to-know, not role-wide)."""
    stage = STATUS_STAGE.get(RequestStatus(move.to_status))
    if stage is None:
        return
    for role in stage_roles(stage):
        group, _ = Group.objects.get_or_create(name=role.group_name)
        assign_perm(VIEW, group, move.entry)
    if stage == SignOffStage.IAO:
        for asset in move.entry.assets.all():
            for signer in (asset.owner, asset.delegate):
                if signer is not None:
                    assign_perm(VIEW, signer, move.entry)


def _announce(move: Move[SharingRequest]) -> None:
    """The requester and the next signers are told; a decision is written up as a record."""
    history: RequestHistory = move.history
    # Through the outbox: written in this transaction, handed to the broker once it commits.
    outbox_enqueue(notify_request_history, history.pk)
    if history.to_status in DECIDED_STATUSES and history.from_status != history.to_status:
        outbox_enqueue(render_decision_record, history.pk)


_SIGNER = "the signer of this stage, on someone else's request,"


def _decision(
    name: str, label: str, *, target: RequestStatus | None, done: str, **extra: Any
) -> Transition[Any]:
    return Transition(
        name=name,
        label=label,
        sources=REVIEW_STATUSES,
        may_fire=_stage_signer,
        who=_SIGNER,
        target=target,
        resolve_target=None if target is not None else _after_approval,
        prepare=_prepare_decision,
        consequences=_sign_the_stage,
        is_decision=True,
        done=done,
        **extra,
    )


SHARING_WORKFLOW: Workflow[SharingRequest] = Workflow(
    model=SharingRequest,
    history_model=RequestHistory,
    history_field="request",
    audit_verb="request",
    inputs=frozenset({"conditions"}),
    after_every_move=_grant_stage_access,
    on_commit=_announce,
    transitions=table(
        Transition(
            name="submit",
            label="Submit for review",
            sources=frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
            may_fire=_requester,
            who="the requester",
            target=S.SUBMITTED,
            done="submitted",
        ),
        Transition(
            name="start_review",
            label="Start the IG review",
            sources=frozenset({S.SUBMITTED}),
            may_fire=_ig_team,
            who="an IG officer or the DPO, on someone else's request,",
            resolve_target=_first_stage,
            done="taken into IG review",
        ),
        _decision("approve", "Approve", target=None, done="approved"),
        _decision(
            "approve_with_conditions",
            "Approve with conditions",
            target=None,
            reason_required=True,
            done="approved with conditions",
        ),
        _decision(
            "request_changes",
            "Request changes",
            target=S.CHANGES_REQUESTED,
            reason_required=True,
            done="sent back for changes",
        ),
        _decision("reject", "Reject", target=S.REJECTED, reason_required=True, done="rejected"),
        Transition(
            name="withdraw",
            label="Withdraw the request",
            sources=frozenset({S.DRAFT, S.CHANGES_REQUESTED, *OPEN_STATUSES}),
            may_fire=_requester,
            who="the requester",
            target=S.WITHDRAWN,
            reason_required=True,
            done="withdrawn",
        ),
        Transition(
            name="close",
            label="Mark as shared and closed",
            sources=APPROVED_STATUSES,
            may_fire=_requester_or_ig_team,
            who="the requester or the IG team",
            target=S.CLOSED,
            # No request closes as shared without a record of what was shared [004 6.8.3].
            guard=_closing_record_exists,
            done="closed",
        ),
        Transition(
            name="not_shared",
            label="Close as not shared after all",
            sources=APPROVED_STATUSES,
            may_fire=_requester_or_ig_team,
            who="the requester or the IG team",
            target=S.NOT_SHARED,
            reason_required=True,
            done="closed as not shared",
        ),
    ),
)
TRANSITIONS: dict[str, Transition[SharingRequest]] = SHARING_WORKFLOW.transitions


def available_transitions(user: User, request: SharingRequest) -> list[Transition[SharingRequest]]:
    """What the user may do to the request now, for the buttons on its page."""
    return SHARING_WORKFLOW.available(user, request, today=timezone.localdate())
