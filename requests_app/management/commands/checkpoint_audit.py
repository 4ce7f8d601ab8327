"""Append the audit chain's head, signed, to AUDIT_CHECKPOINT_FILE (the beat job does the same)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from requests_app.services.audit_integrity import AuditChainBroken, audit_checkpoint


class Command(BaseCommand):
    help = (
        "Check the events since the last checkpoint and append a signed checkpoint; --dry-run prints it only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the checkpoint line; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = audit_checkpoint(now=timezone.now(), dry_run=options["dry_run"])
        except AuditChainBroken as exc:
            raise CommandError(str(exc), returncode=1) from exc
        path = settings.AUDIT_CHECKPOINT_FILE
        if checkpoint is None:
            self.stdout.write(f"No new audit events since the last checkpoint in {path}.")
        elif options["dry_run"]:
            self.stdout.write(
                f"Would append to {path}: event {checkpoint.last_id}, {checkpoint.count} events."
            )
        else:
            self.stdout.write(
                f"Checkpoint appended to {path}: event {checkpoint.last_id}, {checkpoint.count} events."
            )
