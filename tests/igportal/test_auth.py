from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from igportal.roles import Role
from tests.conftest import ClientFor, MakeUser
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

# Pages anyone may open without logging in, each for a reason: logging in, and the transparency page
# that publishes what the organisation shares, with whom and why [002 Rec 19].
PUBLIC_URL_NAMES = {
    "login",
    "transparency",
    # Signing out lands here, and a person who forgot their password cannot log in to reset it.
    "logged_out",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # Single sign-on: leaving for the identity provider and coming back happen before anyone is signed in.
    "sso_start",
    "sso_callback",
    # A partner signs an ISA through its emailed link, with no account: tests/security/test_url_matrix.py.
    "agreement_sign",
    "agreement_sign_pdf",
    "agreement_sign_submit",
    "agreement_sign_decline",
    "agreement_sign_question",
    # The public asks for information (SAR, FOI, EIR) without an account, as the law lets anyone.
    "access_request_online",
    "access_request_online_done",
    # Released FOI and EIR answers, published for anyone to read (FOIA s19 publication scheme).
    "disclosure_log",
}
# Django's admin has its own login page and is reached through it.
SKIPPED_NAMESPACES = {"admin"}


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif pattern.name:
            route = prefix + str(pattern.pattern)
            # Fill every path converter with a plausible value: the login check runs before the object lookup.
            url = "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", route)
            yield pattern.name, url


ALL_URLS = sorted(set(_walk(get_resolver().url_patterns)))
# The REST API answers for itself: a 401 in its JSON error shape, never a redirect to the login page.
API_PREFIX = "/api/"
PAGE_URLS = [u for u in ALL_URLS if not u[1].startswith(API_PREFIX)]
API_URLS = [u for u in ALL_URLS if u[1].startswith(API_PREFIX)]


def test_the_walk_finds_the_pages() -> None:
    names = {name for name, _ in ALL_URLS}
    assert {"home", "organisation_list", "organisation_settings", "password_change", "logout"} <= names
    assert {"schema", "docs", "token_list", "assess", "audit_event_list"} <= {name for name, _ in API_URLS}


@pytest.mark.parametrize(("name", "url"), [u for u in PAGE_URLS if u[0] not in PUBLIC_URL_NAMES])
def test_every_page_requires_login(client: Client, name: str, url: str) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 302, f"{method.upper()} {url} ({name}) answered {response.status_code}"
        assert response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize(("name", "url"), API_URLS)
def test_every_api_url_answers_401_in_json_without_credentials(client: Client, name: str, url: str) -> None:
    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(client, method)(url)
        assert response.status_code == 401, f"{method.upper()} {url} ({name}) answered {response.status_code}"
        assert response["WWW-Authenticate"].startswith("Bearer"), name
        assert response.json()["error"]["code"] == "not_authenticated", name


def test_login_page_is_public(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Log in to IG Portal" in response.content


def test_a_user_logs_in_and_lands_on_their_home_page(client: Client, make_user: MakeUser) -> None:
    make_user(Role.REQUESTER, username="kim")
    response = client.post(reverse("login"), {"username": "kim", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"Your sharing requests" in response.content


def test_a_wrong_password_is_refused_with_a_message(client: Client, make_user: MakeUser) -> None:
    make_user(Role.REQUESTER, username="kim")
    response = client.post(reverse("login"), {"username": "kim", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert "_auth_user_id" not in client.session


def test_login_changes_the_session_key(client: Client, make_user: MakeUser) -> None:
    make_user(Role.REQUESTER, username="kim")
    client.get(reverse("login"))
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies["sessionid"].value
    client.post(reverse("login"), {"username": "kim", "password": PASSWORD})
    assert client.cookies["sessionid"].value != before


def test_logout_is_post_only_and_ends_the_session(client_for: ClientFor, requester: User) -> None:
    client = client_for(requester)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("logged_out")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<h1>You have logged out</h1>" in page.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_password_change_needs_the_old_password(client_for: ClientFor, requester: User) -> None:
    client = client_for(requester)
    bad = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-new-longer-pass-77",
            "new_password2": "a-new-longer-pass-77",
        },
    )
    assert b"Your old password was entered incorrectly" in bad.content
    good = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-longer-pass-77",
            "new_password2": "a-new-longer-pass-77",
        },
    )
    assert good.status_code == 302
    requester.refresh_from_db()
    assert requester.check_password("a-new-longer-pass-77")


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        (Role.REQUESTER, "Your sharing requests"),
        (Role.IG_OFFICER, "Information governance"),
        (Role.DPO, "Data Protection Officer"),
        (Role.CALDICOTT_GUARDIAN, "Caldicott Guardian"),
        (Role.SIRO, "Senior Information Risk Owner"),
        (Role.AUDITOR, "Audit"),
    ],
)
def test_each_role_sees_its_own_home_section(
    client_for: ClientFor, make_user: MakeUser, role: Role, heading: str
) -> None:
    client = client_for(make_user(role))
    content = client.get(reverse("home")).content.decode()
    assert f">{heading}</h2>" in content
    assert f"({role.label})" in content


def test_home_shows_one_section_per_role_held(client_for: ClientFor, make_user: MakeUser) -> None:
    client = client_for(make_user(Role.DPO, Role.CALDICOTT_GUARDIAN))
    content = client.get(reverse("home")).content.decode()
    assert content.count('class="nhsuk-card__heading"') == 2


def test_a_user_without_a_role_is_told_to_ask_for_one(client_for: ClientFor, make_user: MakeUser) -> None:
    client = client_for(make_user())
    assert b"You have no role yet" in client.get(reverse("home")).content


def test_the_dpo_is_asked_to_name_missing_officers(client_for: ClientFor, dpo: User) -> None:
    client = client_for(dpo)
    content = client.get(reverse("home")).content.decode()
    assert "Name the Caldicott Guardian in the organisation settings" in content
    assert "Name the SIRO in the organisation settings" in content
