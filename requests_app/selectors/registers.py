"""What every register's checked getter does when it says no: audit the refusal, then 404 or 403.

A guessed reference is exactly what the DPO must see in the audit trail, so each refusal is recorded
before it is raised.
"""

from __future__ import annotations

from typing import NoReturn

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from requests_app.services.audit import audit_record

PAGE_SIZE = 50


def refuse_unseen(
    user: AbstractBaseUser | AnonymousUser, *, target_type: str, label: str, http_request: HttpRequest | None
) -> NoReturn:
    """404: the user may not see it (or it does not exist); the two look the same from outside."""
    audit_record(
        action="access.denied",
        actor=user,
        target_type=target_type,
        target_label=label[:200],
        request=http_request,
        detail={"answered": 404},
    )
    raise Http404("Not found.")


def refuse_change(
    user: AbstractBaseUser | AnonymousUser,
    *,
    target: models.Model,
    wanted: str,
    http_request: HttpRequest | None,
) -> NoReturn:
    """403: the user may see it but not do this to it."""
    audit_record(
        action="access.denied",
        actor=user,
        target=target,
        request=http_request,
        detail={"answered": 403, "wanted": wanted},
    )
    raise PermissionDenied(f"You cannot {wanted} here.")


def refuse_action(
    user: AbstractBaseUser | AnonymousUser, *, target_type: str, wanted: str, http_request: HttpRequest | None
) -> NoReturn:
    """403 for a page that acts on no one entry (a register's "add" page) that the user may not use."""
    audit_record(
        action="access.denied",
        actor=user,
        target_type=target_type,
        request=http_request,
        detail={"answered": 403, "wanted": wanted},
    )
    raise PermissionDenied(f"You cannot {wanted}.")
