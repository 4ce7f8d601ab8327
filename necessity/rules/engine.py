"""``assess``: run the rule table over the answers and combine the effects into one result.

Precedence, highest first (docs/rules.md explains it to requesters):

1. ``share_now`` (safeguarding with risk of serious harm) wins over everything: the outcome is
   share_with_conditions, and any do_not_share or caldicott_decision finding is kept but marked
   ``overridden`` for the retrospective review [004 6.2]. Nothing may block or delay that disclosure.
2. do_not_share, if any rule says so.
3. caldicott_decision, if any rule refers the request to the Caldicott Guardian.
4. share_with_conditions, if any rule attached a condition.
5. share.
"""

from __future__ import annotations

import datetime
from typing import TypeVar

from necessity.rules.answers import Answers
from necessity.rules.enums import Effect, Outcome, Risk, Stage
from necessity.rules.facts import Facts, derive_facts
from necessity.rules.policy import DEFAULT_POLICY, Policy
from necessity.rules.result import Condition, FiredRule, Result
from necessity.rules.rule import Routing, Rule
from necessity.rules.table import RISK_FACTORS, ROUTING_RULES, RULES
from necessity.rules.validation import validate_answers
from necessity.rules.version import RULES_VERSION

Context = TypeVar("Context")

BLOCKING_EFFECTS = frozenset({Effect.DO_NOT_SHARE, Effect.CALDICOTT_DECISION})
RISK_ORDER = (Risk.LOW, Risk.MEDIUM, Risk.HIGH)
STAGE_ORDER = tuple(Stage)


def assess(
    answers: Answers,
    *,
    today: datetime.date,
    policy: Policy = DEFAULT_POLICY,
    recipient_assurance_lapsed: bool = False,
) -> Result:
    """Decide what may be shared, on what conditions and with whose sign-off.

    Pure and deterministic: the same answers, date, policy and recipient assurance always give the same
    result. ``recipient_assurance_lapsed`` is what the portal knows of the recipient (its DSPT not met
    or out of date, or its ICO registration expired); the answers do not carry it. Raises
    ``AnswersError`` when the answers are inconsistent (see ``validate_answers``).
    """
    validate_answers(answers)
    facts = derive_facts(answers, today, policy, recipient_assurance_lapsed=recipient_assurance_lapsed)
    decided = [rule for rule in RULES if rule.applies(facts)]
    share_now = any(rule.effect is Effect.SHARE_NOW for rule in decided)
    dpia_required = any(rule.effect is Effect.REQUIRE_DPIA for rule in decided)
    risk, risk_reasons = _risk(facts)
    routing = Routing(facts=facts, dpia_required=dpia_required, risk=risk)
    routed = [rule for rule in ROUTING_RULES if rule.applies(routing)]

    fired = tuple(_fire(rule, facts, share_now) for rule in decided) + tuple(
        _fire(rule, routing, share_now) for rule in routed
    )
    conditions = tuple(_conditions(decided, facts))
    stages = {rule.signoff for rule in decided if rule.signoff} | {
        rule.signoff for rule in routed if rule.signoff
    }

    return Result(
        outcome=_outcome(fired, conditions, share_now),
        rules_fired=fired,
        conditions=conditions,
        required_signoffs=tuple(stage for stage in STAGE_ORDER if stage in stages),
        dpia_required=dpia_required,
        isa_required=any(rule.effect is Effect.REQUIRE_ISA for rule in decided),
        risk=risk,
        risk_reasons=risk_reasons,
        short_path=not facts.personal,
        share_now=share_now,
        rules_version=RULES_VERSION,
    )


def _fire(rule: Rule[Context], context: Context, share_now: bool) -> FiredRule:
    return FiredRule(
        rule_id=rule.id,
        effect=rule.effect,
        message=rule.message(context),
        citation=rule.citation,
        overridden=share_now and rule.effect in BLOCKING_EFFECTS,
    )


def _conditions(decided: list[Rule[Facts]], facts: Facts) -> list[Condition]:
    return [
        Condition(
            code=rule.condition.code,
            text=rule.condition.text(facts),
            item_codes=rule.condition.item_codes(facts),
            rule_id=rule.id,
        )
        for rule in decided
        if rule.condition is not None
    ]


def _outcome(fired: tuple[FiredRule, ...], conditions: tuple[Condition, ...], share_now: bool) -> Outcome:
    effects = {rule.effect for rule in fired}
    if share_now:
        return Outcome.SHARE_WITH_CONDITIONS
    if Effect.DO_NOT_SHARE in effects:
        return Outcome.DO_NOT_SHARE
    if Effect.CALDICOTT_DECISION in effects:
        return Outcome.CALDICOTT_DECISION
    if conditions:
        return Outcome.SHARE_WITH_CONDITIONS
    return Outcome.SHARE


def _risk(facts: Facts) -> tuple[Risk, tuple[str, ...]]:
    present = [factor for factor in RISK_FACTORS if factor.applies(facts)]
    if not present:
        if facts.personal:
            return Risk.LOW, (
                "One-off sharing of personal data about few people, with no special category data and no "
                "confidential information shared without consent.",
            )
        return Risk.LOW, ("No information about identifiable people would leave.",)
    level = max((factor.level for factor in present), key=RISK_ORDER.index)
    return level, tuple(factor.reason(facts) for factor in present if factor.level is level)
