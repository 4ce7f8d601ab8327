"""The shape of one rule: data plus two small functions, so the rule set reads as a table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from necessity.rules.enums import ConditionCode, Effect, Risk, Stage
from necessity.rules.facts import Facts

Context = TypeVar("Context")


@dataclass(frozen=True)
class ConditionSpec(Generic[Context]):
    code: ConditionCode
    text: Callable[[Context], str]
    # Conditions that concern particular data items name them, so the wizard can strike them through.
    item_codes: Callable[[Context], tuple[str, ...]] = lambda _context: ()


@dataclass(frozen=True)
class Rule(Generic[Context]):
    id: str
    effect: Effect
    citation: str
    # When the rule fires, in one line for docs/rules.md.
    when: str
    applies: Callable[[Context], bool]
    message: Callable[[Context], str]
    condition: ConditionSpec[Context] | None = None
    signoff: Stage | None = None


@dataclass(frozen=True)
class Routing:
    """What routing rules read: the facts plus what the decision rules concluded."""

    facts: Facts
    dpia_required: bool
    risk: Risk


@dataclass(frozen=True)
class RiskFactor:
    level: Risk
    applies: Callable[[Facts], bool]
    reason: Callable[[Facts], str]


FactRule = Rule[Facts]
FactCondition = ConditionSpec[Facts]
RoutingRule = Rule[Routing]
