"""Each register's list page runs the same queries for 1 row as for a full page of 50."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from requests_app.models import AgreementStatus, DataFlowStatus, RequestStatus
from requests_app.services.consent import consent_withdrawal_record
from tests.conftest import ClientFor
from tests.factories import (
    make_agreement,
    make_disclosure,
    make_dpia,
    make_flow,
    make_incident,
    make_request,
)

pytestmark = pytest.mark.django_db

# Every page starts with the session, read in one query with the user, the MFA device that verified
# the session and the user's roles, shows the header's unread notification count, and records the
# viewing in the audit trail: the chain's advisory lock (tried, never waited for) with the previous
# event's hash in one statement, and the insert (in the test's transaction; a page view outside one
# also lets the chain go with a third).
START, AUDIT = 2, 2


def _disclosures(n: int, requester: User, ig_officer: User) -> None:
    for _ in range(n):
        make_disclosure(
            recorded_by=ig_officer, request=make_request(requester=requester, status=RequestStatus.CLOSED)
        )


def _flows(n: int, requester: User, ig_officer: User) -> None:
    agreement = make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE).agreement
    for index in range(n):
        make_flow(
            requester=requester,
            created_by=ig_officer,
            agreement=agreement,
            status=DataFlowStatus.ACTIVE,
            next_review_on=timezone.localdate().replace(year=2020)
            if index % 2
            else timezone.localdate().replace(year=2030),
        )


def _agreements(n: int, requester: User, ig_officer: User) -> None:
    for index in range(n):
        version = make_agreement(
            author=ig_officer, status=AgreementStatus.ACTIVE if index % 2 else AgreementStatus.DRAFT
        )
        if index % 3 == 0:
            make_agreement(author=ig_officer, agreement=version.agreement)


def _dpias(n: int, requester: User, ig_officer: User) -> None:
    for _ in range(n):
        make_dpia(author=ig_officer, risks=2)


def _incidents(n: int, requester: User, ig_officer: User) -> None:
    for _ in range(n):
        make_incident(reported_by=ig_officer)


def _withdrawals(n: int, requester: User, ig_officer: User) -> None:
    flow = make_flow(requester=requester, created_by=ig_officer, art6="a_consent")
    for _ in range(n):
        consent_withdrawal_record(
            actor=ig_officer, subject_reference="Local ID 1", withdrawn_on=timezone.localdate(), flows=[flow]
        )


# (list page, how to add n rows, its own queries after the common ones and the audit; which they are)
LISTS: list[tuple[str, Callable[[int, User, User], None], int, str]] = [
    ("disclosure_list", _disclosures, 2, "count; the page with recipients, requests and who disclosed"),
    (
        "flow_list",
        _flows,
        4,
        "count; the page (overdue flows, then the others, in one statement); its recipients; its ISAs",
    ),
    ("agreement_list", _agreements, 4, "count; the page; the versions shown; their partners"),
    ("dpia_list", _dpias, 3, "count; the page with requests and signers; the risks"),
    ("incident_list", _incidents, 2, "count; the page with requests and flows"),
    ("consent_withdrawal_list", _withdrawals, 2, "count; the page with its counts"),
]


@pytest.mark.parametrize(("name", "add", "own", "which"), LISTS, ids=[entry[0] for entry in LISTS])
def test_each_register_list_runs_constant_queries_at_1_and_50_rows(
    client_for: ClientFor,
    dpo: User,
    requester: User,
    ig_officer: User,
    django_assert_num_queries: Any,
    name: str,
    add: Callable[[int, User, User], None],
    own: int,
    which: str,
) -> None:
    client = client_for(dpo)
    add(1, requester, ig_officer)
    with django_assert_num_queries(START + AUDIT + own):
        first = client.get(reverse(name))
    assert first.status_code == 200
    # The header row and one entry.
    assert first.content.decode().count('<tr class="nhsuk-table__row') == 2
    add(49, requester, ig_officer)
    with django_assert_num_queries(START + AUDIT + own):
        full = client.get(reverse(name))
    assert full.status_code == 200
    assert full.content.decode().count('<tr class="nhsuk-table__row') == 51


def test_a_requesters_own_disclosures_run_constant_queries(
    client_for: ClientFor, requester: User, ig_officer: User, django_assert_num_queries: Any
) -> None:
    client = client_for(requester)
    _disclosures(1, requester, ig_officer)
    # session (with user and roles), unread count; audit; count and page
    with django_assert_num_queries(2 + AUDIT + 2):
        response = client.get(reverse("disclosure_list"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="nhsuk-table__row') == 2
    _disclosures(49, requester, ig_officer)
    with django_assert_num_queries(2 + AUDIT + 2):
        response = client.get(reverse("disclosure_list"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="nhsuk-table__row') == 51
