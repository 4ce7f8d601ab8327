"""Confirming who you are with the identity provider (issue #20): the re-authentication page's single
sign-on way, against the real loopback provider (tests/oidc_provider.py)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from igportal.accounts.mfa import REAUTHENTICATED_AT
from igportal.roles import Role
from requests_app.models import AuditEvent, ExternalIdentity, RoleMapping
from tests.mfa import totp_code, wait_out_the_throttle
from tests.sso.provider import RunningProvider, sso_settings

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/accounts/sso/callback/"
EMAIL_CHANGE = reverse("email_change")


@pytest.fixture
def provider(settings: Any, oidc_provider: RunningProvider) -> RunningProvider:
    sso_settings(settings, oidc_provider)
    oidc_provider.control(redirect_uris=[CALLBACK])
    RoleMapping.objects.create(claim_value="R8003", role=Role.REQUESTER)
    return oidc_provider


def _follow_provider(location: str, provider: RunningProvider) -> str:
    answer = requests.get(location, verify=provider.ca_bundle, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    callback: str = answer.headers["Location"]
    assert callback.startswith(CALLBACK)
    return callback.removeprefix("http://testserver")


def _signed_in(client: Client, provider: RunningProvider, subject: str = "alex") -> User:
    """Signed in with single sign-on (no strong authentication asserted), the confirmation long stale."""
    provider.sign_in_as(subject, given_name="Alex", roles=["R8003"])
    client.get(_follow_provider(client.get(reverse("sso_start"))["Location"], provider))
    session = client.session
    session[REAUTHENTICATED_AT] = time.time() - 24 * 3600
    session.save()
    return ExternalIdentity.objects.get(subject__isnull=False).user


def _confirm(client: Client) -> Any:
    return client.post(reverse("reauthenticate"), {"way": "sso", "next": EMAIL_CHANGE})


def _fresh(client: Client) -> bool:
    return client.get(EMAIL_CHANGE).status_code == 200


def test_confirming_with_the_provider_reauthenticates_and_returns_to_the_page(
    client: Client, provider: RunningProvider
) -> None:
    user = _signed_in(client, provider)
    assert not user.has_usable_password()
    gate = client.get(EMAIL_CHANGE)
    assert gate.status_code == 302 and gate["Location"].startswith(reverse("reauthenticate"))
    page = client.get(gate["Location"])
    assert page.status_code == 200
    assert "Confirm it's you with the loopback provider" in page.content.decode()
    assert 'name="password"' not in page.content.decode()

    start = _confirm(client)

    assert start.status_code == 302
    params = parse_qs(urlsplit(start["Location"]).query)
    # OpenID Connect Core 1.0, 3.1.2.1: the provider must authenticate the person again, now.
    assert params["prompt"] == ["login"] and params["max_age"] == ["0"]
    assert params["code_challenge_method"] == ["S256"] and params["nonce"][0]
    back = client.get(_follow_provider(start["Location"], provider))
    assert back.status_code == 302 and back["Location"] == EMAIL_CHANGE
    assert _fresh(client)
    event = AuditEvent.objects.filter(action="auth.reauthenticated").latest("id")
    assert event.actor_id == user.pk and event.detail == {"way": "sso"}
    # Confirming is not signing in: the same session, no new account, no second login event.
    assert int(client.session["_auth_user_id"]) == user.pk
    assert ExternalIdentity.objects.count() == 1
    assert AuditEvent.objects.filter(action="auth.login").count() == 1


def test_a_different_account_at_the_provider_is_refused(client: Client, provider: RunningProvider) -> None:
    user = _signed_in(client, provider, "alex")
    start = _confirm(client)
    # Someone else signs in at the provider on the shared computer.
    provider.sign_in_as("bobby", given_name="Bobby", roles=["R8003"])

    refused = client.get(_follow_provider(start["Location"], provider))

    assert refused.status_code == 403
    assert "different account" in refused.content.decode()
    assert not _fresh(client)
    event = AuditEvent.objects.get(action="auth.sso_reauth_refused")
    assert event.actor_id == user.pk and event.detail["reason"] == "reauth_other_account"
    assert event.detail["subject"] and event.detail["subject"] != user.identities.get().subject
    # Bobby's answer neither signed Bobby in nor made an account for him.
    assert int(client.session["_auth_user_id"]) == user.pk
    assert ExternalIdentity.objects.count() == 1
    assert not AuditEvent.objects.filter(action="auth.reauthenticated", detail__way="sso").exists()


def test_a_stale_auth_time_is_refused(client: Client, provider: RunningProvider) -> None:
    user = _signed_in(client, provider)
    start = _confirm(client)
    # A provider that ignored prompt=login answers with the time of an old sign-in.
    provider.control(fault="stale_auth_time")

    refused = client.get(_follow_provider(start["Location"], provider))

    assert refused.status_code == 403
    assert "did not ask you to sign in again" in refused.content.decode()
    assert not _fresh(client)
    event = AuditEvent.objects.get(action="auth.sso_reauth_refused")
    assert event.actor_id == user.pk and event.detail["reason"] == "reauth_stale"
    assert event.detail["auth_time"] < time.time() - 3000


def test_an_answer_is_used_once(client: Client, provider: RunningProvider) -> None:
    _signed_in(client, provider)
    callback = _follow_provider(_confirm(client)["Location"], provider)
    assert client.get(callback).status_code == 302
    session = client.session
    session[REAUTHENTICATED_AT] = time.time() - 24 * 3600
    session.save()

    replayed = client.get(callback)

    assert replayed.status_code == 403
    assert not _fresh(client)


def test_with_passwords_off_the_page_offers_only_the_provider(
    client: Client, provider: RunningProvider, settings: Any
) -> None:
    # An account from before single sign-on, which still has a portal password.
    user = _signed_in(Client(), provider)
    user.set_password("an-old-portal-password-1")
    user.save()
    _signed_in(client, provider)
    settings.LOCAL_PASSWORDS_ENABLED = False

    page = client.get(reverse("reauthenticate"), {"next": EMAIL_CHANGE}).content.decode()
    assert "Confirm it's you with the loopback provider" in page
    assert 'name="password"' not in page
    # A password posted anyway is not looked at.
    client.post(reverse("reauthenticate"), {"way": "password", "password": "an-old-portal-password-1"})
    assert not _fresh(client)

    settings.LOCAL_PASSWORDS_ENABLED = True
    both = client.get(reverse("reauthenticate")).content.decode()
    assert "Confirm it's you with the loopback provider" in both and 'name="password"' in both


def test_with_an_authenticator_the_provider_way_asks_for_a_code_too(
    client: Client, provider: RunningProvider
) -> None:
    user = _signed_in(client, provider)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    verified = client.post(reverse("mfa_verify"), {"code": totp_code(device)})
    assert verified.status_code == 302
    page = client.get(reverse("reauthenticate")).content.decode()
    assert 'name="sso-code"' in page

    wrong = client.post(reverse("reauthenticate"), {"way": "sso", "sso-code": "000000", "next": EMAIL_CHANGE})

    # Nobody is sent to the provider with a wrong code, and the guess is counted.
    assert wrong.status_code == 200 and "This code was not accepted" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="auth.mfa_failed", actor=user).exists()
    wait_out_the_throttle(device)
    start = client.post(
        reverse("reauthenticate"),
        {"way": "sso", "sso-code": totp_code(device, steps_ahead=1), "next": EMAIL_CHANGE},
    )
    assert start.status_code == 302 and start["Location"].startswith(provider.issuer)
    assert client.get(_follow_provider(start["Location"], provider))["Location"] == EMAIL_CHANGE
    assert _fresh(client)
