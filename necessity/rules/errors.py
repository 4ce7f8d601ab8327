"""Errors that carry every problem found, each as a (JSON path, message) pair a person can act on."""

from __future__ import annotations

from collections.abc import Iterable


class DecodeError(ValueError):
    """A dict could not be read back into the engine's dataclasses."""

    def __init__(self, errors: Iterable[tuple[str, str]]) -> None:
        self.errors: tuple[tuple[str, str], ...] = tuple(errors)
        super().__init__("; ".join(f"{path}: {message}" for path, message in self.errors))


class AnswersError(DecodeError):
    """The wizard answers are malformed or inconsistent; ``errors`` says where and why."""
