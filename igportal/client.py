"""Where a request came from: the client address and user agent, read one way everywhere.

Brute-force protection and the audit trail must agree on the address. Behind
``TRUSTED_PROXY_COUNT`` reverse proxies the client is the entry that many places from
the right of X-Forwarded-For (each proxy appends the address it received from);
anything further left was written by the client and is not trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

USER_AGENT_MAX_LENGTH = 300


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # Fewer hops than configured: the request did not come through every proxy.
        return remote
    return _valid_ip(forwarded[-proxies]) or remote


def client_ip_for_ratelimit(request: HttpRequest) -> str:
    """The address django-ratelimit counts by (``RATELIMIT_IP_META_KEY``): the same as the audit trail's;
    requests with no usable address share one count rather than escape the limit."""
    return client_ip(request) or UNKNOWN_CLIENT


# The documentation range (RFC 5737): never a real client, so it counts only those with no address.
UNKNOWN_CLIENT = "192.0.2.0"


def client_user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX_LENGTH]
