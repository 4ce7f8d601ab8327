"""List for the DPO's review the records past their retention period (the daily beat job does the same)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from igportal.dates import short_date
from requests_app.services.retention import disposal_candidates, disposal_sweep


class Command(BaseCommand):
    help = "Raise each record past its retention period for the DPO's review, once; --dry-run lists them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be raised; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["dry_run"]:
            candidates = disposal_candidates(today=today)
            for review in candidates:
                self.stdout.write(f"Would list {review.label} (kept until {short_date(review.retain_until)})")
            self.stdout.write(f"{len(candidates)} record(s) would be listed for review.")
            return
        result = disposal_sweep(today=today)
        self.stdout.write(
            f"{result.raised} record(s) listed for review; {result.resurfaced} extension(s) back in review."
        )
