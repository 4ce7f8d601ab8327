"""What the engine returns: an outcome with its reasons, conditions, sign-offs and flags."""

from __future__ import annotations

from dataclasses import dataclass

from necessity.rules.enums import ConditionCode, Effect, Outcome, Risk, Stage


@dataclass(frozen=True)
class FiredRule:
    rule_id: str
    effect: Effect
    message: str
    citation: str
    # True when a safeguarding "share now" decision set this rule's blocking effect aside; the finding
    # stays on record for the retrospective review.
    overridden: bool


@dataclass(frozen=True)
class Condition:
    code: ConditionCode
    text: str
    item_codes: tuple[str, ...]
    rule_id: str


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    rules_fired: tuple[FiredRule, ...]
    conditions: tuple[Condition, ...]
    required_signoffs: tuple[Stage, ...]
    dpia_required: bool
    isa_required: bool
    risk: Risk
    risk_reasons: tuple[str, ...]
    # The information that would leave is anonymised or not about people: a short review path.
    short_path: bool
    # Safeguarding with risk of serious harm: disclose without waiting; sign-offs review it afterwards.
    share_now: bool
    rules_version: str

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(rule.rule_id for rule in self.rules_fired)
