"""Schemathesis against the served schema, as each role with that role's own token.

The schema is loaded from the app itself (``/api/v1/schema/`` through WSGI), every operation gets a
bounded number of generated requests, and each response must not be a 5xx, must use a documented
status and must match the documented schema. Path parameters are mostly swapped for objects that
exist (some visible to the role, some not), so the fuzzing reaches past the 404s.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from igportal.roles import Role
from requests_app.models import ApiToken, RequestStatus
from tests.conftest import MakeUser
from tests.factories import AccessRequestFactory, make_request
from tests.requests_app.api.helpers import token_for
from tests.requests_app.registers import fill_registers

# The schema fuzz for every role takes minutes: make test runs it, make test-fast leaves it out.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]
# 10 generated requests per operation and role keeps the whole run well under two minutes.
MAX_EXAMPLES = 10
# Requests that break the schema on purpose (wrong types, missing fields): each must be a documented 4xx.
NEGATIVE_EXAMPLES = 5
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@dataclass
class World:
    user: User
    token: str
    # Per path parameter: values that exist, to be used instead of most generated ones.
    known: dict[str, list[Any]]


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    # As Django's test client does: a request must not close the connection that holds the test's
    # transaction (close_old_connections runs at the start and end of every WSGI request).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(
    params=[Role.REQUESTER, Role.IG_OFFICER, Role.DPO, Role.CALDICOTT_GUARDIAN, Role.SIRO, Role.AUDITOR]
)
def world(request: pytest.FixtureRequest, make_user: MakeUser) -> World:
    role: Role = request.param
    user = make_user(role, username=f"fuzz-{role.value}")
    someone = make_user(Role.REQUESTER, username="fuzz-someone")
    requests = [
        make_request(requester=someone, status=RequestStatus.IG_REVIEW),
        make_request(requester=someone, status=RequestStatus.AWAITING_CALDICOTT),
        make_request(requester=someone, status=RequestStatus.DRAFT),
    ]
    if role == Role.REQUESTER:
        requests += [
            make_request(requester=user, status=RequestStatus.DRAFT),
            make_request(requester=user, status=RequestStatus.SUBMITTED),
        ]
    case = AccessRequestFactory.create()
    registers = fill_registers(
        requester=user if role == Role.REQUESTER else someone,
        ig_officer=make_user(Role.IG_OFFICER, username="fuzz-officer"),
    )
    register_ids = [
        registers.disclosure.pk,
        registers.flow.pk,
        registers.agreement.agreement_id,
        registers.incident.pk,
    ]
    token = token_for(user)
    own_token = ApiToken.objects.filter(user=user).values_list("pk", flat=True)
    return World(
        user=user,
        token=token,
        known={
            "reference": [r.reference for r in requests],
            "id": [case.pk, *register_ids, *own_token],
            "number": [registers.agreement.number],
        },
    )


@pytest.fixture
def api_schema(wsgi_app: Any, world: World) -> Any:
    return schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", wsgi_app, headers={"Authorization": f"Bearer {world.token}"}
    )


def _pick(known: list[Any], generated: Any) -> Any:
    """Deterministically, a known value three times in four; otherwise the generated one."""
    digest = hashlib.sha256(repr(generated).encode()).digest()
    if digest[0] % 4 == 0:
        return generated
    return known[digest[1] % len(known)]


def _fuzz(operation: Any, world: World, mode: GenerationMode, examples: int) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        for name, known in world.known.items():
            if case.path_parameters and name in case.path_parameters:
                case.path_parameters[name] = _pick(known, case.path_parameters[name])
        case.call_and_validate(headers={"Authorization": f"Bearer {world.token}"}, checks=CHECKS)

    run()


def test_every_operation_conforms_to_the_schema_for_every_role(api_schema: Any, world: World) -> None:
    # schemathesis' own pytest plugin (schema.parametrize) needs pytest internals that pytest 9 renamed,
    # so each operation is driven here with its Hypothesis strategy; every failure is reported at the end.
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        for mode, examples in (
            (GenerationMode.POSITIVE, MAX_EXAMPLES),
            (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES),
        ):
            try:
                _fuzz(operation, world, mode, examples)
            except Exception as exc:
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
