"""Two handlers moving the same access request at once: exactly one move is made, recorded once, and
the other is told who acted first (PostgreSQL, real concurrent connections)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.utils import timezone

from igportal.roles import Role
from requests_app.models import (
    AccessRequest,
    AccessRequestClarification,
    AccessRequestHistory,
    AccessRequestStatus,
)
from requests_app.services.access import access_request_transition
from requests_app.services.workflow import TransitionConflict
from tests.conftest import MakeUser
from tests.factories import AccessRequestFactory

REPETITIONS = 10
S = AccessRequestStatus


def _move(
    case_id: int, handler: User, name: str, inputs: dict[str, Any], barrier: threading.Barrier, out: list[str]
) -> None:
    try:
        # Each thread loads the case before either acts, as two open browser tabs would.
        case = AccessRequest.objects.get(pk=case_id)
        barrier.wait(timeout=10)
        access_request_transition(case, name, actor=handler, **inputs)
        out.append(f"won: {name}")
    except TransitionConflict as exc:
        out.append(f"conflict: {exc}")
    finally:
        connections.close_all()


def _race(case: AccessRequest, moves: list[tuple[User, str, dict[str, Any]]]) -> list[str]:
    barrier = threading.Barrier(len(moves))
    out: list[str] = []
    threads = [
        threading.Thread(target=_move, args=(case.pk, who, name, inputs, barrier, out))
        for who, name, inputs in moves
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return out


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("respond", {"outcome": "provided_in_full"}), ("close", {"outcome": "withdrawn"})),
        (
            ("ask_clarification", {"details": "Which ward?"}),
            ("ask_clarification", {"details": "Which years?"}),
        ),
    ],
    ids=["respond or close", "both ask for clarification"],
)
def test_two_handlers_at_once_make_exactly_one_move(
    make_user: MakeUser, first: tuple[str, dict[str, Any]], second: tuple[str, dict[str, Any]]
) -> None:
    assert connection.vendor == "postgresql"
    today = timezone.localdate()
    officer, dpo = make_user(Role.IG_OFFICER), make_user(Role.DPO)
    for attempt in range(REPETITIONS):
        case = AccessRequestFactory.create(status=S.IN_PROGRESS, received_on=today - timedelta(days=5))
        on = {"on": today}
        out = _race(case, [(officer, first[0], {**on, **first[1]}), (dpo, second[0], {**on, **second[1]})])
        assert sorted(o.split(":")[0] for o in out) == ["conflict", "won"], (attempt, out)
        assert "was already" in next(o for o in out if o.startswith("conflict"))
        history = AccessRequestHistory.objects.filter(access_request=case)
        assert history.count() == 1, attempt
        case.refresh_from_db()
        assert (
            case.status
            == {"respond": S.RESPONDED, "close": S.CLOSED, "ask_clarification": S.AWAITING_CLARIFICATION}[
                history.get().action
            ]
        )
        assert AccessRequestClarification.objects.filter(access_request=case).count() == (
            1 if first[0] == "ask_clarification" else 0
        )
