"""Starts the loopback OpenID Connect provider (tests/oidc_provider.py) as a real process and drives it."""

from __future__ import annotations

import copy
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RunningProvider:
    process: subprocess.Popen[str]
    issuer: str
    ca_bundle: str

    def control(self, **data: Any) -> dict[str, Any]:
        response = requests.post(f"{self.issuer}/control", json=data, verify=self.ca_bundle, timeout=10)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def sign_in_as(self, subject: str, **claims: Any) -> None:
        self.control(user={"id": subject, "claims": claims})

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_provider(cert_path: Path) -> RunningProvider:
    process = subprocess.Popen(  # noqa: S603 (our own module, with a path we chose)
        [sys.executable, "-m", "tests.oidc_provider", str(cert_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    issuer = process.stdout.readline().strip()
    if not issuer.startswith("https://127.0.0.1:"):
        process.kill()
        raise RuntimeError(f"The loopback OpenID Connect provider did not start (it said {issuer!r}).")
    return RunningProvider(process=process, issuer=issuer, ca_bundle=str(cert_path))


def sso_settings(settings: Any, provider: RunningProvider, **overrides: Any) -> None:
    """Point the portal at the loopback provider, as the SSO_* environment variables would."""
    settings.SSO_ENABLED = True
    settings.SSO_ISSUER = provider.issuer
    settings.SSO_DISCOVERY_URL = f"{provider.issuer}/.well-known/openid-configuration"
    settings.SSO_CLIENT_ID = CLIENT_ID
    settings.SSO_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_CLIENT_PRIVATE_KEY = ""
    settings.SSO_SCOPES = "openid profile email"
    settings.SSO_ROLES_CLAIM = "roles"
    settings.SSO_ASSURANCE_ACR = frozenset()
    settings.SSO_ASSURANCE_AMR = frozenset()
    settings.SSO_CA_BUNDLE = provider.ca_bundle
    settings.SSO_PROVIDER_NAME = "the loopback provider"
    settings.SSO_ACCESS_CONTACT = "the IG team at ig@example.nhs.uk"
    # As settings.py does when SSO_ENABLED: the provider's origin may receive the sign-out redirect.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", provider.issuer]
    settings.CONTENT_SECURITY_POLICY = policy
    for name, value in overrides.items():
        setattr(settings, name, value)
