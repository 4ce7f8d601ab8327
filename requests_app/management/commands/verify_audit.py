"""Walk the audit trail in id order and report the first event whose link is broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.models import AuditEvent
from requests_app.models.audit import GENESIS_HASH


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exits 1 at the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000, help="Events read per query.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size: int = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        expected_previous = GENESIS_HASH
        last_id = 0
        count = 0
        while True:
            batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
            if not batch:
                break
            for event in batch:
                if event.previous_hash != expected_previous:
                    raise CommandError(
                        f"Audit chain broken at event {event.id}: it does not link to the event before it"
                        " (an event was removed, inserted or changed).",
                        returncode=1,
                    )
                if event.compute_hash() != event.hash:
                    raise CommandError(
                        f"Audit chain broken at event {event.id}: its contents do not match its hash"
                        " (the event was changed).",
                        returncode=1,
                    )
                expected_previous = event.hash
                count += 1
            last_id = batch[-1].id
        self.stdout.write(f"{count} events, chain intact")
