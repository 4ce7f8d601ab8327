"""An OpenID Connect provider for the single sign-on tests: pyop behind a small WSGI app, on loopback.

pyop (the provider library SATOSA is built on) does the protocol: it parses and checks the
authorisation request (client, redirect URI, scope), issues the code, checks PKCE and the client's
secret at the token endpoint and signs the ID token with its RSA key, published at its JWKS address.
This module adds what a test needs and a real provider would never do:

- ``POST /control`` (JSON) sets who signs in next (the claims, including roles, ``acr`` and ``amr``),
  which redirect URIs the portal may use, and a fault to inject into the next ID token: ``signature``
  (signed with a key that is not published), ``audience``, ``issuer``, ``expired``, ``future`` (issued
  an hour from now), ``nonce`` or ``stale_auth_time`` (``auth_time`` an hour ago, as from a provider
  that ignored ``prompt=login``);
  the other faults keep pyop's signature by re-signing the changed claims with the provider's key;
- ``GET /control`` reports the end-session requests it has seen.

There is no sign-in form: the authorisation endpoint signs the configured person in at once, as an
identity provider with a live session would, and every ID token carries that moment as ``auth_time``.
It serves HTTPS (pyop, rightly, refuses an issuer that is not https) with a certificate it makes for
127.0.0.1 at start. Run as ``python -m tests.oidc_provider
CERT_PATH``: it writes its certificate to CERT_PATH (for the portal's SSO_CA_BUNDLE), prints its base URL
on the first line of standard output and serves until killed.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey
from jwkest.jwk import RSAKey as PyopRSAKey
from jwkest.jwk import import_rsa_key
from pyop.authz_state import AuthorizationState
from pyop.exceptions import InvalidAuthenticationRequest, OAuthError
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo

CLIENT_ID = "ig-portal-tests"
CLIENT_SECRET = "client-secret-for-the-loopback-provider-only"
KEY_ID = "loopback-1"
FAULTS = ("", "signature", "audience", "issuer", "expired", "future", "nonce", "stale_auth_time")

StartResponse = Callable[[str, list[tuple[str, str]]], object]


def _pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


class LoopbackProvider:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        signing = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        stray = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signing_key = RSAKey.import_key(_pem(signing), {"kid": KEY_ID, "alg": "RS256", "use": "sig"})
        self.stray_key = RSAKey.import_key(_pem(stray), {"kid": KEY_ID, "alg": "RS256", "use": "sig"})
        self.clients: dict[str, dict[str, Any]] = {
            CLIENT_ID: {
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [],
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_basic",
            }
        }
        self.user: dict[str, Any] = {"id": "user-1", "claims": {}}
        self.fault = ""
        self.auth_time = int(time.time())
        self.logouts: list[dict[str, str]] = []
        self.provider = Provider(
            PyopRSAKey(key=import_rsa_key(_pem(signing)), alg="RS256", kid=KEY_ID),
            {
                "issuer": base_url,
                "authorization_endpoint": f"{base_url}/authorize",
                "token_endpoint": f"{base_url}/token",
                "jwks_uri": f"{base_url}/jwks",
                "userinfo_endpoint": f"{base_url}/userinfo",
                "end_session_endpoint": f"{base_url}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "profile", "email"],
            },
            AuthorizationState(HashBasedSubjectIdentifierFactory("loopback-salt")),
            self.clients,
            _ConfiguredUserinfo(self),
        )

    # -- the endpoints -------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if path == "/.well-known/openid-configuration":
                return self._json(start_response, self.provider.provider_configuration.to_dict())
            if path == "/jwks":
                return self._json(start_response, self.provider.jwks)
            if path == "/authorize":
                return self._authorize(environ, start_response)
            if path == "/token" and method == "POST":
                return self._token(environ, start_response)
            if path == "/logout":
                return self._logout(environ, start_response)
            if path == "/control":
                return self._control(environ, start_response, method)
        except (InvalidAuthenticationRequest, OAuthError) as exc:
            return self._json(
                start_response, {"error": type(exc).__name__, "detail": str(exc)}, "400 Bad Request"
            )
        return self._json(start_response, {"error": "not_found"}, "404 Not Found")

    def _authorize(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = self.provider.parse_authentication_request(environ.get("QUERY_STRING", ""))
        self.auth_time = int(time.time())
        response = self.provider.authorize(request, self.user["id"])
        location = response.request(request["redirect_uri"], False)
        start_response("302 Found", [("Location", location)])
        return [b""]

    def _token(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = _body(environ).decode()
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        # pyop puts these claims (names, roles, acr, amr) into the ID token it signs.
        response = self.provider.handle_token_request(
            body,
            headers,
            extra_id_token_claims=lambda user_id, client_id: {
                "auth_time": self.auth_time,
                **self.user["claims"],
            },
        ).to_dict()
        if self.fault:
            response["id_token"] = self._spoil(response["id_token"], self.fault)
            self.fault = ""
        return self._json(start_response, response)

    def _spoil(self, id_token: str, fault: str) -> str:
        claims = dict(jwt.decode(id_token, self.signing_key).claims)
        key = self.signing_key
        if fault == "signature":
            key = self.stray_key
        elif fault == "audience":
            claims["aud"] = ["another-service"]
        elif fault == "issuer":
            claims["iss"] = "https://issuer.invalid"
        elif fault == "expired":
            now = int(time.time())
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif fault == "future":
            now = int(time.time())
            claims["iat"], claims["exp"] = now + 3600, now + 7200
        elif fault == "nonce":
            claims["nonce"] = "a-nonce-from-another-sign-in"
        elif fault == "stale_auth_time":
            claims["auth_time"] = int(time.time()) - 3600
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)

    def _logout(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        params = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.logouts.append(params)
        target = params.get("post_logout_redirect_uri", "")
        if target in self.clients[CLIENT_ID].get("post_logout_redirect_uris", []):
            start_response("302 Found", [("Location", target)])
            return [b""]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"Signed out of the loopback provider."]

    def _control(
        self, environ: dict[str, Any], start_response: StartResponse, method: str
    ) -> Iterable[bytes]:
        if method == "POST":
            data = json.loads(_body(environ) or b"{}")
            if "user" in data:
                self.user = data["user"]
            if "redirect_uris" in data:
                self.clients[CLIENT_ID]["redirect_uris"] = list(data["redirect_uris"])
                self.clients[CLIENT_ID]["post_logout_redirect_uris"] = list(
                    data.get("post_logout_redirect_uris", [])
                )
            fault = data.get("fault", "")
            if fault not in FAULTS:
                return self._json(start_response, {"error": f"unknown fault {fault!r}"}, "400 Bad Request")
            self.fault = fault
        return self._json(start_response, {"logouts": self.logouts, "fault": self.fault})

    @staticmethod
    def _json(start_response: StartResponse, data: object, status: str = "200 OK") -> Iterable[bytes]:
        body = json.dumps(data).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


class _ConfiguredUserinfo(Userinfo):
    """pyop's user store, answering for whoever the test said signs in next."""

    def __init__(self, owner: LoopbackProvider) -> None:
        super().__init__({})
        self.owner = owner

    def __getitem__(self, user_id: str) -> dict[str, Any]:
        return dict(self.owner.user["claims"])

    def __contains__(self, user_id: object) -> bool:
        return user_id == self.owner.user["id"]

    def get_claims_for(self, user_id: str, requested_claims: Any, userinfo: Any = None) -> dict[str, Any]:
        return {}


def _body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data: bytes = environ["wsgi.input"].read(length) if length else b""
    return data


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def _certificate(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def main() -> None:
    cert_path = Path(sys.argv[1])
    tls_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert_path.write_text(_certificate(tls_key), encoding="utf-8")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as key_file:
        key_file.write(_pem(tls_key))
        key_file.flush()
        context.load_cert_chain(str(cert_path), key_file.name)
    server = make_server(
        "127.0.0.1", 0, lambda e, s: [b""], server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    # The handshake happens in the handler's thread: a browser's idle speculative connection blocks nobody.
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    base_url = f"https://127.0.0.1:{server.server_port}"
    server.set_app(LoopbackProvider(base_url))
    sys.stdout.write(base_url + "\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
