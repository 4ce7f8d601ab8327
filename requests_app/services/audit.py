"""The one way to write to the audit trail.

``audit_record`` appends an event whose keyed hash (HMAC-SHA256 under ``AUDIT_HMAC_KEY``)
covers its contents and the hash of the event before it. Appends to the chain are serialised (a
PostgreSQL transaction-level advisory lock, held until the surrounding transaction commits) so that
two writers can never both link to the same predecessor, and ids follow the chain.

No writer waits for that lock (issue 24: page views must not queue behind each other). A writer
that finds it free takes it and appends its event. A writer that
finds it held writes its event to ``PendingAuditEvent`` in its own transaction and goes on; the
sequencer, ``audit_sequence``, chains the waiting events once they are committed, in the order it
finds them: straight after that writer's transaction commits if the chain is free then, or else
straight after the holder's commits (a waiting event committed while someone held the chain is
seen by the holder's check after its own commit), after the next append's commit, and from beat every few
seconds (``sequence-audit``) should a process die between its commit and that step. The
checkpoint runs it first, so the head it signs covers every committed event. Call ``audit_record`` inside the
transaction that makes the change it describes: the event commits or rolls back with it.

An event recorded outside any transaction (a page view) is its own INSERT, committed at once, so a
page that fails after recording its viewing still leaves the event: the chain is taken for the
database session with the head read in one statement, and let go after the INSERT with one more that
also looks for events left waiting meanwhile (three statements; ``DB_SESSION_LOCKS`` off behind a
transaction pooler gives each append a transaction of its own instead).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from igportal.client import client_ip, client_user_agent
from requests_app.audit_chain import event_hash, personal_digest
from requests_app.models import AuditEvent, PendingAuditEvent
from requests_app.models.audit import GENESIS_HASH, audit_key, canonical_event_json

# Any fixed 64-bit number works; it only has to be the same for every writer.
AUDIT_APPEND_LOCK = 0x16_0A_0D_17
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")

logger = logging.getLogger(__name__)


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


# Events the sequencer chains per query; it goes on until none are left.
SEQUENCE_BATCH = 500


def _lock_the_chain(using: str) -> None:
    """Wait for the chain (the sequencer from beat, and the checks, which must see every event)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_APPEND_LOCK])
    # SQLite allows one writer at a time already, so the chain cannot fork there.


def _head(using: str) -> str:
    head = AuditEvent.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
    return head or GENESIS_HASH


def _take_the_chain_if_free(using: str, *, for_session: bool = False) -> str | None:
    """Take the chain if nobody holds it, never waiting, and return its head's hash; None if it is held.

    For this transaction, or with ``for_session`` until ``_release_the_chain`` (an append that is a
    statement of its own, outside any transaction). One statement on PostgreSQL (migration 0039).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return _head(using)
    with connection.cursor() as cursor:
        cursor.execute("SELECT requests_app_audit_take_chain(%s, %s)", [AUDIT_APPEND_LOCK, for_session])
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return str(row[0]) or GENESIS_HASH


def _release_the_chain(using: str) -> bool:
    """Let a session's hold on the chain go; whether events are waiting for the sequencer now.

    When this connection held nothing to let go, the take reached another server connection, which
    still holds the chain and will stop every other append chaining (they wait for the sequencer):
    behind a transaction-mode pooler, ``DB_SESSION_LOCKS`` must be off. That is logged as an error,
    and the sequencer is asked to run.
    """
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT requests_app_audit_release_chain(%s)", [AUDIT_APPEND_LOCK])
        row = cursor.fetchone()
    if row is None or row[0] is None:
        logger.error(
            "The audit chain's lock was not held by this database connection when it was let go: the"
            " connection that took it still holds it. Behind a transaction-mode pooler set"
            " DB_SESSION_LOCKS=false."
        )
        return True
    return bool(row[0])


def _append(
    using: str, *, occurred_at: datetime, fields: dict[str, Any], previous_hash: str | None = None
) -> AuditEvent:
    """Link one event to the chain's head (``previous_hash``, else read), insert it; the caller holds it."""
    if previous_hash is None:
        previous_hash = _head(using)
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


_PENDING_FIELDS = (
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "ip_address",
    "user_agent",
    "detail",
    "personal_digest",
)


def _chain_pending(using: str) -> int:
    """Chain every waiting event this transaction can see, oldest first; the caller holds the chain."""
    chained = 0
    while True:
        waiting = list(PendingAuditEvent.objects.using(using).order_by("id")[:SEQUENCE_BATCH])
        if waiting:
            head = _head(using)
        for pending in waiting:
            fields = {name: getattr(pending, name) for name in _PENDING_FIELDS}
            head = _append(using, occurred_at=pending.occurred_at, fields=fields, previous_hash=head).hash
        if waiting:
            PendingAuditEvent.objects.using(using).filter(id__in=[pending.id for pending in waiting]).delete()
            chained += len(waiting)
        if len(waiting) < SEQUENCE_BATCH:
            return chained


def audit_sequence(*, wait: bool = True, using: str | None = None) -> int:
    """Chain the committed events left waiting; returns how many.

    Without ``wait`` it does so only if nobody holds the chain (after a writer's commit); with it, it
    waits its turn (beat, and the checks, which must see every committed event).
    """
    using = using or router.db_for_write(AuditEvent)
    chained = 0
    while True:
        with transaction.atomic(using=using):
            if wait:
                _lock_the_chain(using)
            elif _take_the_chain_if_free(using) is None:
                return chained  # its holder looks again once it commits, as this does below
            chained += _chain_pending(using)
        # An event committed while this held the chain found it held and was left waiting: look again.
        if not PendingAuditEvent.objects.using(using).exists():
            return chained


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
    occurred_at = timezone.now()
    connection = connections[using]
    if connection.vendor == "postgresql" and settings.AUDIT_SESSION_LOCK and connection.get_autocommit():
        return _record_as_one_statement(using, occurred_at=occurred_at, fields=fields)
    # No savepoint inside a caller's transaction: should the append fail, the change it records must
    # not commit without it, so the caller's whole transaction rolls back.
    with transaction.atomic(using=using, savepoint=False):
        previous_hash = _take_the_chain_if_free(using)
        if previous_hash is not None:
            event = _append(using, occurred_at=occurred_at, fields=fields, previous_hash=previous_hash)
            # Others who found the chain held left their events waiting: chain them once this commits
            # and lets the chain go (not before: an append costs the same queries as it always did).
            transaction.on_commit(lambda: _sequence_if_waiting(using), using=using)
            return event
        PendingAuditEvent.objects.using(using).create(occurred_at=occurred_at, **fields)
    # Chained by the sequencer: straight after this commits if the chain is free then, or else by
    # whoever holds it now, once they commit.
    transaction.on_commit(lambda: audit_sequence(wait=False, using=using), using=using)
    return AuditEvent(occurred_at=occurred_at, keyed=True, **fields)


def _record_as_one_statement(using: str, *, occurred_at: datetime, fields: dict[str, Any]) -> AuditEvent:
    """An event outside any transaction (a page view): its INSERT commits by itself.

    The chain is held for the session from the statement that reads the head until the INSERT has
    committed, then let go by a statement that also says whether others left events waiting meanwhile:
    three statements, where a transaction of its own would take six (BEGIN, lock, head, INSERT,
    COMMIT, the look for waiting events). A failed INSERT still lets the chain go.
    """
    previous_hash = _take_the_chain_if_free(using, for_session=True)
    if previous_hash is None:
        PendingAuditEvent.objects.using(using).create(occurred_at=occurred_at, **fields)
        audit_sequence(wait=False, using=using)  # committed already; the holder looks once it lets go
        return AuditEvent(occurred_at=occurred_at, keyed=True, **fields)
    try:
        event = _append(using, occurred_at=occurred_at, fields=fields, previous_hash=previous_hash)
    finally:
        waiting = _release_the_chain(using)
    if waiting:
        audit_sequence(wait=False, using=using)
    return event


def _sequence_if_waiting(using: str) -> None:
    if PendingAuditEvent.objects.using(using).exists():
        audit_sequence(wait=False, using=using)
