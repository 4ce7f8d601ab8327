"""Single sign-on through a real OpenID Connect provider process on loopback (tests/oidc_provider.py).

The portal side runs in the Django test client; the provider is pyop in its own process, reached over
HTTPS exactly as a deployment reaches CIS2 or Entra ID: discovery, the JWKS, the token endpoint.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse

from igportal.accounts.mfa import SSO_ASSURED_SESSION_KEY
from igportal.roles import Role, role_grant, roles_of
from requests_app.models import AuditEvent, ExternalIdentity, RoleMapping
from tests.factories import PASSWORD
from tests.sso.provider import RunningProvider, sso_settings

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/accounts/sso/callback/"


@pytest.fixture
def provider(settings: Any, oidc_provider: RunningProvider) -> RunningProvider:
    sso_settings(settings, oidc_provider)
    oidc_provider.control(
        redirect_uris=[CALLBACK], post_logout_redirect_uris=["http://testserver/accounts/logged-out/"]
    )
    RoleMapping.objects.create(claim_value="R8008", role=Role.IG_OFFICER, note="CIS2: Admin & Clerical")
    RoleMapping.objects.create(claim_value="R8003", role=Role.REQUESTER, note="CIS2: Health Professional")
    RoleMapping.objects.create(claim_value="cg-group", role=Role.CALDICOTT_GUARDIAN)
    return oidc_provider


def _round_trip(client: Client, provider: RunningProvider) -> str:
    """Start at the portal, let the provider answer, and return the callback URL it sends the browser to."""
    start = client.get(reverse("sso_start"))
    assert start.status_code == 302
    authorise = urlsplit(start["Location"])
    params = parse_qs(authorise.query)
    assert f"{authorise.scheme}://{authorise.netloc}" == provider.issuer
    # Authorisation code flow with PKCE (S256), a state and a nonce.
    assert params["response_type"] == ["code"]
    assert params["code_challenge_method"] == ["S256"] and params["code_challenge"][0]
    assert params["state"][0] and params["nonce"][0]
    answer = requests.get(start["Location"], verify=provider.ca_bundle, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location: str = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    return location.removeprefix("http://testserver")


def _sign_in(client: Client, provider: RunningProvider) -> Any:
    return client.get(_round_trip(client, provider))


def _actions(*prefixes: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith=prefixes[0] if prefixes else "auth.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_first_sign_in_creates_the_account_with_its_mapped_roles(
    client: Client, provider: RunningProvider
) -> None:
    provider.sign_in_as(
        "alex", given_name="Alex", family_name="Morgan", email="alex@example.nhs.uk", roles=["R8008"]
    )

    response = _sign_in(client, provider)

    assert response.status_code == 302 and response["Location"] == reverse("home")
    identity = ExternalIdentity.objects.get(issuer=provider.issuer)
    user = identity.user
    assert (user.first_name, user.last_name, user.email) == ("Alex", "Morgan", "alex@example.nhs.uk")
    assert not user.has_usable_password()
    assert roles_of(User.objects.get(pk=user.pk)) == {Role.IG_OFFICER}
    assert identity.last_claim_values == ["R8008"]
    assert int(client.session["_auth_user_id"]) == user.pk
    actions = _actions("auth.")
    assert actions[:4] == [
        "auth.sso_account_created",
        "auth.sso_role_granted",
        "auth.sso_verified",
        "auth.login",
    ]
    granted = AuditEvent.objects.get(action="auth.sso_role_granted")
    assert granted.detail == {"role": "ig_officer"} and granted.target_id == str(user.pk)


def test_a_changed_claim_changes_the_roles_at_the_next_sign_in(
    client: Client, provider: RunningProvider
) -> None:
    provider.sign_in_as("sam", roles=["R8008"])
    _sign_in(client, provider)
    user = ExternalIdentity.objects.get(subject__isnull=False).user
    # A role no mapping names is the portal's own: single sign-on leaves it alone.
    role_grant(user=user, role=Role.AUDITOR)
    client.post(reverse("logout"))

    provider.sign_in_as("sam", roles=["R8003", "cg-group", "unmapped-code"])
    fresh = Client()
    response = _sign_in(fresh, provider)

    assert response.status_code == 302
    assert ExternalIdentity.objects.count() == 1
    assert roles_of(User.objects.get(pk=user.pk)) == {Role.REQUESTER, Role.CALDICOTT_GUARDIAN, Role.AUDITOR}
    revoked = AuditEvent.objects.get(action="auth.sso_role_revoked")
    assert revoked.detail == {"role": "ig_officer"}
    assert sorted(
        AuditEvent.objects.filter(action="auth.sso_role_granted").values_list("detail__role", flat=True)
    ) == ["caldicott_guardian", "ig_officer", "requester"]


def test_accounts_are_matched_on_issuer_and_subject_never_on_email(
    client: Client, provider: RunningProvider, make_user: Any
) -> None:
    local = make_user(Role.DPO, email="dana@example.nhs.uk")
    provider.sign_in_as("dana-at-the-provider", email="dana@example.nhs.uk", roles=["R8003"])

    _sign_in(client, provider)

    identity = ExternalIdentity.objects.get()
    assert identity.user_id != local.pk
    assert roles_of(User.objects.get(pk=local.pk)) == {Role.DPO}
    assert int(client.session["_auth_user_id"]) == identity.user_id


def test_no_mapped_role_signs_in_to_a_page_that_says_whom_to_ask(
    client: Client, provider: RunningProvider
) -> None:
    provider.sign_in_as("new-starter", given_name="Nia", roles=["something-else"])

    response = _sign_in(client, provider)

    assert response["Location"] == reverse("sso_no_role")
    page = client.get(reverse("sso_no_role"))
    assert page.status_code == 200
    assert "the IG team at ig@example.nhs.uk" in page.content.decode()


def test_cis2_role_codes_are_read_from_the_nrbac_objects(
    settings: Any, client: Client, provider: RunningProvider
) -> None:
    settings.SSO_ROLES_CLAIM = "nhsid_nrbac_roles.role_code"
    provider.sign_in_as(
        "cis2-user",
        nhsid_nrbac_roles=[
            {"person_roleid": "1", "org_code": "RX1", "role_code": "S8000:G8000:R8008"},
            {"person_roleid": "2", "org_code": "RX1", "role_code": "R8003"},
        ],
    )

    _sign_in(client, provider)

    assert roles_of(ExternalIdentity.objects.get().user) == {Role.REQUESTER}
    assert ExternalIdentity.objects.get().last_claim_values == ["S8000:G8000:R8008", "R8003"]


@pytest.mark.parametrize(
    ("fault", "reason", "words"),
    [
        ("signature", "signature", "not signed with its published key"),
        ("audience", "audience", "meant for another service"),
        ("expired", "expired", "had expired"),
        ("future", "not_yet_valid", "dated in the future"),
        ("nonce", "nonce", "did not belong to this sign-in"),
        ("issuer", "issuer", "a service this portal does not trust"),
    ],
)
def test_an_untrustworthy_id_token_is_refused_with_a_page_and_an_audit_event(
    client: Client, provider: RunningProvider, fault: str, reason: str, words: str
) -> None:
    provider.sign_in_as("mallory", roles=["R8008"])
    callback = _round_trip(client, provider)
    provider.control(fault=fault)

    response = client.get(callback)

    assert response.status_code == 403
    assert words in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    event = AuditEvent.objects.get(action="auth.sso_refused")
    assert event.detail["reason"] == reason


def test_a_replayed_state_is_refused(client: Client, provider: RunningProvider) -> None:
    provider.sign_in_as("riley", roles=["R8003"])
    callback = _round_trip(client, provider)
    assert client.get(callback).status_code == 302
    client.post(reverse("logout"))

    again = client.get(callback)
    elsewhere = Client().get(callback)

    for response in (again, elsewhere):
        assert response.status_code == 403
        assert "had already been used" in response.content.decode()
    assert list(
        AuditEvent.objects.filter(action="auth.sso_refused").values_list("detail__reason", flat=True)
    ) == [
        "state",
        "state",
    ]


def test_local_passwords_are_refused_when_switched_off(settings: Any, client: Client, make_user: Any) -> None:
    user = make_user(Role.REQUESTER)
    settings.SSO_ENABLED = True
    settings.LOCAL_PASSWORDS_ENABLED = False

    page = client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert 'name="password"' not in page.content.decode()
    assert response.status_code == 403
    assert "Passwords are switched off here" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.password_refused").count() == 1
    # Every other way a password is checked (the admin's sign-in page, re-authentication) is closed too.
    request = RequestFactory().post("/admin/login/")
    assert authenticate(request, username=user.username, password=PASSWORD) is None
    settings.LOCAL_PASSWORDS_ENABLED = True
    assert authenticate(request, username=user.username, password=PASSWORD) == user


def test_asserted_strong_authentication_skips_our_totp_step(
    settings: Any, client: Client, provider: RunningProvider
) -> None:
    settings.SSO_ASSURANCE_ACR = frozenset({"AAL3_ANY"})
    provider.sign_in_as("officer-strong", roles=["R8008"], acr="AAL3_ANY")
    _sign_in(client, provider)

    assert client.session[SSO_ASSURED_SESSION_KEY] is True
    assert client.get(reverse("home")).status_code == 200


def test_without_the_assurance_our_totp_step_is_asked(
    settings: Any, client: Client, provider: RunningProvider
) -> None:
    settings.SSO_ASSURANCE_ACR = frozenset({"AAL3_ANY"})
    settings.SSO_ASSURANCE_AMR = frozenset({"mfa"})
    provider.sign_in_as("officer-weak", roles=["R8008"], acr="AAL1_USERPASS", amr=["pwd"])
    _sign_in(client, provider)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_setup"))


def test_entra_amr_mfa_counts_as_assurance(settings: Any, client: Client, provider: RunningProvider) -> None:
    settings.SSO_ASSURANCE_AMR = frozenset({"mfa"})
    provider.sign_in_as("entra-officer", roles=["R8008"], amr=["pwd", "mfa"])
    _sign_in(client, provider)

    assert client.get(reverse("home")).status_code == 200


def test_sign_out_ends_our_session_and_goes_on_to_the_providers_end_session(
    client: Client, provider: RunningProvider
) -> None:
    provider.sign_in_as("leaver", roles=["R8003"])
    _sign_in(client, provider)
    before = len(provider.control()["logouts"])

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == f"{provider.issuer}/logout"
    params = parse_qs(end_session.query)
    assert params["post_logout_redirect_uri"] == ["http://testserver/accounts/logged-out/"]
    assert params["id_token_hint"][0].count(".") == 2
    assert "_auth_user_id" not in client.session
    answer = requests.get(response["Location"], verify=provider.ca_bundle, allow_redirects=False, timeout=10)
    assert answer.headers["Location"] == "http://testserver/accounts/logged-out/"
    assert len(provider.control()["logouts"]) == before + 1


def test_password_sign_out_stays_on_the_portal(settings: Any, client: Client, make_user: Any) -> None:
    settings.SSO_ENABLED = True
    user = make_user(Role.REQUESTER)
    client.force_login(user)

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("logged_out")


def test_without_sso_the_pages_are_not_there_and_the_login_page_is_unchanged(client: Client) -> None:
    page = client.get(reverse("login")).content.decode()

    assert client.get(reverse("sso_start")).status_code == 404
    assert client.get(reverse("sso_callback")).status_code == 404
    assert "sso-start" not in page and 'name="password"' in page


def test_an_unreachable_provider_is_a_clear_refusal(
    settings: Any, client: Client, provider: RunningProvider
) -> None:
    settings.SSO_DISCOVERY_URL = "https://127.0.0.1:9/.well-known/openid-configuration"

    response = client.get(reverse("sso_start"))

    assert response.status_code == 403
    assert "could not be reached" in response.content.decode()
    assert AuditEvent.objects.get(action="auth.sso_refused").detail["reason"] == "unreachable"
