from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings as SettingsWrapper

from igportal.accounts import mfa
from igportal.accounts.mfa import REAUTHENTICATED_AT, RECOVERY_CODE_COUNT
from igportal.roles import Role
from requests_app.models import AuditEvent
from tests.conftest import ClientFor, MakeUser, verified_device
from tests.factories import PASSWORD
from tests.igportal.test_auth import ALL_URLS, API_PREFIX
from tests.igportal.test_env import REAL_KEY, _load_settings
from tests.mfa import log_in_with_password, totp_code, wait_out_the_throttle

pytestmark = pytest.mark.django_db

OFFICER_ROLES = [Role.IG_OFFICER, Role.DPO, Role.CALDICOTT_GUARDIAN, Role.SIRO]


def actions() -> list[str]:
    return list(AuditEvent.objects.values_list("action", flat=True))


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    """Walk the enrolment page as a person would; returns the device and the codes shown."""
    page = client.get(reverse("mfa_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(pk=client.session[mfa.PENDING_DEVICE_SESSION_KEY])
    response = client.post(reverse("mfa_setup"), {"code": totp_code(device)})
    if response.status_code == 302:
        return device, []
    assert response.status_code == 200, response
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    return device, codes


@pytest.mark.parametrize("role", OFFICER_ROLES)
def test_an_officer_without_an_authenticator_is_sent_to_set_one_up(
    client: Client, make_user: MakeUser, role: Role
) -> None:
    log_in_with_password(client, make_user(role))
    response = client.get(reverse("organisation_list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_setup')}?next=/organisations/"


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True, "is_staff": True}])
def test_admins_must_use_mfa_too(client: Client, make_user: MakeUser, flags: dict[str, bool]) -> None:
    user = make_user(**flags)
    verified_device(user)
    log_in_with_password(client, user)
    assert client.get("/admin/")["Location"] == f"{reverse('mfa_verify')}?next=/admin/"


@pytest.mark.parametrize("role", OFFICER_ROLES)
def test_an_officer_with_an_authenticator_is_asked_for_a_code(
    client: Client, make_user: MakeUser, role: Role
) -> None:
    user = make_user(role)
    verified_device(user)
    log_in_with_password(client, user)
    response = client.get(reverse("home"))
    assert response["Location"] == f"{reverse('mfa_verify')}?next=/"


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.AUDITOR])
def test_requesters_and_auditors_are_not_asked_for_a_code(
    client: Client, make_user: MakeUser, role: Role
) -> None:
    log_in_with_password(client, make_user(role))
    assert client.get(reverse("home")).status_code == 200


def test_a_requester_who_chose_to_enrol_is_asked_for_a_code_from_then_on(
    client: Client, requester: User
) -> None:
    verified_device(requester)
    log_in_with_password(client, requester)
    assert client.get(reverse("home"))["Location"] == f"{reverse('mfa_verify')}?next=/"


def test_before_the_code_only_the_mfa_pages_and_logout_open(client: Client, dpo: User) -> None:
    verified_device(dpo)
    log_in_with_password(client, dpo)
    # The MFA pages themselves, and the public transparency page, which needs no login at all.
    open_before_mfa = {"mfa_verify", "mfa_setup", "reauthenticate", "logout", "login", "transparency"}
    # Single sign-on's way out and back, and its page saying whom to ask for a role: nothing to protect.
    open_before_mfa |= {"sso_start", "sso_callback", "sso_no_role"}
    # The public's own pages: asking online, its acknowledgement, the disclosure log, and a partner's
    # signing link (no account at all, so no second factor to ask for).
    open_before_mfa |= {"access_request_online", "access_request_online_done", "disclosure_log"}
    open_before_mfa |= {
        "agreement_sign",
        "agreement_sign_pdf",
        "agreement_sign_submit",
        "agreement_sign_decline",
        "agreement_sign_question",
    }
    for name, url in ALL_URLS:
        if name in open_before_mfa:
            continue
        response = client.get(url)
        if url.startswith(API_PREFIX):
            # The API cannot send anyone to a page: it refuses the session in its JSON error shape.
            assert response.status_code == 403, name
            assert response.json()["error"]["code"] == "mfa_required", name
            continue
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("mfa_verify")), name
    assert client.get(reverse("mfa_verify")).status_code == 200


def test_the_code_unlocks_the_session_and_returns_to_the_page_asked_for(client: Client, dpo: User) -> None:
    device = verified_device(dpo)
    log_in_with_password(client, dpo)
    key_before = client.session.session_key
    response = client.post(reverse("mfa_verify"), {"code": totp_code(device), "next": "/organisations/"})
    assert response["Location"] == "/organisations/"
    assert client.get(reverse("organisation_list")).status_code == 200
    assert client.session.session_key != key_before
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert actions()[-1] == "auth.mfa_verified"


def test_the_code_page_does_not_follow_a_next_link_to_another_site(client: Client, dpo: User) -> None:
    device = verified_device(dpo)
    log_in_with_password(client, dpo)
    response = client.post(
        reverse("mfa_verify"), {"code": totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_a_code_cannot_be_used_twice(client: Client, dpo: User) -> None:
    device = verified_device(dpo)
    code = totp_code(device)
    log_in_with_password(client, dpo)
    assert client.post(reverse("mfa_verify"), {"code": code})["Location"] == reverse("home")
    client.post(reverse("logout"))
    log_in_with_password(client, dpo)
    response = client.post(reverse("mfa_verify"), {"code": code})
    assert response.status_code == 200
    assert b"That code was not accepted" in response.content
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_code_is_refused_audited_and_throttles_the_next_try(client: Client, dpo: User) -> None:
    device = verified_device(dpo)
    log_in_with_password(client, dpo)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    assert client.post(reverse("mfa_verify"), {"code": wrong}).status_code == 200
    assert actions()[-1] == "auth.mfa_failed"
    # Straight after a failure even the right code waits: guessing a million codes is not practical.
    assert client.post(reverse("mfa_verify"), {"code": totp_code(device)}).status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_a_recovery_code_works_once(client: Client, dpo: User) -> None:
    verified_device(dpo)
    codes = mfa._fresh_codes(dpo)
    log_in_with_password(client, dpo)
    assert client.post(reverse("mfa_verify"), {"code": codes[0].upper()})["Location"] == reverse("home")
    event = AuditEvent.objects.filter(action="auth.mfa_verified").get()
    assert event.detail == {"method": "recovery_code", "recovery_codes_left": RECOVERY_CODE_COUNT - 1}
    client.post(reverse("logout"))
    log_in_with_password(client, dpo)
    assert client.post(reverse("mfa_verify"), {"code": codes[0]}).status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_first_enrolment_shows_a_qr_image_and_the_key_once_then_the_recovery_codes_once(
    client: Client, caldicott: User
) -> None:
    log_in_with_password(client, caldicott)
    first = client.get(reverse("mfa_setup")).content.decode()
    assert 'src="data:image/svg+xml' in first
    assert "<script" not in first.split("<main", 1)[1]
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', first)
    assert secret is not None
    second = client.get(reverse("mfa_setup")).content.decode()
    assert secret.group(1) not in second, "reloading must not show the same key again"
    assert TOTPDevice.objects.filter(user=caldicott, confirmed=False).count() == 1

    device, codes = enrol(client)
    assert len(codes) == RECOVERY_CODE_COUNT
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert StaticToken.objects.filter(device__user=caldicott).count() == RECOVERY_CODE_COUNT
    assert "auth.mfa_enrolled" in actions()
    recovery_page = client.get(reverse("recovery_codes")).content.decode()
    assert codes[0] not in recovery_page


def test_a_wrong_enrolment_code_confirms_nothing_and_does_not_show_the_key_again(
    client: Client, caldicott: User
) -> None:
    log_in_with_password(client, caldicott)
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=caldicott)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_setup"), {"code": wrong})
    assert b"That code did not match" in response.content
    assert b"totp-secret" not in response.content
    device.refresh_from_db()
    assert not device.confirmed
    assert actions()[-1] == "auth.mfa_enrolment_failed"


def test_with_only_the_password_nobody_can_replace_an_enrolled_authenticator(
    client: Client, siro: User
) -> None:
    original = verified_device(siro)
    log_in_with_password(client, siro)
    response = client.get(reverse("mfa_setup"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_verify"))
    assert list(TOTPDevice.objects.filter(user=siro)) == [original]


def test_replacing_the_authenticator_needs_the_password_and_a_code_again(
    client_for: ClientFor, siro: User
) -> None:
    client = client_for(siro)
    mfa._fresh_codes(siro)
    old = TOTPDevice.objects.get(user=siro)
    response = client.get(reverse("mfa_setup"))
    assert response["Location"] == f"{reverse('reauthenticate')}?next=/accounts/mfa/setup/"
    refused = client.post(reverse("reauthenticate"), {"password": PASSWORD, "code": "000000"})
    assert b"Your password or code was not accepted" in refused.content
    wait_out_the_throttle(old)
    confirmed = client.post(
        reverse("reauthenticate"),
        {"password": PASSWORD, "code": totp_code(old), "next": "/accounts/mfa/setup/"},
    )
    assert confirmed["Location"] == "/accounts/mfa/setup/"
    new, codes = enrol(client)
    assert codes == []
    assert list(TOTPDevice.objects.filter(user=siro, confirmed=True)) == [new]
    assert "auth.reauthenticated" in actions()


def test_new_recovery_codes_need_reauthentication_and_replace_the_old_ones(
    client_for: ClientFor, dpo: User
) -> None:
    client = client_for(dpo)
    old_codes = mfa._fresh_codes(dpo)
    assert client.get(reverse("recovery_codes"))["Location"].startswith(reverse("reauthenticate"))
    device = TOTPDevice.objects.get(user=dpo)
    client.post(reverse("reauthenticate"), {"password": PASSWORD, "code": totp_code(device)})
    page = client.get(reverse("recovery_codes")).content.decode()
    assert f"<strong>{RECOVERY_CODE_COUNT}</strong> unused" in page
    assert old_codes[0] not in page
    issued = client.post(reverse("recovery_codes")).content.decode()
    new_codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", issued)
    assert len(new_codes) == RECOVERY_CODE_COUNT
    assert set(new_codes).isdisjoint(old_codes)
    assert set(StaticToken.objects.filter(device__user=dpo).values_list("token", flat=True)) == set(new_codes)
    assert actions()[-1] == "auth.recovery_codes_issued"


def test_reauthentication_lasts_only_the_configured_minutes(
    client_for: ClientFor, requester: User, settings: SettingsWrapper
) -> None:
    client = client_for(requester)
    assert client.get(reverse("email_change")).status_code == 200
    session = client.session
    session[REAUTHENTICATED_AT] -= settings.REAUTHENTICATION_MINUTES * 60 + 1
    session.save()
    assert client.get(reverse("email_change"))["Location"].startswith(reverse("reauthenticate"))


def test_an_email_change_needs_reauthentication_and_tells_the_old_address(
    client_for: ClientFor, dpo: User, django_capture_on_commit_callbacks
) -> None:
    client = client_for(dpo)
    assert client.get(reverse("email_change"))["Location"].startswith(reverse("reauthenticate"))
    refused = client.post(reverse("reauthenticate"), {"password": "wrong-password", "code": "123456"})
    assert refused.status_code == 200
    device = TOTPDevice.objects.get(user=dpo)
    client.post(reverse("reauthenticate"), {"password": PASSWORD, "code": totp_code(device)})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("email_change"), {"email": "dana.okafor@example.nhs.uk"})
    assert response["Location"] == reverse("account")
    dpo.refresh_from_db()
    assert dpo.email == "dana.okafor@example.nhs.uk"
    assert [message.to for message in mail.outbox] == [["dana@example.nhs.uk"]]
    assert "auth.email_changed" in actions()
    assert "dana.okafor" not in str(AuditEvent.objects.get(action="auth.email_changed").detail)


def test_an_email_address_already_in_use_is_refused(
    client_for: ClientFor, requester: User, other_requester: User
) -> None:
    client = client_for(requester)
    response = client.post(reverse("email_change"), {"email": other_requester.email.upper()})
    assert b"Another account uses that email address" in response.content
    requester.refresh_from_db()
    assert requester.email == "riya@example.nhs.uk"


def test_the_account_page_shows_what_protects_the_account(
    client_for: ClientFor, requester: User, caldicott: User
) -> None:
    mine = client_for(requester).get(reverse("account")).content.decode()
    assert "You can choose to protect your account" in mine
    assert "Not set up" in mine
    theirs = client_for(caldicott).get(reverse("account")).content.decode()
    assert "Your role needs a code" in theirs
    assert "Replace<span" in theirs
    assert "unused" in theirs


def test_with_mfa_switched_off_officers_go_straight_in_but_enrolled_people_still_give_a_code(
    client: Client, make_user: MakeUser, settings: SettingsWrapper
) -> None:
    settings.MFA_REQUIRED = False
    log_in_with_password(client, make_user(Role.CALDICOTT_GUARDIAN, username="cg"))
    assert client.get(reverse("home")).status_code == 200
    enrolled = make_user(Role.DPO, username="enrolled")
    verified_device(enrolled)
    other = Client()
    log_in_with_password(other, enrolled)
    assert other.get(reverse("home"))["Location"].startswith(reverse("mfa_verify"))


def test_production_refuses_to_switch_mfa_off() -> None:
    result = _load_settings(
        IGPORTAL_ENV="production",
        SECRET_KEY=REAL_KEY,
        ALLOWED_HOSTS="ig.example.nhs.uk",
        MFA_REQUIRED="false",
    )
    assert result.returncode != 0
    assert "MFA_REQUIRED cannot be false in production" in result.stderr


def test_client_for_logs_officers_in_past_mfa(client_for: ClientFor, make_user: MakeUser) -> None:
    for role in [*OFFICER_ROLES, Role.REQUESTER, Role.AUDITOR]:
        assert client_for(make_user(role)).get(reverse("home")).status_code == 200, role
