"""The shape of every workflow in the portal: one ``Transition`` row, one ``Workflow`` table per model.

Sharing requests (``requests_app.workflow``), the registers (``requests_app.register_workflow``: ISA
versions, data flows, DPIAs, incidents) and access requests (``requests_app.access_workflow``) each
declare their table with these two classes, and ``requests_app.services.workflow.transition`` applies
every one of them with the same steps (see its docstring). Nothing else assigns ``.status``.

A table is data plus small functions beside it: who may fire a move, a guard that lists what stops it
now, hooks that check the move's inputs (``prepare``) and do what it brings with it (``consequences``).
The hooks receive a ``Move``; they never import the service that calls them, so a consequence that
moves another entry asks the move to (``Move.cascade``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import User
from django.db import models
from django.http import HttpRequest

Entry = TypeVar("Entry", bound=models.Model)


def lower_first(text: str) -> str:
    """A button label inside a sentence: "Approve" reads "you cannot approve now"."""
    return f"{text[0].lower()}{text[1:]}" if text else text


@dataclass
class Move(Generic[Entry]):
    """One firing of a transition, as the hooks see it.

    ``inputs`` holds what the person entered besides the reason (dates, an outcome, conditions);
    ``errors`` collects problems with them keyed by field, raised together once every hook has run;
    ``changes`` are the fields the move sets, written by the same conditional update as the status.
    """

    entry: Entry
    spec: Transition[Entry]
    workflow: Workflow[Entry]
    actor: User | None
    comment: str
    inputs: dict[str, Any]
    today: datetime.date
    http_request: HttpRequest | None
    from_status: str
    to_status: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    # Whatever one hook works out for a later one (the assessment a decision signs, say).
    context: dict[str, Any] = field(default_factory=dict)
    history: Any = None
    # Set by the service: fire a ``system`` move of another entry as a consequence of this one.
    cascade: Callable[[models.Model, str, str], object] | None = None

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def set(self, **changes: Any) -> None:
        """Set fields on the entry that the move's update writes along with the status."""
        for name, value in changes.items():
            setattr(self.entry, name, value)
        self.changes.update(changes)

    def then(self, entry: models.Model, name: str, comment: str) -> None:
        """Fire a ``system`` move of another entry, recorded as caused by this move's actor."""
        assert self.cascade is not None
        self.cascade(entry, name, comment)


Hook = Callable[[Move[Any]], None]


@dataclass(frozen=True, kw_only=True)
class Transition(Generic[Entry]):
    """One named move. Either ``target`` or ``resolve_target`` says where it goes."""

    name: str
    label: str
    sources: frozenset[str]
    may_fire: Callable[[User, Entry], bool]
    # Who ``may_fire`` lets through, as the refusal says it: "Only {who} can {label}."
    who: str
    target: str | None = None
    resolve_target: Callable[[Move[Entry]], str] | None = None
    # What stops the move now, as sentences a person can act on; may read related rows.
    guard: Callable[[Entry, datetime.date], list[str]] | None = None
    # The reason rule: a move that ends, returns or refuses something is explained.
    reason_required: bool = False
    # What to say when the reason is missing; the default names the move.
    reason_prompt: str = ""
    prepare: Hook | None = None
    consequences: Hook | None = None
    # The portal may make this move itself (a scheduled task, or as the consequence of another move).
    system: bool = False
    # How conflict messages say it was done: "already approved by Clare Evans at 10:02".
    done: str = ""
    # Shown as a warning button: the move ends or stops something.
    warning: bool = False
    # Offered on the page only when its guard passes; other moves are offered anyway, and pressing
    # them explains what is missing.
    offered_only_when_ready: bool = False
    # A sign-off of a stage of a sharing request (the decision form, not a plain button).
    is_decision: bool = False

    def __post_init__(self) -> None:
        if (self.target is None) == (self.resolve_target is None):
            raise ValueError(f"Transition {self.name!r} needs exactly one of target and resolve_target.")


@dataclass(frozen=True)
class Firer(Generic[Entry]):
    """Who may fire a move and how a refusal names them ("Only {who} can ..."): the two travel together,
    and most tables give several moves to the same people."""

    may_fire: Callable[[User, Entry], bool]
    who: str


def move(
    name: str,
    label: str,
    by: Firer[Any],
    sources: Iterable[str],
    target: str | None = None,
    **rest: Any,
) -> Transition[Any]:
    """One row of a table, written as it reads: name, label, who, from where, to where, then the rest."""
    return Transition(
        name=name,
        label=label,
        sources=frozenset(sources),
        target=target,
        may_fire=by.may_fire,
        who=by.who,
        **rest,
    )


@dataclass(frozen=True, kw_only=True)
class Workflow(Generic[Entry]):
    """One model's table: its history model, the history row's foreign key and its audit verb.

    ``audit_verb`` prefixes the audit actions: ``{verb}.transition`` for a move, ``{verb}.{event}`` for
    the other events written to the history (an assignment, an added stage, an edit).
    """

    model: type[Entry]
    history_model: type[models.Model]
    history_field: str
    audit_verb: str
    transitions: dict[str, Transition[Entry]]
    # The form field that carries the reason, for the error that asks for it.
    reason_field: str = "comment"
    # The inputs besides the reason that this workflow's moves accept.
    inputs: frozenset[str] = frozenset()
    # Run for every move of this workflow once its target is known, before the update
    # (an access request recomputes its due date there).
    settle: Hook | None = None
    # Run for every move after its own consequences (a sharing request's reviewers gain access there).
    after_every_move: Hook | None = None
    # Queued on commit for every history row (notifications, decision records).
    on_commit: Hook | None = None

    def available(self, user: User, entry: Entry, *, today: datetime.date) -> list[Transition[Entry]]:
        """What the user may do to the entry now, for the buttons on its page."""
        return [
            t
            for t in self.transitions.values()
            if entry.status in t.sources  # type: ignore[attr-defined]
            and t.may_fire(user, entry)
            and not (t.offered_only_when_ready and t.guard is not None and t.guard(entry, today))
        ]


def table(*transitions: Transition[Any]) -> dict[str, Transition[Any]]:
    names = [t.name for t in transitions]
    if len(set(names)) != len(names):
        raise ValueError(f"A workflow names each move once: {names}")
    return {t.name: t for t in transitions}
