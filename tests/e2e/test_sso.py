"""Single sign-on in the browser: Chromium goes from the portal to the loopback OpenID Connect provider
(pyop, tests/oidc_provider.py, over HTTPS) and back, as a member of staff does with CIS2 or Entra ID."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from igportal.roles import Role, roles_of
from requests_app.models import AuditEvent, ExternalIdentity, RoleMapping
from tests.e2e.accessibility import assert_accessible
from tests.e2e.browser import VIEWPORT
from tests.sso.provider import RunningProvider, sso_settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def sso_page(
    browser: Browser,
    live_server: LiveServer,
    starting_data: None,
    settings: Any,
    oidc_provider: RunningProvider,
) -> Iterator[Page]:
    sso_settings(settings, oidc_provider)
    oidc_provider.control(
        redirect_uris=[f"{live_server.url}/accounts/sso/callback/"],
        post_logout_redirect_uris=[f"{live_server.url}/accounts/logged-out/"],
    )
    RoleMapping.objects.create(
        claim_value="R8000", role=Role.CALDICOTT_GUARDIAN, note="CIS2: Clinical Manager"
    )
    RoleMapping.objects.create(claim_value="R8003", role=Role.REQUESTER, note="CIS2: Health Professional")
    # The provider's certificate is made for the run; the portal trusts it through SSO_CA_BUNDLE.
    context = browser.new_context(
        viewport=VIEWPORT, locale="en-GB", timezone_id="Europe/London", ignore_https_errors=True
    )

    # Only the portal and the provider: anything else (the NHS font's host) is refused at once.
    def elsewhere(url: str) -> bool:
        return not (url.startswith(live_server.url) or url.startswith(oidc_provider.issuer))

    def refuse(route: Route) -> None:
        route.abort()

    context.route(elsewhere, refuse)
    yield context.new_page()
    context.close()


def test_first_sign_in_through_the_provider_creates_the_account_with_its_roles(
    sso_page: Page, live_server: LiveServer, oidc_provider: RunningProvider, settings: Any
) -> None:
    settings.SSO_ASSURANCE_ACR = frozenset({"AAL3_ANY"})
    oidc_provider.sign_in_as(
        "cg-1", given_name="Chris", family_name="Guardian", roles=["R8000", "R8003"], acr="AAL3_ANY"
    )
    page = sso_page

    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_role("link", name="Log in with the loopback provider").click()

    # Back from the provider, signed in, on the home page: no TOTP step, the provider asserted AAL3.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Chris Guardian")
    user = ExternalIdentity.objects.get(issuer=oidc_provider.issuer, subject__isnull=False).user
    assert roles_of(User.objects.get(pk=user.pk)) == {Role.CALDICOTT_GUARDIAN, Role.REQUESTER}
    assert AuditEvent.objects.filter(action="auth.sso_role_granted").count() == 2

    page.get_by_role("button", name="Log out").first.click()
    expect(page.get_by_role("heading", name="You have logged out")).to_be_visible()
    assert oidc_provider.control()["logouts"], "the provider's end-session endpoint was not visited"


def test_an_id_token_for_another_service_is_refused_in_the_browser(
    sso_page: Page, live_server: LiveServer, oidc_provider: RunningProvider
) -> None:
    oidc_provider.sign_in_as("intruder", roles=["R8003"])
    oidc_provider.control(redirect_uris=[f"{live_server.url}/accounts/sso/callback/"], fault="audience")
    page = sso_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Log in with the loopback provider").click()

    expect(page.get_by_role("heading", name="You could not be signed in")).to_be_visible()
    expect(page.get_by_test_id("sso-refusal")).to_contain_text("meant for another service")
    assert_accessible(page)
    assert not User.objects.exists()
    assert AuditEvent.objects.get(action="auth.sso_refused").detail["reason"] == "audience"


def test_confirming_who_you_are_with_the_provider_in_the_browser(
    sso_page: Page, live_server: LiveServer, oidc_provider: RunningProvider, settings: Any
) -> None:
    oidc_provider.sign_in_as("requester-1", given_name="Robin", roles=["R8003"])
    settings.LOCAL_PASSWORDS_ENABLED = False
    page = sso_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Log in with the loopback provider").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Robin")
    # Signing in was the last confirmation; make it too old to count.
    settings.REAUTHENTICATION_MINUTES = 0

    page.goto(f"{live_server.url}/accounts/email/")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    expect(page.get_by_label("Your password")).to_have_count(0)
    assert_accessible(page)
    # The provider answers with an old sign-in, as one that ignored prompt=login would.
    oidc_provider.control(fault="stale_auth_time")
    page.get_by_role("button", name="Confirm it's you with the loopback provider").click()

    expect(page.get_by_role("heading", name="We could not confirm it is you")).to_be_visible()
    assert_accessible(page)
    assert AuditEvent.objects.get(action="auth.sso_reauth_refused").detail["reason"] == "reauth_stale"

    settings.REAUTHENTICATION_MINUTES = 15
    page.get_by_role("link", name="Try again").click()
    page.get_by_role("button", name="Confirm it's you with the loopback provider").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/email/")
    assert AuditEvent.objects.filter(action="auth.reauthenticated", detail__way="sso").exists()
