"""Every state x transition x role: only the allowed ones succeed, each writing one history row
and one audit event.

The expectations are written out by hand from the issue and DOMAIN.md, not derived from the
workflow table, so a wrong entry in the table fails here.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from igportal.roles import Role
from requests_app.models import AuditEvent, RequestHistory, RequestStatus, SignOff
from requests_app.services.workflow import transition
from tests.conftest import MakeUser
from tests.factories import make_asset, make_request

S = RequestStatus
REVIEW = {
    S.AWAITING_IAO: "iao",
    S.IG_REVIEW: "ig",
    S.AWAITING_CALDICOTT: "caldicott",
    S.AWAITING_SIRO: "siro",
}
DECISIONS = ("approve", "approve_with_conditions", "request_changes", "reject")
# The people: the request's own requester, another requester, one holder of each reviewing role, the
# owner of the asset the request draws on and the owner of another asset.
PEOPLE = (
    "owner",
    "other_requester",
    "ig_officer",
    "dpo",
    "caldicott",
    "siro",
    "auditor",
    "asset_owner",
    "other_asset_owner",
)
STAGE_SIGNERS = {
    "iao": {"asset_owner"},
    "ig": {"ig_officer", "dpo"},
    "caldicott": {"caldicott"},
    "siro": {"siro"},
}


def allowed(state: RequestStatus, name: str, person: str) -> bool:
    if name == "submit":
        return state in {S.DRAFT, S.CHANGES_REQUESTED} and person == "owner"
    if name == "start_review":
        return state == S.SUBMITTED and person in {"ig_officer", "dpo"}
    if name in DECISIONS:
        return state in REVIEW and person in STAGE_SIGNERS[REVIEW[state]]
    if name == "withdraw":
        open_states = {S.DRAFT, S.CHANGES_REQUESTED, S.SUBMITTED, *REVIEW}
        return state in open_states and person == "owner"
    if name == "close":
        # Never by itself: a request closes as shared only once its disclosure is logged (test_closing.py).
        return False
    if name == "not_shared":
        return state in {S.APPROVED, S.APPROVED_WITH_CONDITIONS} and person in {"owner", "ig_officer", "dpo"}
    raise AssertionError(name)


@pytest.fixture
def people(make_user: MakeUser) -> dict[str, User]:
    return {
        "owner": make_user(Role.REQUESTER),
        "other_requester": make_user(Role.REQUESTER),
        "ig_officer": make_user(Role.IG_OFFICER),
        "dpo": make_user(Role.DPO),
        "caldicott": make_user(Role.CALDICOTT_GUARDIAN),
        "siro": make_user(Role.SIRO),
        "auditor": make_user(Role.AUDITOR),
        "asset_owner": make_user(Role.INFORMATION_ASSET_OWNER),
        "other_asset_owner": make_user(Role.INFORMATION_ASSET_OWNER),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(S), ids=str)
@pytest.mark.parametrize(
    "name", ["submit", "start_review", *DECISIONS, "withdraw", "close", "not_shared"], ids=str
)
def test_only_allowed_transitions_succeed(people: dict[str, User], state: RequestStatus, name: str) -> None:
    asset = make_asset(owner=people["asset_owner"])
    make_asset(owner=people["other_asset_owner"], name="Payroll")
    for person in PEOPLE:
        with transaction.atomic():
            request = make_request(
                requester=people["owner"],
                status=state,
                stages=("iao", "ig_dpo", "caldicott_guardian", "siro"),
            )
            request.assets.add(asset)
            before = RequestHistory.objects.count()
            audited = AuditEvent.objects.filter(action="request.transition").count()
            try:
                transition(
                    request,
                    name,
                    actor=people[person],
                    comment="Because the policy says so.",
                    conditions="Remove the diagnosis.",
                )
            except (PermissionDenied, ValidationError):
                succeeded = False
            else:
                succeeded = True
            assert succeeded is allowed(state, name, person), (state, name, person)
            written = RequestHistory.objects.count() - before
            assert written == (1 if succeeded else 0), (state, name, person)
            new_events = AuditEvent.objects.filter(action="request.transition").count() - audited
            assert new_events == (1 if succeeded else 0), (state, name, person)
            if succeeded and name in DECISIONS:
                assert (
                    SignOff.objects.filter(request=request, signer=people[person], decision=name).count() == 1
                )
            request.refresh_from_db()
            if not succeeded:
                assert request.status == state
            transaction.set_rollback(True)
