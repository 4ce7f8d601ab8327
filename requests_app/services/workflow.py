"""The one service that changes a sharing request's state, and the workflow writes beside it."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from igportal.roles import Role, has_role
from requests_app.models import (
    Assessment,
    Decision,
    RequestComment,
    RequestHistory,
    RequestStatus,
    SharingRequest,
    SignOff,
    SignOffStage,
)
from requests_app.services.audit import audit_record
from requests_app.tasks import notify_request_history, render_decision_record
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


class TransitionConflict(Exception):
    """The request moved on since the page was shown: someone else acted first."""

    def __init__(self, sharing_request: SharingRequest, latest: RequestHistory | None) -> None:
        self.sharing_request = sharing_request
        self.latest = latest
        if latest is None:
            message = f"{sharing_request.reference} is now {sharing_request.get_status_display().lower()}."
        else:
            who = latest.actor.get_full_name() or latest.actor.get_username()
            when = timezone.localtime(latest.occurred_at).strftime("%d %b %Y %H:%M")
            spec = TRANSITIONS.get(latest.action)
            outcome = spec.done if spec else latest.get_to_status_display().lower()
            message = f"{sharing_request.reference} was already {outcome} by {who} at {when}."
        super().__init__(message)


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


@transaction.atomic
def transition(
    sharing_request: SharingRequest,
    name: str,
    *,
    actor: User,
    comment: str = "",
    conditions: str = "",
    http_request: HttpRequest | None = None,
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

    stage = current_stage(sharing_request)
    assessment = None
    if spec.is_decision:
        assessment = _latest_assessment(sharing_request)
        if assessment.signoffs.filter(signer=actor).exclude(stage=stage).exists():
            raise PermissionDenied(
                "You have signed another stage of this request; a different person must sign this one."
            )
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
        SignOff.objects.create(
            request=sharing_request,
            assessment=assessment,
            stage=stage,
            decision=name,
            conditions=conditions.strip(),
            reasons=comment.strip(),
            signer=actor,
        )
    _grant_stage_access(sharing_request, target)
    return _record(sharing_request, name, seen, target, actor, comment.strip(), http_request)


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
