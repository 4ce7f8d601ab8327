"""How a service applies an edit to an entry it has locked: the same two steps in every register."""

from __future__ import annotations

from typing import Any

from django.db.models import Model


def stripped(data: dict[str, Any]) -> dict[str, Any]:
    """The values as entered, text without the spaces around it."""
    return {name: value.strip() if isinstance(value, str) else value for name, value in data.items()}


def apply_changes(entry: Model, data: dict[str, Any]) -> list[str]:
    """Set ``data`` on the (locked) entry, unsaved; the names of the fields whose value it changes, sorted,
    for the audit event."""
    changed = sorted(name for name, value in data.items() if getattr(entry, name) != value)
    for name, value in data.items():
        setattr(entry, name, value)
    return changed
