"""What a user may see of sharing requests: one visibility rule, one checked getter."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from igportal.roles import IG_TEAM, Role, roles_of
from requests_app.models import (
    RequestStatus,
    SharingRequest,
    SharingRequestGroupObjectPermission,
    SharingRequestUserObjectPermission,
)
from requests_app.selectors.delegations import acting_roles
from requests_app.services.audit import audit_record
from requests_app.services.sharing import can_edit_answers

VIEW_PERMISSION = "view_sharingrequest"
# The IG team triages every submitted request and the DPO and auditor review them all; nobody but the
# requester sees a draft.
_SEE_ALL_SUBMITTED = frozenset({*IG_TEAM, Role.AUDITOR})


def visible_requests(user: User, *, reference: str | None = None) -> QuerySet[SharingRequest]:
    """Requests the user raised, holds a view permission on (granted per stage), or reviews by role.

    With ``reference``, just that request: the grants are then looked up for it alone. Under the OR,
    Postgres builds each ``pk IN (grants)`` in full, and a reviewing group holds a grant on every
    request that reached its stage, so checking one request read them all.
    """
    if not user.is_authenticated or not user.is_active:
        return SharingRequest.objects.none()
    granted_to_user = SharingRequestUserObjectPermission.objects.filter(
        user=user, permission__codename=VIEW_PERMISSION
    )
    requests = SharingRequest.objects.all()
    if reference is not None:
        # One row to check: EXISTS runs once for it, and PostgreSQL plans it faster than the IN form
        # (1.2 against 1.5 ms on the bench data; planning is most of the getter's cost).
        # The user's groups straight from the membership table, without joining auth_group: 0.2 ms
        # less planning again.
        my_groups = User.groups.through.objects.filter(user=user).values("group_id")
        requests = requests.filter(reference=reference)
        visible = (
            Q(requester=user)
            | Exists(granted_to_user.filter(content_object=OuterRef("pk")))
            | Exists(
                SharingRequestGroupObjectPermission.objects.filter(
                    group__in=my_groups, permission__codename=VIEW_PERMISSION, content_object=OuterRef("pk")
                )
            )
        )
    else:
        granted_to_groups = SharingRequestGroupObjectPermission.objects.filter(
            group__user=user, permission__codename=VIEW_PERMISSION
        )
        visible = (
            Q(requester=user)
            | Q(pk__in=granted_to_user.values("content_object_id"))
            | Q(pk__in=granted_to_groups.values("content_object_id"))
        )
    # A deputy sees what the officer's role sees while a delegation is in force (selectors/delegations.py).
    delegated = acting_roles(user) - roles_of(user)
    if delegated:
        visible |= Q(
            pk__in=SharingRequestGroupObjectPermission.objects.filter(
                group__name__in=[role.group_name for role in delegated], permission__codename=VIEW_PERMISSION
            ).values("content_object_id")
        )
    if acting_roles(user) & _SEE_ALL_SUBMITTED:
        visible |= ~Q(status=RequestStatus.DRAFT)
    return requests.filter(visible)


def get_sharing_request_for_user(
    user: User,
    reference: str,
    *,
    for_change: bool = False,
    http_request: HttpRequest | None = None,
    also_select: tuple[str, ...] = (),
) -> SharingRequest:
    """The request, or 404 when the user may not see it; 403 when they may see it but not change it.

    Every refusal is written to the audit trail: a guessed reference is exactly what the DPO must see.
    ``also_select`` names more one-to-one relations to fetch in the same query, for a page that shows them.
    """
    # References are unique, so at most one row: unordered, where first() would sort it by the model's
    # ordering (a sort to plan and compile on every page that starts here).
    found = list(
        visible_requests(user, reference=reference)
        .select_related("requester", "recipient", "assigned_to", *also_select)
        .order_by()[:1]
    )
    sharing_request = found[0] if found else None
    if sharing_request is None:
        audit_record(
            action="access.denied",
            actor=user,
            target_type="sharing_request",
            target_label=reference[:200],
            request=http_request,
            detail={"answered": 404},
        )
        raise Http404("No such sharing request.")
    if for_change and not can_edit_answers(user, sharing_request):
        audit_record(
            action="access.denied",
            actor=user,
            target=sharing_request,
            request=http_request,
            detail={"answered": 403, "wanted": "change answers"},
        )
        raise PermissionDenied("You cannot change this request's answers.")
    return sharing_request


# The wizard's JSON is the bulk of a request row, and no list shows it.
LIST_DEFERRED = ("answers", "draft_input", "stages")


def requests_raised_by(user: User) -> QuerySet[SharingRequest]:
    return (
        SharingRequest.objects.filter(requester=user)
        .select_related("recipient")
        .defer(*LIST_DEFERRED)
        .order_by("-updated_at", "-id")
    )
