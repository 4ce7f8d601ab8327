"""Walk the audit trail in id order, and against the checkpoints kept outside the database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.services.audit_integrity import AuditChainBroken, audit_verify


class Command(BaseCommand):
    help = (
        "Check the audit trail's keyed hash chain and its checkpoints; exits 1 at the first broken link,"
        " deleted tail, rewrite or truncation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000, help="Events read per query.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size: int = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            report = audit_verify(batch_size=batch_size)
        except AuditChainBroken as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(f"{report.events} events, chain intact")
        path = settings.AUDIT_CHECKPOINT_FILE
        if report.checkpoints:
            plural = "" if report.checkpoints == 1 else "s"
            self.stdout.write(f"{report.checkpoints} checkpoint{plural} in {path}, all matching the chain")
        else:
            self.stdout.write(f"No checkpoints in {path} yet: a deleted tail or a truncation would not show")
