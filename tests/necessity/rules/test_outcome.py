"""How fired rules combine: outcome precedence, the safeguarding override, routing, risk and flags."""

from __future__ import annotations

import pytest

from necessity.rules import (
    RULES_VERSION,
    Answers,
    AnswersError,
    Art6Condition,
    ConfidentialityBasis,
    DataForm,
    Effect,
    Frequency,
    Outcome,
    PoliceExemption,
    Risk,
    Stage,
    assess,
)
from tests.necessity.rules.builders import (
    TODAY,
    anonymised,
    caldicott,
    change,
    direct_care,
    item,
    police,
    safeguarding,
    screening,
    secondary,
    without_consent,
)


def outcome_of(answers: Answers) -> Outcome:
    return assess(answers, today=TODAY).outcome


def test_clean_direct_care_referral_is_shared() -> None:
    result = assess(direct_care(), today=TODAY)

    assert result.outcome is Outcome.SHARE
    assert result.conditions == ()
    assert result.required_signoffs == (Stage.IG_DPO,)
    assert not result.dpia_required
    assert not result.isa_required
    assert not result.share_now
    assert not result.short_path
    assert result.rules_version == RULES_VERSION


def test_a_condition_alone_gives_share_with_conditions() -> None:
    assert outcome_of(change(direct_care(), {"transfer.encrypted": False})) is Outcome.SHARE_WITH_CONDITIONS


def test_caldicott_decision_outranks_conditions() -> None:
    answers = change(police(), {"police.exemption_cited": PoliceExemption.NONE})

    assert outcome_of(answers) is Outcome.CALDICOTT_DECISION


def test_do_not_share_outranks_caldicott_decision_and_conditions() -> None:
    answers = change(police(), {"lawful_basis.art6": Art6Condition.NONE, "transfer.encrypted": False})
    result = assess(answers, today=TODAY)

    assert {rule.effect for rule in result.rules_fired} >= {Effect.DO_NOT_SHARE, Effect.CALDICOTT_DECISION}
    assert result.outcome is Outcome.DO_NOT_SHARE


def test_conditions_are_kept_when_the_outcome_is_do_not_share() -> None:
    answers = change(direct_care(), {"lawful_basis.art6": Art6Condition.NONE, "transfer.encrypted": False})
    result = assess(answers, today=TODAY)

    assert result.outcome is Outcome.DO_NOT_SHARE
    assert [condition.code.value for condition in result.conditions] == ["encrypt"]


def test_safeguarding_at_risk_of_harm_is_shared_now_even_without_a_lawful_basis() -> None:
    answers = change(
        safeguarding(),
        {"lawful_basis.art6": Art6Condition.NONE, "proportionality.proportionate": False},
    )
    result = assess(answers, today=TODAY)

    assert result.outcome is Outcome.SHARE_WITH_CONDITIONS
    assert result.share_now
    overridden = {rule.rule_id for rule in result.rules_fired if rule.overridden}
    assert overridden == {"R-LAWFUL-ART6", "R-PROPORTIONALITY", "R-PUBLIC-INTEREST"}
    assert "record_and_review" in [condition.code.value for condition in result.conditions]


def test_safeguarding_keeps_its_sign_offs_for_the_retrospective_review() -> None:
    result = assess(safeguarding(), today=TODAY)

    assert result.required_signoffs == (Stage.IG_DPO, Stage.CALDICOTT_GUARDIAN)


def test_safeguarding_with_nobody_at_risk_follows_the_normal_precedence() -> None:
    result = assess(safeguarding(at_risk=False), today=TODAY)

    assert result.outcome is Outcome.CALDICOTT_DECISION
    assert not result.share_now
    assert not any(rule.overridden for rule in result.rules_fired)


def test_only_blocking_findings_are_marked_overridden() -> None:
    answers = change(safeguarding(), {"transfer.encrypted": False})
    result = assess(answers, today=TODAY)

    encrypt = next(rule for rule in result.rules_fired if rule.rule_id == "R-TRANSFER-ENCRYPT")
    assert not encrypt.overridden


def test_sign_offs_come_in_stage_order() -> None:
    answers = change(
        without_consent(secondary(), ConfidentialityBasis.SECTION_251),
        {"purpose.frequency": Frequency.BULK, "lawful_basis.national_data_opt_out_applied": True},
    )
    result = assess(answers, today=TODAY)

    assert result.required_signoffs == (Stage.IG_DPO, Stage.CALDICOTT_GUARDIAN, Stage.SIRO)


def test_every_isa_goes_to_the_caldicott_guardian() -> None:
    result = assess(change(secondary(), {"purpose.frequency": Frequency.ROUTINE}), today=TODAY)

    assert result.isa_required
    assert Stage.CALDICOTT_GUARDIAN in result.required_signoffs


def test_an_unconfirmed_principle_goes_to_the_caldicott_guardian() -> None:
    result = assess(change(direct_care(), {"caldicott": caldicott("p6_comply_with_law")}), today=TODAY)

    assert result.outcome is Outcome.SHARE_WITH_CONDITIONS
    assert Stage.CALDICOTT_GUARDIAN in result.required_signoffs


def test_existing_isa_covers_a_routine_flow() -> None:
    answers = change(
        secondary(), {"purpose.frequency": Frequency.ROUTINE, "transfer.existing_isa_reference": "ISA-9"}
    )
    result = assess(answers, today=TODAY)

    assert not result.isa_required
    assert "R-ISA-EXISTING" in result.rule_ids
    assert result.dpia_required


@pytest.mark.parametrize(
    ("answers", "stages"),
    [
        pytest.param(anonymised(), (Stage.IG_DPO,), id="anonymised: IG confirms anonymisation"),
        pytest.param(anonymised(DataForm.NON_PERSONAL), (), id="non-personal: no sign-off"),
    ],
)
def test_short_path(answers: Answers, stages: tuple[Stage, ...]) -> None:
    result = assess(answers, today=TODAY)

    assert result.short_path
    assert result.required_signoffs == stages
    assert result.risk is Risk.LOW
    assert result.outcome is Outcome.SHARE


def test_identifiable_request_answered_by_anonymised_data_takes_the_short_path() -> None:
    answers = change(
        without_consent(secondary(), ConfidentialityBasis.NONE),
        {"necessity.anonymised_would_serve": True, "data.approximate_subject_count": 100_000},
    )
    result = assess(answers, today=TODAY)

    assert result.short_path
    assert result.outcome is Outcome.SHARE_WITH_CONDITIONS
    assert result.required_signoffs == (Stage.IG_DPO,)
    assert [condition.code.value for condition in result.conditions] == ["send_anonymised"]
    assert result.conditions[0].item_codes == ("nhs_number",)


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        pytest.param(
            change(direct_care(), {"data.items": (item("name"),)}), Risk.LOW, id="one-off, not special"
        ),
        pytest.param(direct_care(), Risk.MEDIUM, id="special category"),
        pytest.param(
            without_consent(secondary(), ConfidentialityBasis.SECTION_251), Risk.MEDIUM, id="no consent"
        ),
        pytest.param(
            change(secondary(), {"purpose.frequency": Frequency.BULK}),
            Risk.HIGH,
            id="special category in bulk",
        ),
        pytest.param(
            change(direct_care(), {"dpia_screening": screening("q8_significant_decisions")}),
            Risk.HIGH,
            id="significant automated decisions",
        ),
    ],
)
def test_risk(answers: Answers, risk: Risk) -> None:
    result = assess(answers, today=TODAY)

    assert result.risk is risk
    assert result.risk_reasons


def test_rules_are_reported_in_table_order_with_routing_last() -> None:
    result = assess(police(), today=TODAY)

    assert result.rule_ids == ("R-POLICE-RECORD", "R-POLICE-CALDICOTT", "R-ROUTE-DPO", "R-ROUTE-CALDICOTT")


def test_assess_is_deterministic() -> None:
    answers = change(safeguarding(), {"transfer.encrypted": False})

    assert assess(answers, today=TODAY) == assess(answers, today=TODAY)


def test_assess_rejects_inconsistent_answers() -> None:
    answers = change(direct_care(), {"police": police().police})

    with pytest.raises(AnswersError) as raised:
        assess(answers, today=TODAY)

    assert ("$.police", "must be null unless purpose.category is police_crime") in raised.value.errors
