"""Single sign-on's configuration: production with SSO set up passes check --deploy, secrets from files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.igportal.test_env import ROOT
from tests.igportal.test_security_headers import PRODUCTION

SSO = {
    "SSO_ENABLED": "true",
    "SSO_ISSUER": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
    "SSO_CLIENT_ID": "11111111-1111-1111-1111-111111111111",
    "SSO_ROLES_CLAIM": "groups",
    "SSO_ASSURANCE_AMR": "mfa",
    "LOCAL_PASSWORDS_ENABLED": "false",
}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "igportal.settings", **PRODUCTION, **env}
    return subprocess.run(  # noqa: S603 - this interpreter, this repository's manage.py
        [sys.executable, *args], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_with_sso_configured_passes_the_deployment_checks(tmp_path: Path) -> None:
    secret = tmp_path / "sso-client-secret"
    secret.write_text("a-secret-the-provider-issued\n")

    result = _run(
        {**SSO, "SSO_CLIENT_SECRET_FILE": str(secret)},
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout  # django_ratelimit.W001


def test_the_providers_origin_is_the_only_other_form_action(tmp_path: Path) -> None:
    secret = tmp_path / "sso-client-secret"
    secret.write_text("a-secret-the-provider-issued")
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(*s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'], s.SSO_CLIENT_SECRET)"
    )

    result = _run({**SSO, "SSO_CLIENT_SECRET_FILE": str(secret)}, "-c", script)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "'self'",
        "https://login.microsoftonline.com",
        "a-secret-the-provider-issued",
    ]


def test_production_refuses_the_secret_in_the_environment_itself() -> None:
    result = _run(
        {**SSO, "SSO_CLIENT_SECRET": "pasted-into-the-environment"}, "-c", "import django; django.setup()"
    )

    assert result.returncode != 0
    assert "SSO_CLIENT_SECRET_FILE" in result.stderr


def test_sso_needs_its_issuer_client_and_exactly_one_credential(tmp_path: Path) -> None:
    key, secret = tmp_path / "key.pem", tmp_path / "secret"
    key.write_text("-----BEGIN PRIVATE KEY-----")
    secret.write_text("s")
    both = {**SSO, "SSO_CLIENT_SECRET_FILE": str(secret), "SSO_CLIENT_PRIVATE_KEY_FILE": str(key)}
    no_issuer = {**SSO, "SSO_ISSUER": "", "SSO_CLIENT_SECRET_FILE": str(secret)}
    not_https = {**SSO, "SSO_ISSUER": "http://idp.example", "SSO_CLIENT_SECRET_FILE": str(secret)}
    nobody = {"LOCAL_PASSWORDS_ENABLED": "false"}

    for env, words in (
        (both, "exactly one of"),
        (no_issuer, "needs SSO_ISSUER"),
        (not_https, "https addresses"),
        (nobody, "nobody could sign in"),
    ):
        result = _run(env, "-c", "import django; django.setup()")
        assert result.returncode != 0 and words in result.stderr, (env, result.stderr[-300:])
