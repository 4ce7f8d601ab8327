"""Personal API tokens: made and revoked by their owner, hashed at rest, scoped, refused when dead."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from igportal.roles import Role, role_grant
from requests_app.models import ApiToken, AuditEvent
from tests.conftest import ClientFor, MakeUser
from tests.factories import make_request
from tests.requests_app.api.helpers import Api, assert_error, token_for

pytestmark = pytest.mark.django_db
TOKENS = "/api/v1/tokens/"


def create(api: Api, scope: str = "write", **extra: object) -> dict:
    response = api.post(TOKENS, {"name": "reporting script", "scope": scope, **extra})
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_a_token_is_shown_once_and_stored_only_as_a_hash(client_for: ClientFor, requester: User) -> None:
    api = Api(client_for(requester))
    created = create(api, "read")
    plaintext = created["token"]
    assert plaintext.startswith(f"igp_{created['prefix']}_")
    stored = ApiToken.objects.get(pk=created["id"])
    secret = plaintext.split("_", 2)[2]
    assert secret not in stored.secret_sha256 and len(stored.secret_sha256) == 64
    listed = api.get(TOKENS).json()["results"]
    assert [row["prefix"] for row in listed] == [created["prefix"]]
    assert "token" not in listed[0] and "secret_sha256" not in listed[0]
    assert "token" not in api.get(f"{TOKENS}{created['id']}/").json()
    assert AuditEvent.objects.filter(action="api.token_created", target_id=str(stored.pk)).exists()


def test_a_token_authenticates_without_a_session_or_csrf_token(
    client_for: ClientFor, requester: User
) -> None:
    plaintext = create(Api(client_for(requester)))["token"]
    client = Client(enforce_csrf_checks=True)
    api = Api(client, plaintext)
    assert api.get("/api/v1/requests/").status_code == 200
    assert api.post("/api/v1/requests/").status_code == 201


def test_a_read_token_may_not_change_anything(requester: User) -> None:
    api = Api(Client(), token_for(requester, "read"))
    assert api.get("/api/v1/requests/").status_code == 200
    error = assert_error(api.post("/api/v1/requests/"), 403, "token_scope")
    assert "read-only" in error["message"]
    request = make_request(requester=requester)
    assert_error(
        api.post(f"/api/v1/requests/{request.reference}/comments/", {"body": "Hi"}), 403, "token_scope"
    )
    assert_error(api.post("/api/v1/assess", {}), 403, "token_scope")
    assert not request.comments.exists()


def test_revoked_and_expired_tokens_are_refused_with_401(client_for: ClientFor, requester: User) -> None:
    session = Api(client_for(requester))
    revoked = create(session)
    assert session.delete(f"{TOKENS}{revoked['id']}/").status_code == 204
    assert AuditEvent.objects.filter(action="api.token_revoked", target_id=str(revoked["id"])).exists()
    error = assert_error(Api(Client(), revoked["token"]).get("/api/v1/requests/"), 401, "invalid_token")
    assert error["message"] == "This token has been revoked."
    expired = create(session)
    ApiToken.objects.filter(pk=expired["id"]).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert_error(Api(Client(), expired["token"]).get("/api/v1/requests/"), 401, "invalid_token")
    assert AuditEvent.objects.filter(action="api.token_refused").count() == 2


@pytest.mark.parametrize(
    "header",
    ["Bearer igp_nothing_here", "Bearer not-a-token", "Bearer ", "Bearer a b"],
)
def test_an_unknown_or_malformed_token_is_401(requester: User, header: str) -> None:
    response = Client().get("/api/v1/requests/", headers={"Authorization": header})
    assert_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_tampered_secret_is_refused(requester: User) -> None:
    plaintext = token_for(requester)
    tampered = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    assert_error(Api(Client(), tampered).get("/api/v1/requests/"), 401, "invalid_token")


def test_a_token_cannot_make_more_tokens(requester: User) -> None:
    api = Api(Client(), token_for(requester))
    error = assert_error(api.post(TOKENS, {"name": "x", "scope": "write"}), 403, "permission_denied")
    assert "browser session" in error["message"]


def test_mfa_roles_get_write_tokens_only_from_a_verified_session(
    client: Client, client_for: ClientFor, ig_officer: User, make_user: MakeUser, settings: Any
) -> None:
    # A verified session (client_for passes MFA) may have one.
    assert create(Api(client_for(ig_officer)), "write")["scope"] == "write"
    # Where MFA is not enforced (the demo server), an officer with no authenticator signs in with a
    # password only: that session gets read tokens, never write ones.
    settings.MFA_REQUIRED = False
    unverified_client = Client()
    unverified_client.force_login(make_user(Role.IG_OFFICER))
    unverified = Api(unverified_client)
    error = assert_error(unverified.post(TOKENS, {"name": "x", "scope": "write"}), 403, "permission_denied")
    assert "multi-factor" in error["message"]
    assert create(unverified, "read")["scope"] == "read"


def test_an_unverified_session_of_an_mfa_role_is_refused_by_the_api(client: Client, dpo: User) -> None:
    client.force_login(dpo)
    assert_error(Api(client).get("/api/v1/requests/"), 403, "mfa_required")


def test_a_write_token_made_before_the_role_needed_mfa_stops_working(
    client_for: ClientFor, requester: User
) -> None:
    plaintext = create(Api(client_for(requester)), "write")["token"]
    role_grant(user=requester, role=Role.IG_OFFICER)
    error = assert_error(Api(Client(), plaintext).get("/api/v1/requests/"), 401, "invalid_token")
    assert "multi-factor" in error["message"]


def test_token_input_is_validated(client_for: ClientFor, requester: User) -> None:
    api = Api(client_for(requester))
    error = assert_error(api.post(TOKENS, {"name": "", "scope": "admin", "expires_in_days": 999}), 400)
    assert set(error["fields"]) == {"name", "scope", "expires_in_days"}


def test_session_writes_still_need_the_csrf_token(client_for: ClientFor, requester: User) -> None:
    client = client_for(requester)
    client.handler.enforce_csrf_checks = True
    assert_error(Api(client).post(TOKENS, {"name": "x", "scope": "read"}), 403, "csrf_failed")
    assert not ApiToken.objects.exists()
