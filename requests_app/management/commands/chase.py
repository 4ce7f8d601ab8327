"""Run a reminder sweep by hand, or see what it would send with --dry-run."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from requests_app.reminders import REMINDER_SOURCES
from requests_app.services.reminders import DELIVERIES, sweep_kinds, sweep_preview, sweep_run


class Command(BaseCommand):
    help = (
        "Run the reminder sweeps (each sends every reminder once however often it runs) or, with "
        "--dry-run, list what they would send without writing anything."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=[*sweep_kinds(), "all"], help="Which sweep, or all of them.")
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent; change nothing.")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="Sweep as of this date (YYYY-MM-DD) instead of today, e.g. to catch up after an outage.",
        )

    def handle(self, *args: Any, kind: str, dry_run: bool, today: date | None, **options: Any) -> None:
        now = timezone.now()
        today = today or timezone.localdate(now)
        kinds = sweep_kinds() if kind == "all" else [kind]
        for each in kinds:
            if dry_run:
                self._preview(each, today)
                continue
            result = sweep_run(kind=each, today=today, now=now)
            more = " (more due: the next run continues)" if result.more_due else ""
            self.stdout.write(f"{each}: {result.claimed} claimed, {result.notifications} notifications{more}")

    def _preview(self, kind: str, today: date) -> None:
        if kind == DELIVERIES:
            self.stdout.write(f"{DELIVERIES}: no dry run; `chaser_health` shows the emails waiting.")
            return
        if kind not in REMINDER_SOURCES:
            raise CommandError(f"Unknown sweep {kind!r}.")
        lines = sweep_preview(kind=kind, today=today)
        self.stdout.write(f"{kind}: {len(lines)} message(s) would be sent as of {today} (dry run)")
        for line in lines:
            self.stdout.write(
                f"  {line.object_label} [{line.milestone}] to {', '.join(line.recipients) or 'nobody'}: "
                f"{line.subject}"
            )
