"""The one service that changes the state of a sharing request or a register entry, and the writes beside it.

``transition`` fires a named move from a workflow table: ``requests_app.workflow`` for sharing requests,
``requests_app.register_workflow`` for ISA versions, data flows, DPIAs and incidents. Either way the state
changes by a conditional update, one history row and one audit event are written in the same
transaction, and what the move brings with it follows (notifications, documents, dependent entries).
"""

from __future__ import annotations

import datetime
from typing import Any, overload

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from igportal.roles import Role, has_role
from requests_app.models import (
    AgreementStatus,
    AgreementVersion,
    Assessment,
    DataFlow,
    DataFlowStatus,
    Decision,
    Dpia,
    RequestComment,
    RequestHistory,
    RequestStatus,
    SharingRequest,
    SignOff,
    SignOffStage,
)
from requests_app.models.history import StateHistory
from requests_app.permissions import can_comment_on_request
from requests_app.register_workflow import RegisterEntry, RegisterTransition, workflow_for
from requests_app.services.audit import audit_record
from requests_app.services.closing import close_problem
from requests_app.services.overrides import (
    check_transition_decision,
    record_override,
    signoff_override_fields,
)
from requests_app.tasks import notify_request_history, render_agreement_document, render_decision_record
from requests_app.workflow import (
    DECIDED_STATUSES,
    OPEN_STATUSES,
    STAGE_ROLES,
    STAGE_STATUS,
    TRANSITIONS,
    Transition,
    current_stage,
    ordered_stages,
    stage_after,
)

VIEW = "requests_app.view_sharingrequest"


# A year between reviews unless the owner sets otherwise [001 s13].
REVIEW_INTERVAL = datetime.timedelta(days=365)


class TransitionConflict(Exception):
    """The entry moved on since the page was shown: someone else acted first."""

    def __init__(
        self, entry: SharingRequest | RegisterEntry, latest: RequestHistory | StateHistory | None
    ) -> None:
        self.entry = entry
        self.latest = latest
        label = entry.audit_label
        if latest is None:
            message = f"{label} is now {entry.get_status_display().lower()}."
        else:
            if isinstance(latest, RequestHistory):
                who = latest.actor.get_full_name() or latest.actor.get_username()
                spec = TRANSITIONS.get(latest.action)
                outcome = spec.done if spec else latest.get_to_status_display().lower()
            else:
                who = latest.actor_name
                assert not isinstance(entry, SharingRequest)
                register_spec = workflow_for(entry).transitions.get(latest.action)
                outcome = register_spec.done if register_spec else latest.to_status_label.lower()
            when = timezone.localtime(latest.occurred_at).strftime("%d %b %Y %H:%M")
            message = f"{label} was already {outcome} by {who} at {when}."
        super().__init__(message)

    @property
    def sharing_request(self) -> SharingRequest:
        assert isinstance(self.entry, SharingRequest)
        return self.entry


def _latest_assessment(sharing_request: SharingRequest) -> Assessment:
    assessment = sharing_request.assessments.order_by("-number").first()
    if assessment is None:
        raise ValidationError(f"{sharing_request.reference} has no submitted assessment to sign.")
    return assessment


def _decision_target(
    sharing_request: SharingRequest, spec: Transition, assessment: Assessment
) -> RequestStatus:
    if spec.target is not None:
        return spec.target
    stage = current_stage(sharing_request)
    assert stage is not None
    following = stage_after(sharing_request, stage)
    if following is not None:
        return STAGE_STATUS[following]
    conditional = (
        spec.name == Decision.APPROVE_WITH_CONDITIONS
        or assessment.signoffs.filter(decision=Decision.APPROVE_WITH_CONDITIONS).exists()
    )
    return RequestStatus.APPROVED_WITH_CONDITIONS if conditional else RequestStatus.APPROVED


def _grant_stage_access(sharing_request: SharingRequest, status: RequestStatus) -> None:
    """Reviewers keep seeing a request once it has reached their stage (need-to-know, not role-wide)."""
    stage = next((stage for stage, stage_status in STAGE_STATUS.items() if stage_status == status), None)
    if stage is None:
        return
    for role in STAGE_ROLES[stage]:
        group, _ = Group.objects.get_or_create(name=role.group_name)
        assign_perm(VIEW, group, sharing_request)


def _record(
    sharing_request: SharingRequest,
    action: str,
    from_status: str,
    to_status: str,
    actor: User,
    comment: str,
    http_request: HttpRequest | None,
) -> RequestHistory:
    """One history row, one audit event and the notifications for one workflow event."""
    history = RequestHistory.objects.create(
        request=sharing_request,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        comment=comment,
    )
    audit_record(
        action="request.transition" if action in TRANSITIONS else f"request.{action}",
        actor=actor,
        target=sharing_request,
        request=http_request,
        detail={"action": action, "from": from_status, "to": to_status, "history_id": history.pk},
    )
    notify_request_history.delay_on_commit(history.pk)  # type: ignore[attr-defined]
    if to_status in DECIDED_STATUSES and from_status != to_status:
        render_decision_record.delay_on_commit(history.pk)  # type: ignore[attr-defined]
    return history


@overload
def transition(
    entry: SharingRequest,
    name: str,
    *,
    actor: User,
    comment: str = "",
    conditions: str = "",
    http_request: HttpRequest | None = None,
) -> RequestHistory: ...


@overload
def transition(
    entry: RegisterEntry,
    name: str,
    *,
    actor: User,
    comment: str = "",
    conditions: str = "",
    http_request: HttpRequest | None = None,
) -> StateHistory: ...


@transaction.atomic
def transition(
    entry: SharingRequest | RegisterEntry,
    name: str,
    *,
    actor: User,
    comment: str = "",
    conditions: str = "",
    http_request: HttpRequest | None = None,
) -> RequestHistory | StateHistory:
    """Fire the named move of the entry's workflow table; raises PermissionDenied, ValidationError or
    TransitionConflict. Only sharing request decisions carry ``conditions``.
    """
    if isinstance(entry, SharingRequest):
        return _transition_sharing_request(
            entry, name, actor=actor, comment=comment, conditions=conditions, http_request=http_request
        )
    if conditions:
        raise ValidationError("Only a sharing request's approval carries conditions.")
    return _transition_register_entry(
        entry, name, actor=actor, comment=comment, http_request=http_request, by_the_portal=False
    )


@transaction.atomic
def system_transition(
    entry: RegisterEntry,
    name: str,
    *,
    comment: str = "",
    caused_by: User | None = None,
    http_request: HttpRequest | None = None,
) -> StateHistory:
    """A move the portal makes itself, for a ``system`` row of the table only.

    ``caused_by`` is the person whose move brought this one with it (recorded as its actor: the Caldicott
    Guardian who approved version 2 superseded version 1); None for a scheduled task.
    """
    return _transition_register_entry(
        entry, name, actor=caused_by, comment=comment, http_request=http_request, by_the_portal=True
    )


def _transition_sharing_request(
    sharing_request: SharingRequest,
    name: str,
    *,
    actor: User,
    comment: str,
    conditions: str,
    http_request: HttpRequest | None,
) -> RequestHistory:
    """Fire the named transition; raises PermissionDenied, ValidationError or TransitionConflict.

    The state is changed by a conditional update on the status the caller saw, so of two people
    acting at once exactly one succeeds and the other gets a TransitionConflict naming who won.
    Decisions also write the stage's sign-off, which a unique constraint makes single.
    """
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise ValidationError(f"There is no action called {name!r}.")
    if not spec.may_fire(actor, sharing_request):
        raise PermissionDenied(f"Only {spec.who} can {spec.label[0].lower()}{spec.label[1:]}.")
    seen = sharing_request.status
    if seen not in spec.sources:
        raise ValidationError(
            f"{sharing_request.reference} is {sharing_request.get_status_display().lower()}: "
            f"you cannot {spec.label[0].lower()}{spec.label[1:]} now."
        )
    errors = {}
    if spec.comment_required and not comment.strip():
        errors["comment"] = (
            f"Give your reasons: they are required to {spec.label[0].lower()}{spec.label[1:]}."
        )
    if name == Decision.APPROVE_WITH_CONDITIONS and not conditions.strip():
        errors["conditions"] = "Set out the conditions of the approval."
    if errors:
        raise ValidationError(errors)
    if name == "close" and (problem := close_problem(sharing_request)) is not None:
        raise ValidationError(problem)

    stage = current_stage(sharing_request)
    assessment = None
    if spec.is_decision:
        assessment = _latest_assessment(sharing_request)
        if assessment.signoffs.filter(signer=actor).exclude(stage=stage).exists():
            raise PermissionDenied(
                "You have signed another stage of this request; a different person must sign this one."
            )
        check_transition_decision(assessment, name, comment)
        target = _decision_target(sharing_request, spec, assessment)
    else:
        assert spec.target is not None
        target = spec.target

    changed = SharingRequest.objects.filter(pk=sharing_request.pk, status=seen).update(
        status=target, updated_at=timezone.now()
    )
    if changed == 0:
        sharing_request.refresh_from_db()
        raise TransitionConflict(sharing_request, sharing_request.history.select_related("actor").last())
    sharing_request.status = target
    if spec.is_decision:
        assert assessment is not None and stage is not None
        signoff = SignOff.objects.create(
            request=sharing_request,
            assessment=assessment,
            stage=stage,
            decision=name,
            conditions=conditions.strip(),
            reasons=comment.strip(),
            signer=actor,
            **signoff_override_fields(assessment, name),
        )
        record_override(signoff, http_request=http_request)
    _grant_stage_access(sharing_request, target)
    return _record(sharing_request, name, seen, target, actor, comment.strip(), http_request)


def _lower_first(text: str) -> str:
    return f"{text[0].lower()}{text[1:]}"


def _transition_register_entry(
    entry: RegisterEntry,
    name: str,
    *,
    actor: User | None,
    comment: str,
    http_request: HttpRequest | None,
    by_the_portal: bool,
) -> StateHistory:
    workflow = workflow_for(entry)
    spec: RegisterTransition[Any] | None = workflow.transitions.get(name)
    if spec is None:
        raise ValidationError(f"There is no action called {name!r}.")
    if by_the_portal:
        if not spec.system:
            raise PermissionDenied(f"The portal does not {_lower_first(spec.label)} by itself.")
    elif actor is None or not spec.may_fire(actor, entry):
        raise PermissionDenied(f"Only {spec.who} can {_lower_first(spec.label)}.")
    seen = entry.status
    if seen not in spec.sources:
        raise ValidationError(
            f"{entry.audit_label} is {entry.get_status_display().lower()}: "
            f"you cannot {_lower_first(spec.label)} now."
        )
    if spec.comment_required and not comment.strip():
        raise ValidationError(
            {"comment": f"Give your reasons: they are required to {_lower_first(spec.label)}."}
        )
    problems = spec.guard(entry, timezone.localdate()) if spec.guard is not None else []
    if problems:
        raise ValidationError(problems)

    if isinstance(entry, AgreementVersion) and name == "approve":
        # Before the update: the database allows one version in force per agreement at a time.
        _supersede_earlier_versions(entry, actor=actor, http_request=http_request)
    model: type[models.Model] = type(entry)
    changed = model._default_manager.filter(pk=entry.pk, status=seen).update(
        status=spec.target, updated_at=timezone.now()
    )
    if changed == 0:
        entry.refresh_from_db(fields=["status"])
        latest = (
            workflow.history_model._default_manager.filter(**{workflow.history_field: entry})
            .select_related("actor")
            .order_by("occurred_at", "id")
            .last()
        )
        raise TransitionConflict(entry, latest)
    entry.status = spec.target
    history: StateHistory = workflow.history_model._default_manager.create(
        **{workflow.history_field: entry},
        action=name,
        from_status=seen,
        to_status=spec.target,
        actor=actor,
        comment=comment.strip(),
    )
    audit_record(
        action=f"{workflow.audit_type}.transition",
        actor=actor,
        target=entry,
        request=http_request,
        detail={"action": name, "from": seen, "to": spec.target, "history_id": history.pk},
    )
    _consequences(entry, name, actor=actor, comment=comment.strip(), http_request=http_request)
    return history


# --- what a register move brings with it -----------------------------------------------------------------


def _consequences(
    entry: RegisterEntry, name: str, *, actor: User | None, comment: str, http_request: HttpRequest | None
) -> None:
    if isinstance(entry, AgreementVersion):
        if name == "approve":
            assert actor is not None
            _agreement_version_came_into_force(entry, actor=actor, http_request=http_request)
        elif name in {"expire", "terminate"}:
            _agreement_ended(entry, name=name, actor=actor, comment=comment, http_request=http_request)
    elif isinstance(entry, Dpia):
        now = timezone.now()
        if name == "give_advice":
            entry.dpo_advice, entry.dpo_advice_by, entry.dpo_advice_at = comment, actor, now
            entry.save(update_fields=["dpo_advice", "dpo_advice_by", "dpo_advice_at"])
        elif name == "sign_off":
            entry.siro_signed_by, entry.siro_signed_at, entry.siro_comment = actor, now, comment
            today = timezone.localdate()
            if entry.next_review_on is None or entry.next_review_on <= today:
                entry.next_review_on = today + REVIEW_INTERVAL
            entry.save(update_fields=["siro_signed_by", "siro_signed_at", "siro_comment", "next_review_on"])


def _supersede_earlier_versions(
    version: AgreementVersion, *, actor: User | None, http_request: HttpRequest | None
) -> None:
    earlier = (
        AgreementVersion.objects.select_for_update()
        .select_related("agreement")
        .filter(agreement_id=version.agreement_id, status=AgreementStatus.ACTIVE)
        .exclude(pk=version.pk)
    )
    for previous in earlier:
        system_transition(
            previous,
            "supersede",
            comment=f"Replaced by version {version.number}.",
            caused_by=actor,
            http_request=http_request,
        )


def _agreement_version_came_into_force(
    version: AgreementVersion, *, actor: User, http_request: HttpRequest | None
) -> None:
    """The flows waiting for the agreement start, and the version is rendered to PDF."""
    version.approved_by, version.approved_at = actor, timezone.now()
    version.save(update_fields=["approved_by", "approved_at"])
    waiting = DataFlow.objects.select_for_update().filter(
        agreement_id=version.agreement_id, status=DataFlowStatus.AWAITING_ISA
    )
    for flow in waiting.select_related("agreement"):
        system_transition(
            flow,
            "activate",
            comment=f"{version.audit_label} came into force.",
            caused_by=actor,
            http_request=http_request,
        )
    render_agreement_document.delay_on_commit(version.pk)  # type: ignore[attr-defined]


def _agreement_ended(
    version: AgreementVersion,
    *,
    name: str,
    actor: User | None,
    comment: str,
    http_request: HttpRequest | None,
) -> None:
    """No flow runs without an agreement in force: the flows it covered are suspended, saying why."""
    ended = "expired" if name == "expire" else "was terminated"
    reason = f"{version.audit_label} {ended}" + (f": {comment}" if comment else ".")
    running = DataFlow.objects.select_for_update().filter(
        agreement_id=version.agreement_id, status=DataFlowStatus.ACTIVE
    )
    for flow in running:
        system_transition(flow, "suspend", comment=reason, caused_by=actor, http_request=http_request)


@transaction.atomic
def sharing_request_add_stage(
    *,
    sharing_request: SharingRequest,
    stage: str,
    reason: str,
    actor: User,
    http_request: HttpRequest | None = None,
) -> None:
    """The IG team routes a request to a further sign-off than the engine asked for, saying why."""
    if not has_role(actor, Role.IG_OFFICER, Role.DPO) or sharing_request.requester_id == actor.pk:
        raise PermissionDenied("Only the IG team can add a sign-off stage, and not to their own request.")
    locked = SharingRequest.objects.select_for_update().get(pk=sharing_request.pk)
    if stage not in SignOffStage.values:
        raise ValidationError({"stage": "Choose a sign-off stage."})
    if locked.status not in OPEN_STATUSES:
        raise ValidationError("Stages can only be added while the request is being reviewed.")
    if stage in ordered_stages(locked.stages):
        raise ValidationError({"stage": f"{SignOffStage(stage).label} is already a stage of this request."})
    current = current_stage(locked)
    if current is not None and ordered_stages([*locked.stages, stage]).index(stage) < ordered_stages(
        locked.stages
    ).index(current):
        raise ValidationError(
            {"stage": "That stage comes before the one under way; request changes instead."}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why this sign-off is needed."})
    locked.stages = ordered_stages([*locked.stages, stage])
    locked.save(update_fields=["stages", "updated_at"])
    _record(
        locked,
        "add_stage",
        locked.status,
        locked.status,
        actor,
        f"{SignOffStage(stage).label}: {reason.strip()}",
        http_request,
    )
    sharing_request.stages = locked.stages


@transaction.atomic
def sharing_request_assign(
    *,
    sharing_request: SharingRequest,
    assignee: User | None,
    actor: User,
    http_request: HttpRequest | None = None,
) -> None:
    if not has_role(actor, Role.IG_OFFICER, Role.DPO):
        raise PermissionDenied("Only the IG team assigns requests.")
    if assignee is not None and not has_role(assignee, Role.IG_OFFICER, Role.DPO):
        raise ValidationError({"assignee": "Assign the request to an IG officer or the DPO."})
    if assignee is not None and assignee.pk == sharing_request.requester_id:
        raise ValidationError({"assignee": "Nobody reviews their own request."})
    SharingRequest.objects.filter(pk=sharing_request.pk).update(
        assigned_to=assignee, updated_at=timezone.now()
    )
    sharing_request.assigned_to = assignee
    name = (assignee.get_full_name() or assignee.get_username()) if assignee else "nobody"
    _record(
        sharing_request,
        "assign",
        sharing_request.status,
        sharing_request.status,
        actor,
        f"Assigned to {name}",
        http_request,
    )


@transaction.atomic
def request_comment_add(
    *, sharing_request: SharingRequest, author: User, body: str, http_request: HttpRequest | None = None
) -> RequestComment:
    """A comment from someone who can see the request (the caller's getter has checked that)."""
    if not can_comment_on_request(author, sharing_request.requester_id):
        raise PermissionDenied("The auditor reads requests and changes nothing, comments included.")
    if not body.strip():
        raise ValidationError({"body": "Write a comment first."})
    if len(body) > 5000:
        raise ValidationError({"body": "Keep comments under 5,000 characters."})
    comment = RequestComment.objects.create(request=sharing_request, author=author, body=body.strip())
    audit_record(
        action="request.comment",
        actor=author,
        target=sharing_request,
        request=http_request,
        detail={"comment_id": comment.pk},
    )
    return comment
