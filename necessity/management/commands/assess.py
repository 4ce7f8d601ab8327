"""Run the rules engine on an answers file and print the result as JSON.

The file holds either the answers themselves (docs/answers.schema.json) or a worked example with an
``answers`` key and optionally ``today`` (the examples in docs/examples/ are such files).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from necessity.rules import DEFAULT_POLICY, AnswersError, answers_from_dict, assess, result_to_dict


class Command(BaseCommand):
    help = (
        "Assess a sharing request's answers (JSON file) with the rules engine and print the result as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="Answers JSON, or a worked example with an 'answers' key."
        )
        parser.add_argument("--today", help="Assess as of this date (YYYY-MM-DD); consent age depends on it.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}.") from exc
        if not isinstance(document, dict):
            raise CommandError(f"{path} must hold a JSON object.")
        raw_answers = document.get("answers", document)
        today = self._today(options["today"] or document.get("today"))
        try:
            answers = answers_from_dict(raw_answers)
        except AnswersError as exc:
            problems = "\n".join(f"  {where}: {message}" for where, message in exc.errors)
            raise CommandError(f"The answers in {path} are not valid:\n{problems}") from exc
        result = assess(answers, today=today, policy=DEFAULT_POLICY)
        self.stdout.write(json.dumps(result_to_dict(result), indent=2))

    @staticmethod
    def _today(value: str | None) -> datetime.date:
        if value is None:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"--today must be a date like 2026-11-21, not {value!r}.") from exc
