"""Single sign-on with OpenID Connect: the relying party, on Authlib.

Authlib does the protocol: discovery, the authorisation code flow with PKCE (S256), state and nonce kept
in the session and used once, the token request (client secret or ``private_key_jwt``), and the ID
token's signature against the provider's published keys. This module adds what Authlib leaves to its
caller and an NHS deployment needs: the discovery document must name the configured issuer; the ID
token must carry our client id in ``aud`` (Authlib checks ``aud`` only when told to), the issuer, and
``exp``/``iat`` within a bounded clock skew; and every refusal is classified so that the person sees
a page that says what went wrong and the audit trail records why.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError

_CLIENT_NAME = "portal"
_lock = threading.Lock()
_clients: dict[tuple[object, ...], DjangoOAuth2App] = {}


class SignInRefused(Exception):
    """The provider's answer cannot be trusted; ``reason`` is a short code for the page and the audit."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail[:200]


# What the person is told for each refusal. Never the token's contents: only what happened and what to do.
REFUSAL_MESSAGES: dict[str, str] = {
    "state": "This sign-in had already been used, had expired, or was started in another browser.",
    "provider_error": "Your organisation's sign-in service did not sign you in.",
    "signature": "The sign-in service's answer was not signed with its published key.",
    "audience": "The sign-in service's answer was meant for another service, not this portal.",
    "issuer": "The sign-in service's answer came from a service this portal does not trust.",
    "expired": "The sign-in service's answer had expired before it reached this portal.",
    "not_yet_valid": "The sign-in service's answer was dated in the future: its clock or ours is wrong.",
    "nonce": "The sign-in service's answer did not belong to this sign-in.",
    "claims": "The sign-in service's answer was missing something this portal needs.",
    "no_id_token": "The sign-in service did not say who you are.",
    "unreachable": "The sign-in service could not be reached.",
    "inactive": "Your account on this portal has been switched off.",
    "reauth_other_account": (
        "You confirmed who you are with a different account from the one signed in to this portal. "
        "Nothing has changed: sign out of the sign-in service, then try again with your own account."
    ),
    "reauth_stale": (
        "The sign-in service did not ask you to sign in again, so it could not confirm it is you now. "
        "Nothing has changed: try again, and sign in when the service asks."
    ),
    "reauth_expired": "This confirmation had expired or was started in another session. Start it again.",
}


class _ProviderSession(OAuth2Session):
    """Authlib's session, with the CA bundle we were given winning over REQUESTS_CA_BUNDLE in the
    environment (requests lets the environment beat a session's own ``verify``)."""

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("verify", self.verify)
        return super().request(method, url, *args, **kwargs)


class _ProviderApp(DjangoOAuth2App):
    client_cls = _ProviderSession


class _Registry(OAuth):
    oauth2_client_cls = _ProviderApp


def _config_key() -> tuple[object, ...]:
    return (
        settings.SSO_ISSUER,
        settings.SSO_DISCOVERY_URL,
        settings.SSO_CLIENT_ID,
        settings.SSO_CLIENT_SECRET,
        settings.SSO_CLIENT_PRIVATE_KEY,
        settings.SSO_SCOPES,
        settings.SSO_HTTP_TIMEOUT_SECONDS,
        settings.SSO_CA_BUNDLE,
    )


def client() -> DjangoOAuth2App:
    """The Authlib client for the configured provider; its discovery document and keys are kept in
    memory for the life of the process (an unknown key id fetches the key set again)."""
    key = _config_key()
    with _lock:
        existing = _clients.get(key)
        if existing is not None:
            return existing
        client_kwargs: dict[str, Any] = {
            "scope": settings.SSO_SCOPES,
            "code_challenge_method": "S256",
            "default_timeout": settings.SSO_HTTP_TIMEOUT_SECONDS,
        }
        if settings.SSO_CA_BUNDLE:
            client_kwargs["verify"] = settings.SSO_CA_BUNDLE
        auth_methods = None
        if settings.SSO_CLIENT_PRIVATE_KEY:
            client_kwargs["token_endpoint_auth_method"] = "private_key_jwt"  # noqa: S105 (a method's name)
            auth_methods = [PrivateKeyJWT()]
        registry = _Registry()
        registry.register(
            _CLIENT_NAME,
            client_id=settings.SSO_CLIENT_ID,
            client_secret=settings.SSO_CLIENT_PRIVATE_KEY or settings.SSO_CLIENT_SECRET,
            server_metadata_url=settings.SSO_DISCOVERY_URL,
            client_kwargs=client_kwargs,
            client_auth_methods=auth_methods,
        )
        created: DjangoOAuth2App = registry.create_client(_CLIENT_NAME)
        _clients.clear()
        _clients[key] = created
        return created


def _metadata(app: DjangoOAuth2App) -> dict[str, Any]:
    try:
        metadata: dict[str, Any] = app.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise SignInRefused("unreachable", type(exc).__name__) from exc
    if metadata.get("issuer") != settings.SSO_ISSUER:
        # OpenID Connect Discovery 1.0, section 4.3: the document's issuer must be the one we asked.
        raise SignInRefused("issuer", "discovery document names another issuer")
    return metadata


def authorisation_redirect(
    request: HttpRequest, redirect_uri: str, **params: str
) -> tuple[HttpResponse, str]:
    """The redirect to the provider's authorisation endpoint and the state it carries; ``params`` are
    extra request parameters (``prompt``, ``max_age``). Authlib keeps the state, nonce and PKCE verifier
    in the session for the callback."""
    app = client()
    _metadata(app)
    try:
        started = app.create_authorization_url(redirect_uri, **params)
    except requests.RequestException as exc:
        raise SignInRefused("unreachable", type(exc).__name__) from exc
    app.save_authorize_data(request, redirect_uri=redirect_uri, **started)
    return HttpResponseRedirect(started["url"]), str(started["state"])


@dataclass(frozen=True)
class VerifiedSignIn:
    issuer: str
    claims: dict[str, Any]
    id_token: str


# Which refusal a failed claim check is: anything not named here is a missing or malformed claim.
_CLAIM_REFUSALS = {"aud": "audience", "azp": "audience", "iss": "issuer", "nonce": "nonce"}


def complete_sign_in(request: HttpRequest) -> VerifiedSignIn:
    """Exchange the code the provider sent back and verify the ID token; raises ``SignInRefused``."""
    app = client()
    _metadata(app)
    try:
        token = app.authorize_access_token(
            request,
            claims_options={
                "iss": {"essential": True, "value": settings.SSO_ISSUER},
                "aud": {"essential": True, "values": [settings.SSO_CLIENT_ID]},
                "sub": {"essential": True},
                "exp": {"essential": True},
            },
            leeway=settings.SSO_CLOCK_SKEW_SECONDS,
        )
    except MismatchingStateError as exc:
        raise SignInRefused("state") from exc
    except OAuthError as exc:
        raise SignInRefused("provider_error", str(getattr(exc, "error", ""))) from exc
    except BadSignatureError as exc:
        raise SignInRefused("signature") from exc
    except ExpiredTokenError as exc:
        raise SignInRefused("expired") from exc
    except ClaimError as exc:
        if exc.claim in ("iat", "nbf"):
            raise SignInRefused("not_yet_valid", exc.claim) from exc
        raise SignInRefused(_CLAIM_REFUSALS.get(exc.claim, "claims"), exc.claim) from exc
    except JoseError as exc:
        # A token that is not a JWS at all, an algorithm we do not accept, a key we cannot find.
        raise SignInRefused("signature", type(exc).__name__) from exc
    except requests.RequestException as exc:
        raise SignInRefused("unreachable", type(exc).__name__) from exc
    userinfo = token.get("userinfo")
    if not userinfo or not token.get("id_token"):
        # Authlib verifies an ID token only when one comes back: without one nobody was identified.
        raise SignInRefused("no_id_token")
    return VerifiedSignIn(issuer=settings.SSO_ISSUER, claims=dict(userinfo), id_token=token["id_token"])


def authenticated_since(claims: dict[str, Any], started_at: float, now: float) -> bool:
    """Whether the ID token's ``auth_time`` says the person signed in at the provider after ``started_at``
    (when we sent them with ``max_age=0``), allowing the clock skew either way. OpenID Connect Core 1.0,
    section 3.1.2.1: with ``max_age`` the provider must return ``auth_time``; a provider that ignored
    ``prompt=login`` shows an older time and confirms nothing about who is at the keyboard now."""
    auth_time = claims.get("auth_time")
    if isinstance(auth_time, bool) or not isinstance(auth_time, int | float):
        return False
    skew = settings.SSO_CLOCK_SKEW_SECONDS
    return started_at - skew <= auth_time <= now + skew


def is_assured(claims: dict[str, Any]) -> bool:
    """Whether the provider asserts an authentication strong enough for us not to ask for TOTP again."""
    acr = claims.get("acr")
    if isinstance(acr, str) and acr in settings.SSO_ASSURANCE_ACR:
        return True
    amr = claims.get("amr")
    return isinstance(amr, list) and any(isinstance(v, str) and v in settings.SSO_ASSURANCE_AMR for v in amr)


def end_session_url(*, id_token_hint: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session address for RP-initiated logout, or None when it publishes none."""
    try:
        app = client()
        metadata = _metadata(app)
        if not metadata.get("end_session_endpoint"):
            return None
        result = app.create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri,
            id_token_hint=id_token_hint,
            client_id=settings.SSO_CLIENT_ID,
        )
    except SignInRefused:
        return None
    url: str = result["url"]
    return url
