"""Single sign-on reads: which provider accounts belong to a portal user."""

from __future__ import annotations

from django.contrib.auth.models import User

from requests_app.models import ExternalIdentity


def has_external_identity(user: User) -> bool:
    """Whether the person signs in through an identity provider (and so can confirm who they are there)."""
    return ExternalIdentity.objects.filter(user=user).exists()


def identity_is(*, user: User, issuer: str, subject: str) -> bool:
    """Whether (issuer, subject) is one of this user's own provider accounts: the only key, never email."""
    return (
        bool(subject) and ExternalIdentity.objects.filter(user=user, issuer=issuer, subject=subject).exists()
    )
