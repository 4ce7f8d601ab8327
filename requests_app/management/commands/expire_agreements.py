"""Mark as expired the ISAs whose end date has passed (the daily Celery beat job does the same)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from igportal.dates import short_date
from requests_app.services.isas import agreements_expire, agreements_past_end


class Command(BaseCommand):
    help = "Expire ISAs past their end date, suspending their flows; --dry-run lists them only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would expire; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["dry_run"]:
            due = agreements_past_end(today=today)
            for version in due:
                self.stdout.write(f"Would expire {version.audit_label} (ended {short_date(version.end_on)})")
            self.stdout.write(f"{len(due)} agreement version(s) would expire.")
            return
        expired = agreements_expire(today=today)
        for version in expired:
            self.stdout.write(f"Expired {version.audit_label}")
        self.stdout.write(f"{len(expired)} agreement version(s) expired.")
