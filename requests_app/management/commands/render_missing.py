"""Render the decision records and ISA documents that are missing, or list them with --dry-run."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from requests_app.services.documents import documents_missing, documents_sweep


class Command(BaseCommand):
    help = (
        "Queue a render of every decision record and ISA document still missing after "
        "DOCUMENT_SWEEP_GRACE_SECONDS (beat does this every DOCUMENT_SWEEP_SECONDS); each is stored once "
        "however often this runs. --dry-run lists them and changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what is missing; change nothing.")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        now = timezone.now()
        if dry_run:
            missing = documents_missing(now=now, batch_size=settings.DOCUMENT_SWEEP_BATCH_SIZE)
        else:
            missing = documents_sweep(now=now)
        verb = "missing (dry run)" if dry_run else "queued for rendering"
        self.stdout.write(
            f"Decision records {verb}: {len(missing.decision_events)} "
            f"(workflow events {', '.join(map(str, missing.decision_events)) or 'none'})\n"
            f"ISA documents {verb}: {len(missing.agreement_versions)} "
            f"(versions {', '.join(map(str, missing.agreement_versions)) or 'none'})"
        )
