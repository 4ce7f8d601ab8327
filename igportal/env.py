"""Strict readers for configuration from environment variables.

A malformed value stops start-up with a message naming the variable, because a
typo in production configuration must never silently fall back to a default.
Every reader also accepts ``NAME_FILE`` pointing at a file that holds the value
(Docker and Kubernetes secrets are mounted that way).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class Env:
    """Reads typed values from a mapping (``os.environ`` unless given)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        file_name = self._environ.get(f"{name}_FILE")
        direct = self._environ.get(name)
        if file_name is not None and direct is not None:
            raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
        if file_name is not None:
            path = Path(file_name)
            try:
                return path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}.") from exc
        return direct

    def text(self, name: str, default: str | None = None) -> str:
        value = self.raw(name)
        if value is None or value == "":
            if default is None:
                raise ImproperlyConfigured(f"{name} must be set.")
            return default
        return value

    def optional_text(self, name: str) -> str | None:
        value = self.raw(name)
        return value or None

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None or value == "":
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use true or false.")

    def integer(
        self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self.raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value.strip())
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from exc
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
        if maximum is not None and number > maximum:
            raise ImproperlyConfigured(f"{name}={number} is above the maximum of {maximum}.")
        return number

    def items(self, name: str, default: tuple[str, ...] = ()) -> list[str]:
        value = self.raw(name)
        if value is None or value.strip() == "":
            return list(default)
        items = [item.strip() for item in value.split(",")]
        if any(item == "" for item in items):
            raise ImproperlyConfigured(
                f"{name}={value!r} has an empty entry; separate values with single commas."
            )
        return items

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.text(name, default).strip().lower()
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
        return value

    def day_counts(self, name: str, default: tuple[int, ...]) -> tuple[int, ...]:
        """Comma-separated whole numbers of days, at least 1 each, largest first and without repeats."""
        counts: set[int] = set()
        for item in self.items(name, tuple(str(count) for count in default)):
            try:
                count = int(item)
            except ValueError as exc:
                raise ImproperlyConfigured(f"{name}: {item!r} is not a whole number of days.") from exc
            if count < 1:
                raise ImproperlyConfigured(f"{name}: {count} must be at least 1 day.")
            counts.add(count)
        return tuple(sorted(counts, reverse=True))
