"""The one service that changes the state of anything with a workflow, and the history events beside it.

``transition`` fires a named move of the entry's table (``requests_app.workflow`` for sharing requests,
``requests_app.register_workflow`` for ISA versions, data flows, DPIAs and incidents,
``requests_app.access_workflow`` for access requests). Every kind goes through the same steps:

1. who may fire it (a refusal is audited as ``access.denied``);
2. the source state and the guard (a refusal is audited as ``<verb>.transition_refused``);
3. the reason rule and the move's own checks of its inputs (``prepare``), reported together by field;
4. the target (fixed, or resolved from the entry) and the workflow's ``settle`` step;
5. a conditional update of the status (and the fields the move sets) on the status the caller saw, so
   of two people acting at once exactly one succeeds and the other gets a ``TransitionConflict`` that
   names who acted first (audited as a refusal too);
6. one history row and one audit event, in the same transaction;
7. the move's consequences and the workflow's ``after_every_move``;
8. the workflow's notifications, queued on commit.

``record_event`` writes a history row and an audit event for something that happens to an entry without
changing its state (an assignment, an added stage, an edited access request).
"""

from __future__ import annotations

import datetime
from typing import Any, overload

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from igportal.dates import date_time
from igportal.people import display_name
from igportal.roles import is_ig_team
from requests_app.access_workflow import ACCESS_WORKFLOW
from requests_app.models import (
    AccessRequest,
    DisposalReview,
    RequestComment,
    RequestHistory,
    SharingRequest,
    SignOffStage,
)
from requests_app.models.history import SYSTEM_ACTOR_NAME, StateHistory
from requests_app.permissions import can_comment_on_request
from requests_app.register_workflow import REGISTER_WORKFLOWS, REVIEW_INTERVAL, RegisterEntry
from requests_app.retention_workflow import DISPOSAL_WORKFLOW
from requests_app.services.audit import audit_record
from requests_app.transitions import Move, Transition, Workflow, lower_first
from requests_app.workflow import (
    OPEN_STATUSES,
    SHARING_WORKFLOW,
    current_stage,
    ordered_stages,
)

__all__ = ["REVIEW_INTERVAL", "TransitionConflict", "record_event", "system_transition", "transition"]

Entry = SharingRequest | RegisterEntry | AccessRequest | DisposalReview
History = RequestHistory | StateHistory

WORKFLOWS: dict[type[models.Model], Workflow[Any]] = {
    workflow.model: workflow
    for workflow in (SHARING_WORKFLOW, *REGISTER_WORKFLOWS, ACCESS_WORKFLOW, DISPOSAL_WORKFLOW)
}


def workflow_for(entry: models.Model | type[models.Model]) -> Workflow[Any]:
    """The table of the entry's kind."""
    return WORKFLOWS[entry if isinstance(entry, type) else type(entry)]


class TransitionConflict(Exception):
    """The entry moved on since the page was shown: someone else acted first."""

    def __init__(self, entry: Entry, latest: History | None) -> None:
        self.entry = entry
        self.latest = latest
        label = entry.audit_label
        if latest is None:
            message = f"{label} is now {entry.get_status_display().lower()}."
        else:
            who = display_name(latest.actor) if latest.actor is not None else SYSTEM_ACTOR_NAME
            spec = workflow_for(entry).transitions.get(latest.action)
            outcome = spec.done if spec and spec.done else _status_label(entry, latest.to_status).lower()
            when = date_time(timezone.localtime(latest.occurred_at))
            message = f"{label} was already {outcome} by {who} at {when}."
        super().__init__(message)

    @property
    def sharing_request(self) -> SharingRequest:
        assert isinstance(self.entry, SharingRequest)
        return self.entry


def _status_label(entry: models.Model, status: str) -> str:
    field = entry._meta.get_field("status")
    assert isinstance(field, models.CharField)
    return str(dict(field.choices or []).get(status, status))


@overload
def transition(
    entry: SharingRequest,
    name: str,
    *,
    actor: User,
    comment: str = ...,
    http_request: HttpRequest | None = ...,
    today: datetime.date | None = ...,
    **inputs: Any,
) -> RequestHistory: ...


@overload
def transition(
    entry: RegisterEntry | AccessRequest | DisposalReview,
    name: str,
    *,
    actor: User,
    comment: str = ...,
    http_request: HttpRequest | None = ...,
    today: datetime.date | None = ...,
    **inputs: Any,
) -> StateHistory: ...


def transition(
    entry: Entry,
    name: str,
    *,
    actor: User,
    comment: str = "",
    http_request: HttpRequest | None = None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> History:
    """Fire the named move of the entry's workflow table and return its history row.

    Raises PermissionDenied, ValidationError (keyed by field where a field is at fault) or
    TransitionConflict. ``inputs`` are what the move's form collects besides the reason (a sharing
    request's conditions; an access request's dates and outcome).
    """
    return _fire(entry, name, actor=actor, comment=comment, http_request=http_request, today=today, **inputs)


def system_transition(
    entry: RegisterEntry | DisposalReview | AccessRequest,
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
    history = _fire(
        entry, name, actor=caused_by, comment=comment, http_request=http_request, by_the_portal=True
    )
    assert isinstance(history, StateHistory)
    return history


def _fire(
    entry: Entry,
    name: str,
    *,
    actor: User | None,
    comment: str,
    http_request: HttpRequest | None,
    today: datetime.date | None = None,
    by_the_portal: bool = False,
    **inputs: Any,
) -> History:
    workflow = workflow_for(entry)
    spec: Transition[Any] | None = workflow.transitions.get(name)
    if spec is None:
        raise ValidationError(f"There is no action called {name!r}.")
    unexpected = set(inputs) - workflow.inputs
    if unexpected:
        raise TypeError(f"{workflow.model.__name__} moves take no {', '.join(sorted(unexpected))}.")
    move: Move[Any] = Move(
        entry=entry,
        spec=spec,
        workflow=workflow,
        actor=actor,
        comment=comment.strip(),
        inputs=inputs,
        today=today or timezone.localdate(),
        http_request=http_request,
        from_status=entry.status,
    )

    def cascade(other: models.Model, other_name: str, other_comment: str) -> object:
        return _fire(
            other,  # type: ignore[arg-type]
            other_name,
            actor=actor,
            comment=other_comment,
            http_request=http_request,
            by_the_portal=True,
        )

    move.cascade = cascade
    try:
        with transaction.atomic():
            return _steps(move, by_the_portal=by_the_portal)
    except PermissionDenied:
        audit_record(
            action="access.denied",
            actor=actor,
            target=entry,
            request=http_request,
            detail={"answered": 403, "wanted": name},
        )
        raise
    except _Refused as refused:
        audit_record(
            action=f"{workflow.audit_verb}.transition_refused",
            actor=actor,
            target=entry,
            request=http_request,
            detail={"action": name, "from": move.from_status, "why": refused.messages},
        )
        raise refused.error from None
    except TransitionConflict as conflict:
        audit_record(
            action=f"{workflow.audit_verb}.transition_refused",
            actor=actor,
            target=entry,
            request=http_request,
            detail={"action": name, "from": move.from_status, "why": [str(conflict)]},
        )
        raise


class _Refused(Exception):
    """The move cannot happen from this state or past this guard; carries the ValidationError to raise."""

    def __init__(self, error: ValidationError) -> None:
        self.error = error
        self.messages = error.messages


def _steps(move: Move[Any], *, by_the_portal: bool) -> History:
    entry, spec, workflow = move.entry, move.spec, move.workflow
    if by_the_portal:
        if not spec.system:
            raise PermissionDenied(f"The portal does not {lower_first(spec.label)} by itself.")
    elif move.actor is None or not spec.may_fire(move.actor, entry):
        raise PermissionDenied(f"Only {spec.who} can {lower_first(spec.label)}.")
    if move.from_status not in spec.sources:
        status = _status_label(entry, move.from_status).lower()
        raise _Refused(
            ValidationError(f"{entry.audit_label} is {status}: you cannot {lower_first(spec.label)} now.")
        )
    problems = spec.guard(entry, move.today) if spec.guard is not None else []
    if problems:
        raise _Refused(ValidationError(problems))
    if spec.reason_required and not move.comment:
        move.add_error(
            workflow.reason_field,
            spec.reason_prompt or f"Give your reasons: they are required to {lower_first(spec.label)}.",
        )
    if spec.prepare is not None:
        spec.prepare(move)
    if move.errors:
        raise ValidationError(move.errors)
    if spec.resolve_target is not None:
        move.to_status = spec.resolve_target(move)
    else:
        assert spec.target is not None
        move.to_status = spec.target
    if workflow.settle is not None:
        workflow.settle(move)

    model: type[models.Model] = type(entry)
    changed = model._default_manager.filter(pk=entry.pk, status=move.from_status).update(
        status=move.to_status, updated_at=timezone.now(), **move.changes
    )
    if changed == 0:
        entry.refresh_from_db(fields=["status"])
        raise TransitionConflict(entry, _latest_history(workflow, entry))
    entry.status = move.to_status
    move.history = _write_history(
        workflow,
        entry,
        action=spec.name,
        from_status=move.from_status,
        to_status=move.to_status,
        actor=move.actor,
        comment=move.comment,
        http_request=move.http_request,
        audit_action=f"{workflow.audit_verb}.transition",
    )
    if spec.consequences is not None:
        spec.consequences(move)
    if workflow.after_every_move is not None:
        workflow.after_every_move(move)
    if workflow.on_commit is not None:
        workflow.on_commit(move)
    history: History = move.history
    return history


def _latest_history(workflow: Workflow[Any], entry: models.Model) -> History | None:
    latest = (
        workflow.history_model._default_manager.filter(**{workflow.history_field: entry})
        .select_related("actor")
        .order_by("occurred_at", "id")
        .last()
    )
    assert latest is None or isinstance(latest, RequestHistory | StateHistory)
    return latest


def _write_history(
    workflow: Workflow[Any],
    entry: models.Model,
    *,
    action: str,
    from_status: str,
    to_status: str,
    actor: User | None,
    comment: str,
    http_request: HttpRequest | None,
    audit_action: str,
    detail: dict[str, Any] | None = None,
) -> History:
    history = workflow.history_model._default_manager.create(
        **{workflow.history_field: entry},
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        comment=comment,
    )
    audit_record(
        action=audit_action,
        actor=actor,
        target=entry,
        request=http_request,
        detail={
            "action": action,
            "from": from_status,
            "to": to_status,
            "history_id": history.pk,
            **(detail or {}),
        },
    )
    assert isinstance(history, RequestHistory | StateHistory)
    return history


def record_event(
    entry: Entry,
    action: str,
    *,
    actor: User | None,
    comment: str = "",
    http_request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> History:
    """A history row and an audit event (``<verb>.<action>``) for an event that leaves the state as it is.

    ``actor`` is None only for someone without an account: a partner signing an ISA through its link.

    Call it inside the transaction that makes the change it records. The workflow's notifications
    follow on commit, as for a move.
    """
    workflow = workflow_for(entry)
    history = _write_history(
        workflow,
        entry,
        action=action,
        from_status=entry.status,
        to_status=entry.status,
        actor=actor,
        comment=comment,
        http_request=http_request,
        audit_action=f"{workflow.audit_verb}.{action}",
        detail=detail,
    )
    if workflow.on_commit is not None:
        move: Move[Any] = Move(
            entry=entry,
            spec=next(iter(workflow.transitions.values())),
            workflow=workflow,
            actor=actor,
            comment=comment,
            inputs={},
            today=timezone.localdate(),
            http_request=http_request,
            from_status=entry.status,
            to_status=entry.status,
            history=history,
        )
        workflow.on_commit(move)
    return history


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
    if not is_ig_team(actor) or sharing_request.requester_id == actor.pk:
        raise PermissionDenied("Only the IG team can add a sign-off stage, and not to their own request.")
    locked = SharingRequest.objects.select_for_update().get(pk=sharing_request.pk)
    # The asset owner's stage follows from the assets the request draws on; it is never added by hand.
    if stage not in SignOffStage.values or stage == SignOffStage.IAO:
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
    record_event(
        locked,
        "add_stage",
        actor=actor,
        comment=f"{SignOffStage(stage).label}: {reason.strip()}",
        http_request=http_request,
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
    if not is_ig_team(actor):
        raise PermissionDenied("Only the IG team assigns requests.")
    if assignee is not None and not is_ig_team(assignee):
        raise ValidationError({"assignee": "Assign the request to an IG officer or the DPO."})
    if assignee is not None and assignee.pk == sharing_request.requester_id:
        raise ValidationError({"assignee": "Nobody reviews their own request."})
    SharingRequest.objects.filter(pk=sharing_request.pk).update(
        assigned_to=assignee, updated_at=timezone.now()
    )
    sharing_request.assigned_to = assignee
    name = display_name(assignee) if assignee else "nobody"
    record_event(
        sharing_request, "assign", actor=actor, comment=f"Assigned to {name}", http_request=http_request
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
