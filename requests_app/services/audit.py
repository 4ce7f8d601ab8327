"""The one way to write to the audit trail.

``audit_record`` appends an event whose keyed hash (HMAC-SHA256 under ``AUDIT_HMAC_KEY``)
covers its contents and the hash of the event before it. Appends are serialised (a PostgreSQL
transaction-level advisory lock, held until the surrounding transaction commits) so that two
writers can never both link to the same predecessor. Call it inside the transaction that makes the change it
describes, as late as you can: the lock is held until that transaction ends.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from igportal.client import client_ip, client_user_agent
from requests_app.audit_chain import event_hash, personal_digest
from requests_app.models import AuditEvent
from requests_app.models.audit import GENESIS_HASH, audit_key, canonical_event_json

# Any fixed 64-bit number works; it only has to be the same for every writer.
AUDIT_APPEND_LOCK = 0x16_0A_0D_17
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def _plain_json(detail: dict[str, Any] | None) -> dict[str, Any]:
    """Dates, UUIDs and decimals as strings; refuses floats, whose text form PostgreSQL may change."""
    plain: dict[str, Any] = json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))

    def check(value: object) -> None:
        if isinstance(value, float):
            raise ValueError("Audit detail must not hold floats; record them as strings.")
        if isinstance(value, dict):
            for item in value.values():
                check(item)
        elif isinstance(value, list):
            for item in value:
                check(item)

    check(plain)
    return plain


def _lock_the_chain(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_APPEND_LOCK])
    # SQLite allows one writer at a time already, so the chain cannot fork there.


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit trail and return it.

    ``action`` is a dotted code such as ``request.view`` or ``auth.login_failed``.
    ``actor`` defaults to the request's logged-in user; pass it explicitly for work
    done on someone's behalf, or leave both out for system events. ``target`` fills
    ``target_type`` (the model's ``audit_type`` or model name), ``target_id`` (its pk)
    and ``target_label`` (its ``audit_label`` or ``str()``); explicit values win.
    ``request`` supplies the client address and user agent. ``detail`` is a small
    JSON object: never passwords, never more personal data than the event needs.
    """
    if not _ACTION.match(action) or len(action) > 64:
        raise ValueError(f"Audit action {action!r} must be a dotted lower-case code such as 'request.view'.")
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    if target is not None:
        target_type = target_type or getattr(target, "audit_type", None) or target._meta.model_name or ""
        target_id = target_id or str(target.pk)
        target_label = target_label or str(getattr(target, "audit_label", None) or target)
    if len(target_type) > 64 or len(target_id) > 64:
        raise ValueError("Audit target_type and target_id are at most 64 characters.")

    actor_id: int | None = actor.pk if actor is not None else None
    fields: dict[str, Any] = {
        "actor_id": actor_id,
        "actor_label": actor.get_username()[:150] if actor is not None else "",
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label[:200],
        "ip_address": client_ip(request) if request is not None else None,
        "user_agent": client_user_agent(request) if request is not None else "",
        "detail": _plain_json(detail),
    }
    fields["personal_digest"] = personal_digest(fields["target_label"], fields["detail"], key=audit_key())
    using = router.db_for_write(AuditEvent)
    with transaction.atomic(using=using):
        _lock_the_chain(using)
        previous_hash = (
            AuditEvent.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
            or GENESIS_HASH
        )
        occurred_at = timezone.now()
        payload = canonical_event_json(occurred_at=occurred_at, previous_hash=previous_hash, **fields)
        event = AuditEvent(
            occurred_at=occurred_at,
            previous_hash=previous_hash,
            hash=event_hash(payload, key=audit_key()),
            keyed=True,
            **fields,
        )
        event.save(using=using, force_insert=True)
    return event
