"""Properties that hold for every valid set of answers, checked with Hypothesis.

The invariants share a few ``@given`` tests because generating answers costs more than checking them.
"""

from __future__ import annotations

import datetime
import json

from hypothesis import given, settings

from necessity.rules import (
    Answers,
    Effect,
    Outcome,
    Policy,
    PurposeCategory,
    Risk,
    Stage,
    answer_errors,
    answers_from_dict,
    answers_to_dict,
    assess,
    result_from_dict,
    result_to_dict,
)
from tests.necessity.rules.strategies import answers, dates, policies

# No example database: it would be written outside this package's directories.
examples = settings(max_examples=200, database=None, deadline=None)

REASONS_FOR = {
    Outcome.DO_NOT_SHARE: {Effect.DO_NOT_SHARE},
    Outcome.CALDICOTT_DECISION: {Effect.CALDICOTT_DECISION},
    Outcome.SHARE_WITH_CONDITIONS: {Effect.CONDITION, Effect.SHARE_NOW},
}


@examples
@given(answers(), dates, policies)
def test_every_assessment_is_explained_routed_and_serialisable(
    generated: Answers, today: datetime.date, policy: Policy
) -> None:
    result = assess(generated, today=today, policy=policy)

    # Every outcome but "share" has at least one reason of its own kind.
    if result.outcome is not Outcome.SHARE:
        effects = {rule.effect for rule in result.rules_fired if not rule.overridden}
        assert effects & REASONS_FOR[result.outcome]
    if result.outcome is Outcome.SHARE_WITH_CONDITIONS:
        assert result.conditions
    assert all(rule.message.strip() and rule.citation.strip() for rule in result.rules_fired)

    # Routing follows from the findings.
    if result.outcome is Outcome.CALDICOTT_DECISION:
        assert Stage.CALDICOTT_GUARDIAN in result.required_signoffs
    if result.dpia_required and (policy.siro_signs_every_dpia or result.risk is Risk.HIGH):
        assert Stage.SIRO in result.required_signoffs
    if result.short_path:
        assert set(result.required_signoffs) <= {Stage.IG_DPO}
        assert result.risk is Risk.LOW
        assert not result.isa_required
    assert list(result.required_signoffs) == sorted(set(result.required_signoffs), key=list(Stage).index)

    # Conditions name only items of this request.
    codes = {item.code for item in generated.data.items}
    assert all(set(condition.item_codes) <= codes for condition in result.conditions)

    # The stored snapshot reads back as the same result.
    assert result_from_dict(json.loads(json.dumps(result_to_dict(result)))) == result


@examples
@given(answers(category=PurposeCategory.SAFEGUARDING, at_risk=True), dates, policies)
def test_safeguarding_at_risk_of_harm_is_never_blocked(
    generated: Answers, today: datetime.date, policy: Policy
) -> None:
    result = assess(generated, today=today, policy=policy)

    assert result.outcome is Outcome.SHARE_WITH_CONDITIONS
    assert result.share_now
    blocking = [
        rule for rule in result.rules_fired if rule.effect in {Effect.DO_NOT_SHARE, Effect.CALDICOTT_DECISION}
    ]
    assert all(rule.overridden for rule in blocking)


@examples
@given(answers())
def test_answers_are_valid_and_round_trip_through_json(generated: Answers) -> None:
    assert answer_errors(generated) == []

    document = json.loads(json.dumps(answers_to_dict(generated)))

    assert answers_from_dict(document) == generated
    assert answers_to_dict(answers_from_dict(document)) == document
