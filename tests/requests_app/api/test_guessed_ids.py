"""Guessed ids through the API: every object endpoint answers 404 to each role that may not see the object.

Sharing requests are covered with the pages in tests/requests_app/test_request_access.py (the same
getter answers both); here are the access request cases and the API tokens, with Bearer tokens.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from igportal.roles import Role
from requests_app.models import ApiToken
from tests.conftest import MakeUser
from tests.factories import AccessRequestFactory
from tests.requests_app.api.helpers import Api, assert_error, token_for

pytestmark = pytest.mark.django_db


def access_request_calls(pk: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", f"/api/v1/access-requests/{pk}/", {}),
        ("patch", f"/api/v1/access-requests/{pk}/", {"description": "Guessed."}),
        ("post", f"/api/v1/access-requests/{pk}/transitions/", {"name": "start"}),
    ]


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.CALDICOTT_GUARDIAN, Role.SIRO, None])
def test_access_request_cases_are_not_found_by_roles_that_do_not_handle_them(
    make_user: MakeUser, role: Role | None
) -> None:
    case = AccessRequestFactory.create()
    api = Api(Client(), token_for(make_user(*([role] if role else []))))
    for method, url, body in access_request_calls(case.pk):
        assert_error(api.call(method, url, body), 404, "not_found")
    assert_error(api.get("/api/v1/access-requests/"), 404, "not_found")


@pytest.mark.parametrize("role", [Role.IG_OFFICER, Role.DPO, Role.AUDITOR])
def test_an_unknown_case_number_is_not_found_even_for_its_handlers(make_user: MakeUser, role: Role) -> None:
    api = Api(Client(), token_for(make_user(role)))
    for method, url, body in access_request_calls(999999):
        assert_error(api.call(method, url, body), 404, "not_found")


@pytest.mark.parametrize("role", list(Role))
def test_someone_elses_token_is_not_found(make_user: MakeUser, requester: User, role: Role) -> None:
    token_for(requester)
    theirs = ApiToken.objects.get(user=requester)
    api = Api(Client(), token_for(make_user(role)))
    assert_error(api.get(f"/api/v1/tokens/{theirs.pk}/"), 404, "not_found")
    assert_error(api.delete(f"/api/v1/tokens/{theirs.pk}/"), 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.IG_OFFICER, Role.CALDICOTT_GUARDIAN, Role.SIRO, None])
def test_the_audit_trail_is_not_found_by_anyone_but_the_dpo_and_auditors(
    make_user: MakeUser, role: Role | None
) -> None:
    api = Api(Client(), token_for(make_user(*([role] if role else []))))
    assert_error(api.get("/api/v1/audit-events/"), 404, "not_found")
