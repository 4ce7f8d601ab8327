"""The dashboard's status counts are kept by the database as entries move, and always equal a recount.

Entries of every counted register are made, then a random sequence of moves is fired through the
one workflow engine (``services.workflow.transition``), each picked among the moves the page would
offer (refused ones included: a refusal must change nothing), some entries deleted; after each
sequence the kept counts must equal a fresh count of every table.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from igportal.roles import Role
from requests_app.models import AgreementStatus, DataFlowStatus, RequestStatus, SharingRequest, StatusCount
from requests_app.register_workflow import DPIA_WORKFLOW, FLOW_WORKFLOW, INCIDENT_WORKFLOW, ISA_WORKFLOW
from requests_app.selectors.dashboard import COUNTED_MODELS, recount_statuses, status_counts
from requests_app.services.workflow import TransitionConflict, transition
from requests_app.transitions import Workflow
from requests_app.workflow import SHARING_WORKFLOW
from tests.conftest import MakeUser
from tests.factories import make_agreement, make_dpia, make_flow, make_incident, make_request

pytestmark = [pytest.mark.django_db, pytest.mark.services]

WORKFLOWS: dict[type, Workflow] = {
    workflow.model: workflow
    for workflow in (SHARING_WORKFLOW, FLOW_WORKFLOW, ISA_WORKFLOW, DPIA_WORKFLOW, INCIDENT_WORKFLOW)
}


def assert_counts_match_a_recount() -> None:
    kept = status_counts()
    for model in COUNTED_MODELS:
        assert kept[model] == recount_statuses(model), model.__name__


@pytest.fixture
def everyone(make_user: MakeUser) -> list[User]:
    """People of every role, so most moves have someone who may make them (segregation of duties too)."""
    return [
        make_user(*Role, username="all.roles"),
        make_user(Role.IG_OFFICER, Role.DPO, username="ig.team"),
        make_user(Role.CALDICOTT_GUARDIAN, username="guardian"),
        make_user(Role.SIRO, username="siro"),
        make_user(Role.REQUESTER, username="asker"),
    ]


def test_the_migration_counted_what_was_there_and_a_new_entry_counts(everyone: list[User]) -> None:
    assert_counts_match_a_recount()
    make_request(requester=everyone[4], status=RequestStatus.SUBMITTED)
    assert status_counts()[SharingRequest].get(RequestStatus.SUBMITTED) == 1
    assert StatusCount.objects.filter(table_name="requests_app_sharingrequest", status="submitted").exists()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_kept_counts_equal_a_recount_after_any_sequence_of_moves(
    everyone: list[User], data: st.DataObject
) -> None:
    asker = everyone[4]
    entries = [
        make_request(
            requester=asker, status=data.draw(st.sampled_from(list(RequestStatus)), label="request")
        ),
        make_flow(
            requester=asker,
            created_by=everyone[1],
            status=data.draw(st.sampled_from(list(DataFlowStatus)), label="flow"),
        ),
        make_agreement(
            author=everyone[1], status=data.draw(st.sampled_from(list(AgreementStatus)), label="isa")
        ),
        make_dpia(author=everyone[1]),
        make_incident(reported_by=everyone[1]),
    ]
    today = timezone.localdate()
    for _ in range(data.draw(st.integers(min_value=1, max_value=25), label="moves")):
        entry = data.draw(st.sampled_from(entries), label="entry")
        entry.refresh_from_db()
        actor = data.draw(st.sampled_from(everyone), label="actor")
        workflow = WORKFLOWS[type(entry)]
        offered = workflow.available(actor, entry, today=today) or list(workflow.transitions.values())
        move = data.draw(st.sampled_from(offered), label="move").name
        try:
            with transaction.atomic():
                transition(entry, move, actor=actor, comment="Checked against the policy.")  # type: ignore[call-overload]
        except (ValidationError, PermissionDenied, TransitionConflict):
            pass  # refused: nothing may have changed, counts included
        assert_counts_match_a_recount()
    if data.draw(st.booleans(), label="delete an entry"):
        make_incident(reported_by=everyone[1], title="Recorded in error").delete()
    assert_counts_match_a_recount()


def test_a_bulk_status_change_outside_the_engine_is_counted_too(everyone: list[User]) -> None:
    for _ in range(3):
        make_request(requester=everyone[4], status=RequestStatus.SUBMITTED)
    SharingRequest.objects.filter(status=RequestStatus.SUBMITTED).update(
        status=RequestStatus.IG_REVIEW, updated_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    counts = status_counts()[SharingRequest]
    assert counts.get(RequestStatus.IG_REVIEW) == 3 and RequestStatus.SUBMITTED not in counts
    assert_counts_match_a_recount()
