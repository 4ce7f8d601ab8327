"""Two reviewers acting on the same request at once produce exactly one decision (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections

from igportal.roles import Role
from requests_app.models import RequestHistory, RequestStatus, SharingRequest, SignOff
from requests_app.services.workflow import TransitionConflict, transition
from tests.conftest import MakeUser
from tests.factories import make_request

REPETITIONS = 50


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
