"""Operators' report: how long ago each sweep last completed, the broker, the queue, the emails."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from requests_app.selectors.chasers import chaser_health


def _age(age: timedelta | None) -> str:
    if age is None:
        return "never completed"
    seconds = int(age.total_seconds())
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


class Command(BaseCommand):
    help = "Report each sweep's last completed run, the broker connection and the queue length."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--max-age-minutes",
            type=int,
            default=0,
            help="Exit with an error if any sweep last completed longer ago than this (0: never).",
        )

    def handle(self, *args: Any, max_age_minutes: int, **options: Any) -> None:
        health = chaser_health(now=timezone.now())
        for sweep in health.sweeps:
            error = f"; last run failed: {sweep.last_error}" if sweep.last_error else ""
            self.stdout.write(
                f"sweep {sweep.kind}: {_age(sweep.age)}, {sweep.claimed} claimed, "
                f"{sweep.notifications} notifications{error}"
            )
        broker = health.broker
        if not broker.configured:
            self.stdout.write("broker: none configured (tasks run inline)")
        elif broker.reachable:
            self.stdout.write(
                f"broker: reachable; queue length {broker.queued}, {broker.unacknowledged} unacknowledged"
            )
        else:
            self.stdout.write(f"broker: UNREACHABLE ({broker.error})")
        self.stdout.write(
            "emails: " + ", ".join(f"{count} {status}" for status, count in health.deliveries.items())
        )
        problems = []
        if broker.configured and not broker.reachable:
            problems.append("the broker is unreachable")
        if max_age_minutes:
            limit = timedelta(minutes=max_age_minutes)
            problems += [
                f"{sweep.kind} has not completed within {max_age_minutes} minutes"
                for sweep in health.sweeps
                if sweep.age is None or sweep.age > limit
            ]
        if problems:
            raise CommandError("; ".join(problems))
