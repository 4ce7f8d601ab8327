from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from igportal.accounts.sessions import AUTHENTICATED_AT, LAST_SEEN_AT
from igportal.roles import Role
from requests_app.models import AuditEvent, UserSession
from tests.conftest import ClientFor, MakeUser
from tests.factories import PASSWORD
from tests.mfa import log_in_with_password

pytestmark = pytest.mark.django_db

MINUTE = 60


def age_session(client: Client, *, idle_seconds: float = 0, since_login_seconds: float = 0) -> None:
    session = client.session
    session[LAST_SEEN_AT] -= idle_seconds
    session[AUTHENTICATED_AT] -= since_login_seconds
    session.save()


def test_a_session_belongs_to_its_user_in_the_database(client_for: ClientFor, requester: User) -> None:
    client = client_for(requester)
    assert UserSession.objects.get(session_key=client.session.session_key).user_id == requester.pk


def test_a_session_idle_for_longer_than_the_limit_ends(client_for: ClientFor, requester: User) -> None:
    client = client_for(requester)
    # The limit plus the lag allowed for the stored time of the last request (a tenth, at most 60 s).
    age_session(client, idle_seconds=31 * MINUTE + 5)
    key = client.session.session_key
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("login"))
    assert not UserSession.objects.filter(session_key=key).exists()
    event = AuditEvent.objects.get(action="auth.session_expired")
    assert (event.actor, event.detail) == (requester, {"reason": "idle"})


def test_activity_within_the_limit_keeps_the_session_and_resets_the_idle_clock(
    client_for: ClientFor, requester: User
) -> None:
    client = client_for(requester)
    age_session(client, idle_seconds=29 * MINUTE)
    assert client.get(reverse("home")).status_code == 200
    age_session(client, idle_seconds=29 * MINUTE)
    assert client.get(reverse("home")).status_code == 200


def test_the_idle_limit_comes_from_settings(client_for: ClientFor, requester: User, settings) -> None:
    settings.SESSION_IDLE_MINUTES = 5
    client = client_for(requester)
    age_session(client, idle_seconds=6 * MINUTE)
    assert client.get(reverse("home")).status_code == 302


class Clock:
    """Stands in for the session module's clock, so a test can pass minutes in a moment."""

    def __init__(self, start: float) -> None:
        self.moment = start

    def __call__(self) -> float:
        return self.moment


def test_a_request_every_20_seconds_keeps_a_one_minute_session_alive(
    client_for: ClientFor, requester: User, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SESSION_IDLE_MINUTES = 1
    clock = Clock(1_800_000_000.0)
    monkeypatch.setattr("igportal.accounts.sessions.now", clock)
    client = client_for(requester)
    client.get(reverse("home"))
    for _ in range(30):  # ten minutes of activity, a request about every 20 s as a browser would
        clock.moment += 20.5
        assert client.get(reverse("home")).status_code == 200
    # The last request was just now: a minute of quiet is still within the limit.
    clock.moment += MINUTE
    assert client.get(reverse("home")).status_code == 200
    # More than the limit (and its tenth of lag) since that request ends it.
    clock.moment += MINUTE + 7
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_even_an_active_session_ends_at_its_maximum_age(client_for: ClientFor, requester: User) -> None:
    client = client_for(requester)
    age_session(client, since_login_seconds=10 * 60 * MINUTE + 5)
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.get(action="auth.session_expired").detail == {"reason": "max_age"}


def test_a_session_without_a_start_time_is_not_trusted(client_for: ClientFor, requester: User) -> None:
    client = client_for(requester)
    session = client.session
    del session[AUTHENTICATED_AT]
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_the_session_cookie_ends_with_the_browser(client: Client, requester: User) -> None:
    log_in_with_password(client, requester)
    cookie = client.cookies["sessionid"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"]


def test_logout_ends_every_session_of_the_person(client: Client, make_user: MakeUser) -> None:
    kim = make_user(Role.REQUESTER, username="kim")
    bystander = make_user(Role.REQUESTER, username="lee")
    laptop, phone, other = Client(), Client(), Client()
    for device in (laptop, phone):
        log_in_with_password(device, kim)
    log_in_with_password(other, bystander)
    laptop.post(reverse("logout"))
    assert phone.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert other.get(reverse("home")).status_code == 200
    assert not UserSession.objects.filter(user=kim).exists()
    assert AuditEvent.objects.get(action="auth.logout").detail == {"sessions_ended": 2}


def test_deactivating_a_person_ends_every_session(make_user: MakeUser) -> None:
    kim = make_user(Role.REQUESTER, username="kim")
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        log_in_with_password(device, kim)
    kim.is_active = False
    kim.save()
    assert not UserSession.objects.filter(user=kim).exists()
    assert laptop.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert phone.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(make_user: MakeUser) -> None:
    kim = make_user(Role.REQUESTER, username="kim")
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        log_in_with_password(device, kim)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-longer-pass-77",
            "new_password2": "a-new-longer-pass-77",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert UserSession.objects.filter(user=kim).count() == 1
    assert AuditEvent.objects.get(action="auth.password_changed").detail == {"other_sessions_ended": 1}


def test_login_and_logout_are_in_the_audit_trail(client: Client, requester: User) -> None:
    log_in_with_password(client, requester)
    client.post(reverse("logout"), REMOTE_ADDR="10.9.8.7")
    login, logout = AuditEvent.objects.filter(action__in=["auth.login", "auth.logout"]).order_by("id")
    assert (login.action, login.actor, login.ip_address) == ("auth.login", requester, "127.0.0.1")
    assert (logout.action, logout.actor, logout.ip_address) == ("auth.logout", requester, "10.9.8.7")
