"""The audit trail: an append-only, hash-chained record of who did what, when and from where.

Each event stores the hash of the event before it, and its own hash is keyed (HMAC-SHA256 under
``AUDIT_HMAC_KEY``, which is not in the database), so changing or removing any row breaks the
chain at that point (``manage.py verify_audit`` finds it, and with the checkpoints kept outside the
database, a deleted tail or an emptied table too: ``requests_app.audit_chain``). On PostgreSQL
triggers refuse UPDATE, DELETE and TRUNCATE on the table, and the application's own database role
owns no table, so it can neither switch them off nor truncate (README, "Database roles"). Rows
are written only by ``requests_app.services.audit.audit_record``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.ipv6 import clean_ipv6_address

from requests_app.audit_chain import event_hash, personal_digest

# The previous_hash of the very first event.
GENESIS_HASH = "0" * 64


def canonical_ip(value: str | None) -> str | None:
    """One spelling per address, whatever form the database hands back."""
    if not value:
        return None
    return clean_ipv6_address(value) if ":" in value else value


def canonical_event_json(
    *,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    target_label: str,
    ip_address: str | None,
    user_agent: str,
    detail: Any,
    previous_hash: str,
    personal_digest: str = "",
) -> str:
    """The exact bytes the hash covers: sorted keys, no whitespace, UTC time to the microsecond.

    An event with a ``personal_digest`` (every event since retention came in) is hashed over that digest
    instead of its target's label and its detail, so that a disposal can blank those and the chain still
    verifies (``requests_app.audit_chain.personal_digest``). Older events are hashed over the parts
    themselves and so can never be redacted.
    """
    body: dict[str, Any] = {
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "ip_address": canonical_ip(ip_address),
        "user_agent": user_agent,
        "previous_hash": previous_hash,
    }
    if personal_digest:
        body["personal_digest"] = personal_digest
    else:
        body["target_label"] = target_label
        body["detail"] = detail
    return json.dumps(
        body,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(db_default=Now(), db_index=True)
    # PROTECT: a person with history is deactivated, never deleted, so the trail keeps its links.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True, help_text="The username at the time.")
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # Unique (Meta.constraints): two events can never claim the same predecessor, so the chain cannot fork.
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # False only for events written before the chain was keyed: their hash is a plain SHA-256.
    keyed = models.BooleanField(db_default=False)
    # The keyed digest of target_label and detail that the hash covers in their place; blank only for
    # events written before retention came in (their hash covers the parts themselves).
    personal_digest = models.CharField(max_length=64, blank=True, db_default="")
    # Set, with target_label and detail blanked, when a disposal destroyed the personal data the event
    # named (``services.retention``); the database refuses every other change to an event.
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="auditevent_target_idx")]
        # Constraints rather than unique fields: on PostgreSQL a unique CharField also gets a second
        # index for LIKE, which nothing asks of a hash, and every append paid for writing both (each
        # a random page of a large index). The names are those PostgreSQL gave the unique columns.
        constraints = [
            models.UniqueConstraint(
                fields=["previous_hash"], name="requests_app_auditevent_previous_hash_key"
            ),
            models.UniqueConstraint(fields=["hash"], name="requests_app_auditevent_hash_key"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label or 'system'} {self.action}"

    def canonical_json(self) -> str:
        """The exact text this row's hash covers, rebuilt from what is stored."""
        return canonical_event_json(
            occurred_at=self.occurred_at,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            action=self.action,
            target_type=self.target_type,
            target_id=self.target_id,
            target_label=self.target_label,
            ip_address=self.ip_address,
            user_agent=self.user_agent,
            detail=self.detail,
            previous_hash=self.previous_hash,
            personal_digest=self.personal_digest,
        )

    def personal_parts_match(self, key: bytes) -> bool:
        """The label and detail are those the hash's digest covers, or were blanked by a disposal."""
        if not self.personal_digest:
            return self.redacted_at is None
        if self.redacted_at is not None:
            return self.target_label == "" and self.detail == {}
        return personal_digest(self.target_label, self.detail, key=key) == self.personal_digest

    def compute_hash(self) -> str:
        """The hash this row should carry: keyed, unless it was written before the chain was keyed."""
        return event_hash(self.canonical_json(), key=audit_key() if self.keyed else None)


def audit_key() -> bytes:
    return settings.AUDIT_HMAC_KEY.encode("utf-8")


class PendingAuditEvent(models.Model):
    """An audit event recorded while another writer was appending to the chain, waiting to be chained.

    ``audit_record`` never waits for the chain: when another transaction holds it, the event is
    written here, freely, in the writer's own transaction. The sequencer
    (``requests_app.services.audit.audit_sequence``: straight after that transaction commits, at the
    next append, and every few seconds from beat) moves committed ones into ``AuditEvent``, in the
    order it finds them, each keyed and linked exactly as a direct append is. The chain and its
    checks are unchanged; an event sits here only for the moments until the sequencer runs.
    """

    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # The keyed digest of the label and detail (retention): carried into the chain with the event.
    personal_digest = models.CharField(max_length=64, blank=True, db_default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label or 'system'} {self.action} (pending)"
