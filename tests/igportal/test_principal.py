"""The signed-in person comes with the session's own query (issue 24), and is never stale.

Every request reads the session row together with the user row, their roles and their
authenticator in one statement, so a deactivation, a role change, a logout or a removed
authenticator counts from the very next request.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from igportal.accounts.principal import SessionAuthenticationMiddleware, SessionOTPMiddleware
from igportal.roles import Role, role_grant, role_revoke, roles_of
from tests.conftest import ClientFor, MakeUser

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def through_the_middleware(client: Client) -> HttpRequest:
    """A request carrying the client's session cookie, past the session, user and OTP middleware."""
    request = RequestFactory().get("/")
    request.COOKIES.update({key: morsel.value for key, morsel in client.cookies.items()})

    def answer(_: HttpRequest) -> HttpResponse:
        return HttpResponse()

    SessionMiddleware(answer).process_request(request)
    SessionAuthenticationMiddleware(answer).process_request(request)
    SessionOTPMiddleware(answer)._install_lazy_accessors(request)
    return request


def test_session_user_roles_and_authenticator_come_in_one_query(
    client_for: ClientFor, caldicott: User
) -> None:
    client = client_for(caldicott)
    device = TOTPDevice.objects.get(user=caldicott)
    request = through_the_middleware(client)
    with CaptureQueriesContext(connection) as queries:
        assert request.user.pk == caldicott.pk
        assert request.user.is_verified()  # type: ignore[attr-defined]
        assert request.user.otp_device == device  # type: ignore[attr-defined]
        assert roles_of(request.user) == {Role.CALDICOTT_GUARDIAN}
    assert len(queries) == 1, [query["sql"] for query in queries]


def test_a_deactivated_persons_next_request_is_refused_even_with_their_session_still_there(
    client_for: ClientFor, requester: User
) -> None:
    client = client_for(requester)
    assert client.get(reverse("request_list")).status_code == 200
    # Past every signal (as a bulk update or the database itself would): the session row remains.
    User.objects.filter(pk=requester.pk).update(is_active=False)
    response = client.get(reverse("request_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_role_change_takes_effect_on_the_next_request(client_for: ClientFor, requester: User) -> None:
    client = client_for(requester)
    decision_log = reverse("override_list")
    assert client.get(decision_log).status_code == 404
    role_grant(user=requester, role=Role.AUDITOR)
    assert client.get(decision_log).status_code == 200
    role_revoke(user=requester, role=Role.AUDITOR)
    assert client.get(decision_log).status_code == 404


def test_after_logout_the_same_cookie_is_signed_out(client_for: ClientFor, requester: User) -> None:
    client = client_for(requester)
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert copy.get(reverse("request_list")).status_code == 200
    client.post(reverse("logout"))
    response = copy.get(reverse("request_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_removed_authenticator_sends_the_next_request_to_verify_again(
    client_for: ClientFor, make_user: MakeUser
) -> None:
    officer = make_user(Role.IG_OFFICER, username="ivy")
    client = client_for(officer)
    assert client.get(reverse("request_list")).status_code == 200
    TOTPDevice.objects.filter(user=officer).delete()
    response = client.get(reverse("request_list"))
    assert response.status_code == 302 and reverse("login") not in response["Location"]
    assert reverse("mfa_setup") in response["Location"] or reverse("mfa_verify") in response["Location"]


def _prepared_session_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall() if "usersession" in row[0]]


def test_the_session_query_is_planned_once_per_connection_and_still_reads_the_rows_as_they_are(
    client_for: ClientFor, requester: User
) -> None:
    client = client_for(requester)
    assert client.get(reverse("request_list")).status_code == 200
    # A server-side prepared statement on this connection: PostgreSQL plans it once, not per request.
    assert len(_prepared_session_statements()) == 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("request_list")).status_code == 200
    assert len(_prepared_session_statements()) == 1
    # Logged and counted like any other query, with its text and the session's key in it.
    (logged,) = [query["sql"] for query in queries if "requests_app_usersession" in (query["sql"] or "")]
    assert client.cookies[settings.SESSION_COOKIE_NAME].value in logged
    # Prepared is not cached: the rows are read each time, so a deactivation counts at once.
    User.objects.filter(pk=requester.pk).update(is_active=False)
    response = client.get(reverse("request_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_sessions_text_verified_once_decodes_to_a_fresh_copy_each_time(requester: User) -> None:
    from igportal.accounts.session_store import SessionStore

    store = SessionStore()
    text = store.encode({"_auth_user_id": str(requester.pk), "wizard": {"steps": ["purpose"]}})
    first = store.decode(text)
    first["wizard"]["steps"].append("changed by this request")
    # A later request reading the same stored text is not handed what an earlier one did to it.
    assert SessionStore().decode(text) == {
        "_auth_user_id": str(requester.pk),
        "wizard": {"steps": ["purpose"]},
    }


def test_a_sessions_text_changed_in_the_database_is_refused_though_its_original_was_read_before(
    requester: User,
) -> None:
    from igportal.accounts.session_store import SessionStore

    store = SessionStore()
    text = store.encode({"_auth_user_id": str(requester.pk)})
    assert store.decode(text) == {"_auth_user_id": str(requester.pk)}
    forged = text[:-3] + ("abc" if not text.endswith("abc") else "xyz")
    assert SessionStore().decode(forged) == {}


def test_a_sessions_text_signed_under_a_retired_key_is_refused_though_it_was_read_before(
    requester: User, settings: object
) -> None:
    from igportal.accounts.session_store import SessionStore

    text = SessionStore().encode({"_auth_user_id": str(requester.pk)})
    assert SessionStore().decode(text) == {"_auth_user_id": str(requester.pk)}
    settings.SECRET_KEY = "another-key-" + "x" * 50  # type: ignore[attr-defined]
    assert SessionStore().decode(text) == {}


def test_only_a_session_of_ordinary_size_is_kept_checked_and_the_kept_checks_are_bounded(
    requester: User,
) -> None:
    import secrets

    from igportal.accounts import session_store
    from igportal.accounts.session_store import SessionStore

    session_store._DECODED.clear()
    large = {
        "_auth_user_id": str(requester.pk),
        "notes": secrets.token_urlsafe(2 * session_store._DECODED_TEXT_LIMIT),
    }
    text = SessionStore().encode(large)
    assert SessionStore().decode(text) == large  # still read, just not kept
    assert not session_store._DECODED
    # Nor one that compresses small but decodes large: the bound is on what is kept.
    compressible = {
        "_auth_user_id": str(requester.pk),
        "notes": "x" * (2 * session_store._DECODED_TEXT_LIMIT),
    }
    text = SessionStore().encode(compressible)
    assert len(text) < session_store._DECODED_TEXT_LIMIT
    assert SessionStore().decode(text) == compressible
    assert not session_store._DECODED
    small = SessionStore().encode({"_auth_user_id": str(requester.pk)})
    SessionStore().decode(small)
    assert len(session_store._DECODED) == 1
    for n in range(session_store._DECODED_LIMIT + 5):
        SessionStore().decode(SessionStore().encode({"_auth_user_id": str(n)}))
    assert len(session_store._DECODED) <= session_store._DECODED_LIMIT
