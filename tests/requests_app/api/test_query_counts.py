"""API lists cost the same few queries however many rows a page holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from requests_app.services.audit import audit_record
from tests.factories import AccessRequestFactory, make_request
from tests.requests_app.api.helpers import Api, token_for
from tests.requests_app.registers import fill_registers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [1, 6])
def test_each_list_page_is_four_queries(
    django_assert_num_queries: Any, requester: User, ig_officer: User, dpo: User, rows: int
) -> None:
    for _ in range(rows):
        make_request(requester=requester)
        AccessRequestFactory.create()
        audit_record(action="request.view", actor=requester)
    for user, url, queries in (
        # One more for the requests: the delegations in force for the caller (acting_roles).
        (ig_officer, "/api/v1/requests/", 4 + 1),
        # The access register also records its viewing, as its page does (the chain's lock with the
        # previous hash, the insert).
        (ig_officer, "/api/v1/access-requests/", 4 + 2),
        (dpo, "/api/v1/audit-events/", 4),
    ):
        api = Api(Client(), token_for(user))
        assert api.get(url).status_code == 200  # the first call records the token's last use
        # 1. the token (with its user)  2. the user's roles  3. the count  4. the page, with its joins
        with django_assert_num_queries(queries):
            response = api.get(url)
        assert response.status_code == 200
        assert response.json()["count"] >= rows
        assert len(response.json()["results"]) >= rows


@pytest.mark.parametrize("rows", [1, 6])
def test_each_register_list_page_is_six_queries_and_the_isas_two_more(
    django_assert_num_queries: Any, requester: User, ig_officer: User, rows: int
) -> None:
    for _ in range(rows):
        fill_registers(requester=requester, ig_officer=ig_officer)
    for url, queries in (
        ("/api/v1/disclosures/", 6),
        ("/api/v1/data-flows/", 6),
        ("/api/v1/agreements/", 8),
        ("/api/v1/incidents/", 6),
        ("/api/v1/assets/", 6),
        ("/api/v1/processors/", 6),
    ):
        api = Api(Client(), token_for(ig_officer))
        assert api.get(url).status_code == 200
        # The four of every list, and two for the page's register.view audit event (as the register
        # page records it: the chain's lock with the previous hash, the insert); the ISAs' shown
        # versions and their parties are two more, as on the page.
        with django_assert_num_queries(queries):
            response = api.get(url)
        assert response.json()["count"] >= rows
