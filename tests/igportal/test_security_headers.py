from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django.urls import reverse

from igportal.accounts.mfa import REAUTHENTICATED_AT
from igportal.roles import Role
from tests.conftest import ClientFor, MakeUser
from tests.igportal.test_auth import ALL_URLS
from tests.igportal.test_env import REAL_KEY, ROOT

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "IGPORTAL_ENV": "production",
    "SECRET_KEY": REAL_KEY,
    "ALLOWED_HOSTS": "ig.example.nhs.uk",
    "AUDIT_HMAC_KEY": REAL_KEY[::-1],
    "AUDIT_CHECKPOINT_FILE": "/var/lib/igportal/audit/checkpoints.log",
    # The broker's Redis, which the online form's rate limit shares (never opened by these checks).
    "CELERY_BROKER_URL": "redis://redis:6379/0",
}


def run_in_production(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "igportal.settings", **PRODUCTION}
    return subprocess.run(  # noqa: S603 - the arguments are written in this file
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def csp_directives(header: str) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else "" for part in header.split("; ")
    }


def test_every_page_carries_a_strict_content_security_policy(client: Client) -> None:
    directives = csp_directives(client.get(reverse("login"))["Content-Security-Policy"])
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["img-src"] == "'self' data:"
    assert directives["font-src"] == "'self' https://assets.nhs.uk"
    assert "unsafe" not in str(directives)


def test_responses_forbid_sniffing_framing_and_leaking_the_referrer(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def mark_reauthenticated_now(session: SessionBase) -> None:
    session[REAUTHENTICATED_AT] = time.time()


def test_no_page_has_inline_script_handlers_or_styles(client_for: ClientFor, make_user: MakeUser) -> None:
    """What the policy would block must not be there in the first place."""
    client = client_for(make_user(*Role))
    session = client.session
    mark_reauthenticated_now(session)
    session.save()
    pages = {"login": Client().get(reverse("login")).content.decode()}
    for name, url in ALL_URLS:
        if "<" in url or name == "logout":
            continue
        response = client.get(url)
        # Pages only: the registers' CSV exports are streamed, and hold no markup.
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages[name] = response.content.decode()
    assert {"home", "account", "organisation_list", "mfa_setup"} <= set(pages)
    for name, html in pages.items():
        assert not INLINE_SCRIPT.search(html), name
        assert not INLINE_HANDLER.search(html), name
        assert not INLINE_STYLE.search(html), name


def test_production_passes_the_deployment_checks_with_one_reasoned_silence() -> None:
    # The one silence: django-ratelimit's list of cache backends predates Django's own Redis backend,
    # whose incr is Redis INCRBY, atomic (igportal/settings.py says so beside it).
    result = run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_production_cookies_are_host_prefixed_secure_and_hsts_is_on() -> None:
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SILENCED_SYSTEM_CHECKS, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['upgrade-insecure-requests'])"
    )
    result = run_in_production("-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "31536000",
        "True",
        "True",
        "['django_ratelimit.W001']",
        "True",
    ]
