from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from igportal.roles import Role
from requests_app.models import AuditEvent
from tests.conftest import ClientFor, MakeUser
from tests.factories import PASSWORD
from tests.mfa import totp_code

pytestmark = pytest.mark.django_db

LIMIT = 5


def attempt(client: Client, username: str, password: str, address: str = "127.0.0.1") -> int:
    response = client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def wind_clock_back(minutes: int) -> None:
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=minutes)
    )


@pytest.fixture
def clare(make_user: MakeUser) -> User:
    return make_user(Role.CALDICOTT_GUARDIAN, username="clare")


def test_a_username_is_locked_after_the_limit_whatever_the_address(client: Client, clare: User) -> None:
    statuses = [attempt(client, "clare", "guess", address=f"10.0.0.{n}") for n in range(LIMIT)]
    # the attempt that reaches the limit is answered with the lock-out page
    assert statuses == [200] * (LIMIT - 1) + [429]
    assert attempt(client, "clare", PASSWORD, address="10.0.0.99") == 429
    assert not logged_in(client)


def test_an_address_is_locked_after_the_limit_whatever_the_username(
    client: Client, clare: User, make_user: MakeUser
) -> None:
    make_user(Role.REQUESTER, username="kim")
    for n in range(LIMIT):
        attempt(client, f"someone{n}", "guess", address="10.0.0.9")
    assert attempt(client, "kim", PASSWORD, address="10.0.0.9") == 429
    assert not logged_in(client)
    # the username itself is not locked: Kim logs in from her own computer
    assert attempt(Client(), "kim", PASSWORD, address="10.0.0.10") == 302


def test_the_lock_ends_by_itself_after_the_cool_off(client: Client, clare: User) -> None:
    for _ in range(LIMIT):
        attempt(client, "clare", "guess")
    assert attempt(client, "clare", PASSWORD) == 429
    wind_clock_back(minutes=16)
    assert attempt(client, "clare", PASSWORD) == 302
    assert logged_in(client)


def test_attempts_during_a_lock_do_not_extend_it(client: Client, clare: User) -> None:
    for _ in range(LIMIT):
        attempt(client, "clare", "guess")
    wind_clock_back(minutes=10)
    for _ in range(3):
        assert attempt(client, "clare", "guess") == 429
    wind_clock_back(minutes=6)
    assert attempt(client, "clare", PASSWORD) == 302


def test_the_lock_out_page_reads_the_same_for_unknown_usernames(client: Client, clare: User) -> None:
    pages: list[str] = []
    for username in ("clare", "nobody-by-this-name"):
        for n in range(LIMIT):
            attempt(client, username, "guess", address=f"10.1.{len(pages)}.{n}")
        response = client.post(
            reverse("login"), {"username": username, "password": "guess"}, REMOTE_ADDR="10.2.2.2"
        )
        pages.append(response.content.decode().replace(username, "USER"))
    assert "Too many attempts to log in" in pages[0]
    assert "paused for 15 minutes" in pages[0]
    assert pages[0] == pages[1]


def test_failures_and_the_lock_out_are_audited_and_logged_without_the_password(
    client: Client, clare: User, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        for n in range(LIMIT):
            attempt(client, "clare", f"secret-guess-{n}", address="10.3.3.3")
    failed = AuditEvent.objects.filter(action="auth.login_failed")
    assert failed.count() == LIMIT
    assert {event.detail["username"] for event in failed} == {"clare"}
    assert {event.ip_address for event in failed} == {"10.3.3.3"}
    lockout = AuditEvent.objects.get(action="auth.lockout")
    assert lockout.detail == {"username": "clare", "failures": LIMIT}
    assert "Sign-in locked out after 5 failed attempts" in caplog.text
    everything = (
        caplog.text + str(list(AuditEvent.objects.values())) + str(list(AccessAttempt.objects.values()))
    )
    assert "secret-guess" not in everything


def test_wrong_passwords_when_reauthenticating_count_towards_the_lock(
    client_for: ClientFor, clare: User
) -> None:
    client = client_for(clare)
    device = TOTPDevice.objects.get(user=clare)
    for _ in range(LIMIT):
        client.post(reverse("reauthenticate"), {"password": "guess", "code": "000000"})
    response = client.post(reverse("reauthenticate"), {"password": PASSWORD, "code": totp_code(device)})
    assert response.status_code == 429
