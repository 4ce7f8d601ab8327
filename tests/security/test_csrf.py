"""Every unsafe request without a CSRF token is refused and changes nothing, on every URL there is."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client

from igportal.roles import Role
from requests_app.models import RequestStatus
from tests.conftest import ClientFor, MakeUser
from tests.factories import make_request
from tests.igportal.test_auth import ALL_URLS


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_no_unsafe_request_without_a_csrf_token_gets_through(
    make_user: MakeUser, client_for: ClientFor
) -> None:
    everyone = make_user(*Role, username="all-roles")
    request = make_request(requester=everyone, status=RequestStatus.DRAFT)
    client = client_for(everyone)
    # The test client skips CSRF checks unless told otherwise; a browser attacker's form has no token.
    client.handler.enforce_csrf_checks = True
    before = _row_counts()
    for name, url in ALL_URLS:
        url = url.replace("/x/", f"/{request.reference}/")
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url)
            assert response.status_code == 403, (
                f"{method.upper()} {url} ({name}) answered {response.status_code}"
            )
    after = _row_counts()
    # Refusals are audited (and the session may be touched); nothing else changes.
    changed = {label for label in before if before[label] != after[label]} - {"requests_app.AuditEvent"}
    assert changed <= {"requests_app.UserSession"}, changed


@pytest.mark.django_db
def test_the_login_form_needs_its_token_too(make_user: MakeUser) -> None:
    make_user(Role.REQUESTER, username="kim")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "kim", "password": "a-long-test-password-42"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_public_ask_online_form_needs_its_token_too() -> None:
    from requests_app.models import AccessRequest

    client = Client(enforce_csrf_checks=True)
    data = {
        "kind": "foi",
        "description": "Parking income for 2025.",
        "requester_name": "Alex Reporter",
        "reply_by": "email",
        "requester_email": "alex@example.org",
    }
    assert client.post("/ask/", data).status_code == 403
    assert not AccessRequest.objects.exists()
    # With the token the form sets, the same request is taken.
    client.get("/ask/")
    token = client.cookies["csrftoken"].value
    assert client.post("/ask/", {**data, "csrfmiddlewaretoken": token}).status_code == 302
    assert AccessRequest.objects.count() == 1
