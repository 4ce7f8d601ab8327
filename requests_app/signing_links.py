"""Single-use links by which a partner signs an ISA version without an account.

The token in the link is an HMAC, keyed by the secret key, of the signature row's id and a random
salt; the database keeps only the token's SHA-256. So the email task rebuilds the token from the row
it is handed (no token in the outbox), a copy of the database alone cannot make a working link, and a
re-sent link (a new salt) leaves the old one dead. The link is refused once the signature is given or
declined, once it expires, and once its version is withdrawn or superseded.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from requests_app.models import AgreementSignature

KEY_SALT = "igportal.isa-signature-link"
LINK_TOKEN_LENGTH = 64


def token_for(signature: AgreementSignature) -> str:
    """The token of the signature's current link (256 bits, hex)."""
    return salted_hmac(KEY_SALT, f"{signature.pk}:{signature.token_salt}", algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(signature: AgreementSignature) -> None:
    """A new link for the signature (the old one, if any, stops working), valid for the set days."""
    signature.token_salt = secrets.token_hex(16)
    signature.token_sha256 = token_hash(token_for(signature))
    signature.expires_at = timezone.now() + timedelta(days=settings.ISA_SIGNATURE_LINK_DAYS)
    signature.save(update_fields=["token_salt", "token_sha256", "expires_at"])
