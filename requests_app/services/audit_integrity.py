"""Verifying the audit trail and checkpointing its head outside the database.

``audit_verify`` walks the whole chain against the checkpoints (``manage.py verify_audit``);
``audit_checkpoint`` appends the current head, signed, to ``AUDIT_CHECKPOINT_FILE`` after checking
the events since the last checkpoint (the ``checkpoint_audit`` beat task and management command).
The rules themselves are in ``requests_app.audit_chain``.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from requests_app.audit_chain import ChainWalk, Checkpoint, CheckpointError, Problem, parse_checkpoints
from requests_app.models import AuditEvent
from requests_app.models.audit import GENESIS_HASH, audit_key
from requests_app.services.audit import audit_sequence

logger = logging.getLogger("igportal.audit.checkpoint")


class AuditChainBroken(Exception):
    """The trail (or the checkpoint file) shows tampering; the message says where and how."""

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem


def events_after(after_id: int, *, batch_size: int) -> Iterator[AuditEvent]:
    """Every event with a larger id, in id order, read ``batch_size`` at a time."""
    last_id = after_id
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def read_checkpoints(path: Path, key: bytes) -> list[Checkpoint]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    try:
        return parse_checkpoints(text.splitlines(), key)
    except CheckpointError as exc:
        raise AuditChainBroken(f"The checkpoint file {path} cannot be trusted: {exc}") from exc


@dataclass(frozen=True)
class VerifyReport:
    events: int
    checkpoints: int
    checkpoints_matched: int


def audit_verify(*, batch_size: int = 2000) -> VerifyReport:
    """Check every event's link and hash, and the chain against every checkpoint; raise at the first break."""
    key = audit_key()
    checkpoints = read_checkpoints(settings.AUDIT_CHECKPOINT_FILE, key)
    walk = ChainWalk(key=key, previous_hash=GENESIS_HASH, checkpoints=checkpoints)
    for event in events_after(0, batch_size=batch_size):
        problem = walk.feed(event)
        if problem is not None:
            raise AuditChainBroken(problem.message, problem)
    problem = walk.finish()
    if problem is not None:
        raise AuditChainBroken(problem.message, problem)
    return VerifyReport(walk.count, len(checkpoints), walk.checkpoints_matched)


def _walk_since(checkpoint: Checkpoint | None, key: bytes) -> ChainWalk:
    """A walk that resumes at ``checkpoint``, after checking the event it recorded is still as it was."""
    if checkpoint is None:
        return ChainWalk(key=key, previous_hash=GENESIS_HASH)
    recorded = AuditEvent.objects.filter(id=checkpoint.last_id).first()
    count = AuditEvent.objects.filter(id__lte=checkpoint.last_id).count()
    if recorded is None or recorded.hash != checkpoint.head or count != checkpoint.count:
        # The full walk names what happened (deleted, truncated or rewritten).
        audit_verify()
        raise AuditChainBroken(f"Event {checkpoint.last_id} no longer matches the last checkpoint.")
    return ChainWalk(key=key, previous_hash=checkpoint.head, count=count, seen_keyed=recorded.keyed)


def audit_checkpoint(*, now: datetime, dry_run: bool = False, batch_size: int = 2000) -> Checkpoint | None:
    """Append the head of the chain, signed, to ``AUDIT_CHECKPOINT_FILE``; None when there is nothing new.

    The events since the last checkpoint are checked first, so a checkpoint never vouches for a
    chain that was already broken. The file is locked while it is read and appended to, so two runs
    at once write one line; a run with no new events writes nothing.
    """
    if not dry_run:
        audit_sequence()  # the head it signs covers every committed event
    key = audit_key()
    path: Path = settings.AUDIT_CHECKPOINT_FILE
    with path.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        try:
            previous = parse_checkpoints(handle.read().splitlines(), key)
        except CheckpointError as exc:
            raise AuditChainBroken(f"The checkpoint file {path} cannot be trusted: {exc}") from exc
        last = previous[-1] if previous else None
        head = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
        if head is None:
            if last is not None:
                audit_verify()
            return None
        head_id, head_hash = head
        if last is not None and (last.last_id, last.head) == (head_id, head_hash):
            return None
        walk = _walk_since(last, key)
        for event in events_after(last.last_id if last else 0, batch_size=batch_size):
            if event.id > head_id:
                break
            problem = walk.feed(event)
            if problem is not None:
                raise AuditChainBroken(problem.message, problem)
        checkpoint = Checkpoint(at=now, last_id=head_id, count=walk.count, head=head_hash)
        line = checkpoint.signed_line(key)
        if not dry_run:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
            logger.info("audit checkpoint %s", line)
    return checkpoint
