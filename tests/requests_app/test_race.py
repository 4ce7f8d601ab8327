"""Two people acting on one request at once: one decision, no stage left unsigned (PostgreSQL)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
import redis
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, connections

from igportal.roles import Role
from requests_app.models import RequestHistory, RequestStatus, SharingRequest, SignOff
from requests_app.services.workflow import TransitionConflict, sharing_request_add_stage, transition
from tests.conftest import MakeUser
from tests.factories import make_request
from tests.igportal.processes import publishing_to

REPETITIONS = 50


@pytest.fixture(autouse=True)
def _to_the_broker() -> Iterator[None]:
    """The work each decision queues goes to Redis, as in production, instead of rendering its record
    inline 50 times over: the race is between the two transactions, not their aftermath."""
    url = os.environ.get("IGPORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    with publishing_to(url):
        yield
    redis.Redis.from_url(url).flushdb()


def _decide(
    request_id: int, reviewer: User, decision: str, barrier: threading.Barrier, outcomes: list[str]
) -> None:
    try:
        # Each thread loads the request before either acts, as two open browser tabs would.
        sharing_request = SharingRequest.objects.get(pk=request_id)
        barrier.wait(timeout=10)
        transition(
            sharing_request, decision, actor=reviewer, comment="Decided in a race.", conditions="Encrypt."
        )
        outcomes.append("won")
    except TransitionConflict as exc:
        outcomes.append(f"conflict: {exc}")
    finally:
        connections.close_all()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_make_exactly_one_decision_every_time(make_user: MakeUser) -> None:
    assert connection.vendor == "postgresql"
    requester = make_user(Role.REQUESTER)
    first, second = make_user(Role.IG_OFFICER), make_user(Role.DPO)
    for attempt in range(REPETITIONS):
        request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []
        threads = [
            threading.Thread(target=_decide, args=(request.pk, first, "approve", barrier, outcomes)),
            threading.Thread(target=_decide, args=(request.pk, second, "reject", barrier, outcomes)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "won"], (attempt, outcomes)
        assert "was already" in next(o for o in outcomes if o.startswith("conflict"))
        assert SignOff.objects.filter(request=request).count() == 1, attempt
        assert RequestHistory.objects.filter(request=request).count() == 1, attempt
        request.refresh_from_db()
        decided = SignOff.objects.get(request=request).decision
        expected = RequestStatus.AWAITING_CALDICOTT if decided == "approve" else RequestStatus.REJECTED
        assert request.status == expected, attempt


def _add_siro_stage(request_id: int, officer: User, barrier: threading.Barrier, outcomes: list[str]) -> None:
    try:
        sharing_request = SharingRequest.objects.get(pk=request_id)
        barrier.wait(timeout=10)
        sharing_request_add_stage(
            sharing_request=sharing_request, stage="siro", reason="Residual risk is high.", actor=officer
        )
        outcomes.append("stage added")
    except ValidationError as exc:
        outcomes.append(f"stage refused: {exc}")
    finally:
        connections.close_all()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_stage_added_while_the_last_stage_is_decided_is_never_left_unsigned(make_user: MakeUser) -> None:
    assert connection.vendor == "postgresql"
    requester, officer = make_user(Role.REQUESTER), make_user(Role.IG_OFFICER)
    guardian = make_user(Role.CALDICOTT_GUARDIAN)
    seen = set()
    for attempt in range(REPETITIONS):
        request = make_request(requester=requester, status=RequestStatus.AWAITING_CALDICOTT)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []
        threads = [
            threading.Thread(target=_decide, args=(request.pk, guardian, "approve", barrier, outcomes)),
            threading.Thread(target=_add_siro_stage, args=(request.pk, officer, barrier, outcomes)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        request.refresh_from_db()
        signed = set(SignOff.objects.filter(request=request).values_list("stage", flat=True))
        assert signed == {"caldicott_guardian"}, (attempt, outcomes)
        if "stage added" in outcomes:
            # The approval saw the new stage: the request waits for the SIRO.
            assert request.stages == ["ig_dpo", "caldicott_guardian", "siro"], (attempt, outcomes)
            assert request.status == RequestStatus.AWAITING_SIRO, (attempt, outcomes)
        else:
            # The approval came first: the stage was refused because the request was decided.
            assert request.stages == ["ig_dpo", "caldicott_guardian"], (attempt, outcomes)
            assert request.status == RequestStatus.APPROVED, (attempt, outcomes)
            refused = next(o for o in outcomes if o.startswith("stage refused"))
            assert "only be added while the request is being reviewed" in refused, (attempt, outcomes)
        assert "won" in outcomes, (attempt, outcomes)
        seen.add(request.status)
    # Both orders happened; a lock that let only one side ever win would prove nothing.
    assert seen == {RequestStatus.APPROVED, RequestStatus.AWAITING_SIRO}
