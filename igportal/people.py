"""How the portal names a person: one helper for pages, emails, audit messages and documents.

``display_name`` is also the ``display_name`` template filter (``igportal.templatetags.portal``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def display_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """The person's full name, or their username when no name is recorded; empty for nobody."""
    if user is None or not user.is_authenticated:
        return ""
    full_name: str = getattr(user, "get_full_name", lambda: "")().strip()
    return full_name or user.get_username()


def display_name_from(first_name: str, last_name: str, username: str) -> str:
    """``display_name`` from a user's columns, for a report read with ``values()`` rather than users:
    the same words (Django's ``get_full_name`` is the two names joined by a space and stripped)."""
    return f"{first_name} {last_name}".strip() or username
