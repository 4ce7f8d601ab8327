"""The one service that changes a sharing request's state."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from requests_app.models import RequestHistory, SharingRequest
from requests_app.workflow import TRANSITIONS


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
            outcome = latest.get_to_status_display().lower()
            message = f"{sharing_request.reference} was already {outcome} by {who} at {when}."
        super().__init__(message)


@transaction.atomic
def transition(
    sharing_request: SharingRequest, name: str, *, actor: User, comment: str = ""
) -> RequestHistory:
    """Fire the named transition; raises PermissionDenied, ValidationError or TransitionConflict.

    The state is changed by a conditional update on the status the caller saw, so of two people
    acting at once exactly one succeeds and the other gets a TransitionConflict naming who won.
    """
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise ValidationError(f"There is no action called {name!r}.")
    if not spec.may_fire(actor, sharing_request):
        raise PermissionDenied(f"Only {spec.who} can {spec.label.lower()}.")
    if spec.comment_required and not comment.strip():
        raise ValidationError({"comment": f"Say why: a reason is required to {spec.label.lower()}."})
    seen = sharing_request.status
    if seen not in spec.sources:
        raise ValidationError(
            f"{sharing_request.reference} is {sharing_request.get_status_display().lower()}: "
            f"you cannot {spec.label[0].lower()}{spec.label[1:]} now."
        )
    changed = SharingRequest.objects.filter(pk=sharing_request.pk, status=seen).update(status=spec.target)
    if changed == 0:
        sharing_request.refresh_from_db()
        raise TransitionConflict(sharing_request, sharing_request.history.select_related("actor").last())
    sharing_request.status = spec.target
    return RequestHistory.objects.create(
        request=sharing_request,
        action=name,
        from_status=seen,
        to_status=spec.target,
        actor=actor,
        comment=comment,
    )
