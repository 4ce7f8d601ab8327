"""Checking the audit trail: the keyed hash chain and the signed checkpoints kept outside the database.

Pure: events and checkpoint lines come in as arguments, problems come out; nothing here reads the
database or a file. ``manage.py verify_audit`` and the checkpoint writer both use it.

Each event's hash is an HMAC-SHA256, under ``AUDIT_HMAC_KEY`` (which is never in the database), of
its contents and its predecessor's hash, so nobody holding only the database can re-hash a changed
chain. Events written before the chain was keyed keep their plain SHA-256 hash (``keyed`` false):
they are accepted only before the first keyed event, which links to the last of them, so changing
one breaks the chain at that keyed event. What the chain alone cannot show (the newest events
deleted, the table emptied, or a rewrite by someone who also holds the key) the checkpoints do:
every few minutes the head of the chain (last id, how many events up to it, its hash) is appended,
signed, to a file or log sink outside the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

CHECKPOINT_VERSION = 1


class ChainEvent(Protocol):
    """What the walk needs of an event (``AuditEvent`` has all of it)."""

    id: int
    keyed: bool
    previous_hash: str
    hash: str

    def canonical_json(self) -> str: ...

    def personal_parts_match(self, key: bytes) -> bool: ...


def event_hash(payload: str, *, key: bytes | None) -> str:
    """The hash an event carries: HMAC-SHA256 under ``key``, or plain SHA-256 for a legacy event."""
    data = payload.encode("utf-8")
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _personal_key(key: bytes) -> bytes:
    # A separate key for the digest of an event's personal parts, so it can never pass as an event hash.
    return hmac.new(key, b"igportal audit personal parts", hashlib.sha256).digest()


def personal_digest(target_label: str, detail: object, *, key: bytes) -> str:
    """What an event's hash covers in place of its personal parts (its target's label and its detail).

    The retention schedule destroys the personal data an event names long before the event itself may
    go, so the hash must survive the label and detail being blanked: it covers this keyed digest of
    them, which the row keeps. While the parts are there the walk checks them against the digest; once
    a disposal has redacted them (blank, with ``redacted_at`` set) only the digest is left to check.
    """
    body = json.dumps(
        {"target_label": target_label, "detail": detail},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    return hmac.new(_personal_key(key), body, hashlib.sha256).hexdigest()


def _checkpoint_key(key: bytes) -> bytes:
    # A separate key for checkpoint lines, so a signed line can never pass as an event hash.
    return hmac.new(key, b"igportal audit checkpoint", hashlib.sha256).digest()


@dataclass(frozen=True)
class Checkpoint:
    """The head of the chain at a moment: the last event's id and hash, and how many events there were."""

    at: datetime
    last_id: int
    count: int
    head: str

    def _body(self) -> dict[str, object]:
        return {
            "v": CHECKPOINT_VERSION,
            "at": self.at.isoformat(timespec="microseconds"),
            "last_id": self.last_id,
            "count": self.count,
            "head": self.head,
        }

    def signed_line(self, key: bytes) -> str:
        """One line of JSON with its HMAC signature, as appended to the checkpoint file."""
        body = self._body()
        signature = hmac.new(_checkpoint_key(key), _canonical(body), hashlib.sha256).hexdigest()
        return json.dumps({**body, "sig": signature}, sort_keys=True, separators=(",", ":"))


def _canonical(body: dict[str, object]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


class CheckpointError(ValueError):
    """A checkpoint line that is malformed or not signed with this key."""


def parse_checkpoint(line: str, key: bytes) -> Checkpoint:
    try:
        data = json.loads(line)
        signature = data.pop("sig")
        if data.get("v") != CHECKPOINT_VERSION:
            raise CheckpointError(f"unknown checkpoint version {data.get('v')!r}")
        checkpoint = Checkpoint(
            at=datetime.fromisoformat(data["at"]),
            last_id=int(data["last_id"]),
            count=int(data["count"]),
            head=str(data["head"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointError(f"not a checkpoint line ({exc})") from exc
    expected = hmac.new(_checkpoint_key(key), _canonical(checkpoint._body()), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, str(signature)):
        raise CheckpointError("its signature does not match: it was changed or signed with another key")
    return checkpoint


def parse_checkpoints(lines: Iterable[str], key: bytes) -> list[Checkpoint]:
    """Every checkpoint in a file's lines, oldest first; a bad line is reported with its number."""
    checkpoints = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            checkpoints.append(parse_checkpoint(line, key))
        except CheckpointError as exc:
            raise CheckpointError(f"Checkpoint line {number}: {exc}.") from exc
    return sorted(checkpoints, key=lambda checkpoint: checkpoint.last_id)


@dataclass(frozen=True)
class Problem:
    kind: str  # "changed", "unlinked", "legacy_after_keyed", "rewritten", "deleted", "truncated"
    event_id: int | None
    message: str


def _describe(checkpoint: Checkpoint) -> str:
    return f"the checkpoint of {checkpoint.at:%Y-%m-%d %H:%M:%S %Z}".rstrip()


class ChainWalk:
    """Checks events fed in id order against their links, their hashes and the checkpoints.

    Start from the genesis hash (or, to check only what came after a checkpoint, from that
    checkpoint's head and count). ``feed`` returns the first problem with an event;
    ``finish`` returns what the checkpoints show about events that are no longer there.
    """

    def __init__(
        self,
        *,
        key: bytes,
        previous_hash: str,
        checkpoints: Iterable[Checkpoint] = (),
        count: int = 0,
        seen_keyed: bool = False,
    ) -> None:
        self.key = key
        self.expected_previous = previous_hash
        self.count = count
        self.seen_keyed = seen_keyed
        self.last_id = 0
        self._pending = sorted(checkpoints, key=lambda checkpoint: checkpoint.last_id)
        self.checkpoints_matched = 0

    def feed(self, event: ChainEvent) -> Problem | None:
        missed = self._checkpoint_passed(event.id)
        if missed is not None:
            return missed
        if event.previous_hash != self.expected_previous:
            return Problem(
                "unlinked",
                event.id,
                f"Audit chain broken at event {event.id}: it does not link to the event before it"
                " (an event was removed, inserted or changed).",
            )
        if event.keyed:
            self.seen_keyed = True
        elif self.seen_keyed:
            return Problem(
                "legacy_after_keyed",
                event.id,
                f"Audit chain broken at event {event.id}: it carries an unkeyed hash after keyed events"
                " (it was re-hashed without the key).",
            )
        expected = event_hash(event.canonical_json(), key=self.key if event.keyed else None)
        if not hmac.compare_digest(expected, event.hash):
            return Problem(
                "changed",
                event.id,
                f"Audit chain broken at event {event.id}: its contents do not match its hash"
                " (the event was changed, or the chain re-hashed without the key).",
            )
        if not event.personal_parts_match(self.key):
            return Problem(
                "changed",
                event.id,
                f"Audit chain broken at event {event.id}: its contents do not match its hash (its label or"
                " detail was changed: a disposal only blanks them).",
            )
        self.expected_previous = event.hash
        self.count += 1
        self.last_id = event.id
        return self._checkpoint_reached(event)

    def _checkpoint_passed(self, event_id: int) -> Problem | None:
        """A checkpoint's last event lies between the previous event and this one: it was removed."""
        if self._pending and self._pending[0].last_id < event_id:
            checkpoint = self._pending[0]
            return Problem(
                "deleted",
                checkpoint.last_id,
                f"Audit trail tampered with: event {checkpoint.last_id}, the newest at"
                f" {_describe(checkpoint)}, is missing (events were deleted).",
            )
        return None

    def _checkpoint_reached(self, event: ChainEvent) -> Problem | None:
        while self._pending and self._pending[0].last_id == event.id:
            checkpoint = self._pending.pop(0)
            if checkpoint.head != event.hash or checkpoint.count != self.count:
                return Problem(
                    "rewritten",
                    event.id,
                    f"Audit trail rewritten: up to event {event.id} it no longer matches"
                    f" {_describe(checkpoint)}"
                    f" ({self.count} events and hash {event.hash[:12]}… now, {checkpoint.count} events and"
                    f" hash {checkpoint.head[:12]}… then): the chain was re-hashed after a change.",
                )
            self.checkpoints_matched += 1
        return None

    def finish(self) -> Problem | None:
        if not self._pending:
            return None
        checkpoint = self._pending[-1]
        if self.count == 0:
            return Problem(
                "truncated",
                None,
                f"Audit trail truncated: it is empty, but {_describe(checkpoint)} recorded"
                f" {checkpoint.count} events up to event {checkpoint.last_id}.",
            )
        return Problem(
            "deleted",
            self._pending[0].last_id,
            f"Audit trail tampered with: it ends at event {self.last_id}, but {_describe(checkpoint)}"
            f" recorded events up to {checkpoint.last_id} (the newest events were deleted).",
        )
