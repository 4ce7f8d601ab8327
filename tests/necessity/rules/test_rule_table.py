"""Every rule, from a table: answers that make it fire, and near-miss answers that must not."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest

from necessity.rules import (
    DEFAULT_POLICY,
    Answers,
    Art6Condition,
    Art9Condition,
    ConfidentialityBasis,
    ConsentState,
    DataForm,
    Frequency,
    PoliceExemption,
    PoliceItemNecessity,
    Policy,
    PurposeCategory,
    assess,
)
from necessity.rules.table import ROUTING_RULES, RULES
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

Basis = ConfidentialityBasis


@dataclass(frozen=True)
class Case:
    rule_id: str
    name: str
    answers: Answers
    policy: Policy = field(default=DEFAULT_POLICY)


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def consent(state: ConsentState, on: datetime.date | None) -> dict[str, object]:
    return {"lawful_basis.consent": state, "lawful_basis.consent_date": on}


def objected(answers: Answers) -> Answers:
    return change(
        answers, {"lawful_basis.objections_raised": True, "lawful_basis.objection_details": "Objects."}
    )


def police_unneeded(*codes: str) -> Answers:
    answers = police()
    assert answers.police is not None
    necessity = tuple(PoliceItemNecessity(i.code, i.code not in codes) for i in answers.data.items)
    return change(answers, {"police.item_necessity": necessity})


def big_routine_special() -> Answers:
    return change(
        secondary(),
        {"purpose.frequency": Frequency.ROUTINE, "data.approximate_subject_count": 50_000},
    )


S251 = without_consent(secondary(), Basis.SECTION_251)
LEGAL_DUTY = without_consent(secondary(), Basis.LEGAL_DUTY_OR_COURT_ORDER)
SCREEN_ONE_OFF = Policy(screen_one_off_requests=True)

FIRES: tuple[Case, ...] = (
    Case("R-LAWFUL-ART6", "no art 6", change(direct_care(), {"lawful_basis.art6": Art6Condition.NONE})),
    Case(
        "R-LAWFUL-ART9",
        "special without art 9",
        change(direct_care(), {"lawful_basis.art9": Art9Condition.NONE}),
    ),
    Case(
        "R-CONF-NO-BASIS",
        "no basis",
        change(direct_care(), {"lawful_basis.confidentiality_basis": Basis.NONE}),
    ),
    Case(
        "R-CONF-NO-BASIS",
        "not_confidential claimed for confidential data",
        change(direct_care(), {"lawful_basis.confidentiality_basis": Basis.NOT_CONFIDENTIAL}),
    ),
    Case("R-CONF-IMPLIED-VALID", "referral agreed", direct_care()),
    Case(
        "R-CONF-IMPLIED-INVALID",
        "recipient not registered",
        change(direct_care(), {"legitimate_relationship.recipient_is_registered_professional": False}),
    ),
    Case(
        "R-CONF-IMPLIED-INVALID",
        "no criterion met",
        change(direct_care(), {"legitimate_relationship.agreed_to_referral": False}),
    ),
    Case(
        "R-CONF-IMPLIED-INVALID",
        "police request on implied consent",
        change(police(), {"lawful_basis.confidentiality_basis": Basis.IMPLIED_CONSENT}),
    ),
    Case("R-SECONDARY-USE", "planning without basis", without_consent(secondary(), Basis.NONE)),
    Case(
        "R-SECONDARY-USE",
        "research on implied consent",
        without_consent(secondary(PurposeCategory.RESEARCH), Basis.IMPLIED_CONSENT),
    ),
    Case(
        "R-PUBLIC-INTEREST",
        "planning in public interest",
        without_consent(secondary(), Basis.OVERRIDING_PUBLIC_INTEREST),
    ),
    Case("R-PUBLIC-INTEREST", "safeguarding in public interest", safeguarding(serious_harm=False)),
    Case("R-OPT-OUT", "planning on s251", S251),
    Case(
        "R-OPT-OUT",
        "research without basis",
        without_consent(secondary(PurposeCategory.RESEARCH), Basis.NONE),
    ),
    Case(
        "R-CONSENT-WITHDRAWN",
        "explicit consent withdrawn",
        change(secondary(), consent(ConsentState.WITHDRAWN, TODAY)),
    ),
    Case(
        "R-CONSENT-WITHDRAWN",
        "implied consent withdrawn",
        change(direct_care(), consent(ConsentState.WITHDRAWN, TODAY)),
    ),
    Case(
        "R-CONSENT-REFUSED",
        "explicit consent refused",
        change(secondary(), consent(ConsentState.REFUSED, TODAY)),
    ),
    Case(
        "R-CONSENT-MISSING",
        "explicit consent not sought",
        change(secondary(), consent(ConsentState.NOT_SOUGHT, None)),
    ),
    Case(
        "R-CONSENT-MISSING",
        "art 6(1)(a) but consent cannot be obtained",
        change(
            S251,
            {
                "lawful_basis.art6": Art6Condition.A_CONSENT,
                "lawful_basis.consent": ConsentState.CANNOT_BE_OBTAINED,
            },
        ),
    ),
    Case(
        "R-CONSENT-RECHECK",
        "consent 366 days old",
        change(secondary(), consent(ConsentState.GIVEN, days_ago(366))),
    ),
    Case(
        "R-CONSENT-RECHECK",
        "consent dated after today",
        change(secondary(), consent(ConsentState.GIVEN, TODAY + datetime.timedelta(days=1))),
    ),
    Case(
        "R-CONSENT-RECHECK",
        "stricter policy",
        change(secondary(), consent(ConsentState.GIVEN, days_ago(31))),
        Policy(consent_max_age_days=30),
    ),
    Case("R-OBJECTION", "objection under s251", objected(S251)),
    Case("R-OBJECTION", "refusal under s251", change(S251, consent(ConsentState.REFUSED, TODAY))),
    Case("R-OBJECTION", "objection despite consent", objected(secondary())),
    Case("R-OBJECTION-LEGAL-DUTY", "objection to a legal duty", objected(LEGAL_DUTY)),
    Case(
        "R-NEC-ANONYMISED",
        "anonymised would serve",
        change(direct_care(), {"necessity.anonymised_would_serve": True}),
    ),
    Case(
        "R-NEC-PSEUDONYMISED",
        "pseudonymised would serve",
        change(direct_care(), {"necessity.pseudonymised_would_serve": True}),
    ),
    Case(
        "R-MIN-NOTHING-NEEDED",
        "no essential item",
        change(direct_care(), {"data.items": (item("a", essential=False), item("b", essential=False))}),
    ),
    Case("R-MIN-NOTHING-NEEDED", "police need nothing", police_unneeded("patient_name", "admission_dates")),
    Case(
        "R-MIN-REMOVE-ITEMS",
        "one item not essential",
        change(direct_care(), {"data.items": (item("a"), item("b", essential=False))}),
    ),
    Case(
        "R-MIN-REMOVE-ITEMS",
        "anonymised data with a spare item",
        change(
            anonymised(),
            {"data.items": (item("a", identifying=False), item("b", identifying=False, essential=False))},
        ),
    ),
    Case(
        "R-MIN-ALTERNATIVE",
        "date of birth with age band",
        change(direct_care(), {"data.items": (item("date_of_birth", alternative="age band"),)}),
    ),
    Case(
        "R-ANON-IDENTIFYING-ITEMS",
        "postcode in anonymised data",
        change(anonymised(), {"data.items": (item("postcode"),)}),
    ),
    Case(
        "R-ANON-IDENTIFYING-ITEMS",
        "name in non-personal data",
        change(anonymised(DataForm.NON_PERSONAL), {"data.items": (item("name"),)}),
    ),
    Case(
        "R-PROPORTIONALITY",
        "not proportionate",
        change(direct_care(), {"proportionality.proportionate": False}),
    ),
    Case("R-SAFEGUARDING-SHARE-NOW", "serious harm", safeguarding()),
    Case("R-POLICE-NECESSARY-ONLY", "name not needed", police_unneeded("patient_name")),
    Case("R-POLICE-RECORD", "police request", police()),
    Case("R-POLICE-CALDICOTT", "patient information", police()),
    Case(
        "R-POLICE-CALDICOTT",
        "confidential data though police say otherwise",
        change(police(), {"police.involves_patient_information": False}),
    ),
    Case(
        "R-POLICE-EXEMPTION",
        "no exemption",
        change(police(), {"police.exemption_cited": PoliceExemption.NONE}),
    ),
    Case("R-TRANSFER-ENCRYPT", "not encrypted", change(direct_care(), {"transfer.encrypted": False})),
    Case(
        "R-TRANSFER-ENCRYPT", "anonymised not encrypted", change(anonymised(), {"transfer.encrypted": False})
    ),
    Case(
        "R-ONWARD-SHARING",
        "onward sharing",
        change(
            direct_care(), {"transfer.onward_sharing": True, "transfer.onward_sharing_details": "To the GP."}
        ),
    ),
    Case("R-ISA-REQUIRED", "routine", change(direct_care(), {"purpose.frequency": Frequency.ROUTINE})),
    Case("R-ISA-REQUIRED", "bulk", change(secondary(), {"purpose.frequency": Frequency.BULK})),
    Case(
        "R-ISA-EXISTING", "ISA covers it", change(direct_care(), {"transfer.existing_isa_reference": "ISA-7"})
    ),
    Case("R-DPIA-ROUTINE", "routine", change(direct_care(), {"purpose.frequency": Frequency.ROUTINE})),
    Case(
        "R-DPIA-LARGE-SCALE",
        "at the threshold",
        change(direct_care(), {"data.approximate_subject_count": DEFAULT_POLICY.large_scale_subject_count}),
    ),
    Case(
        "R-DPIA-SCREENING",
        "routine with a yes",
        change(
            direct_care(),
            {"purpose.frequency": Frequency.ROUTINE, "dpia_screening": screening("q1_personal_data")},
        ),
    ),
    Case(
        "R-DPIA-SCREENING",
        "one-off with intrusive technology",
        change(direct_care(), {"dpia_screening": screening("q7_intrusive_technology")}),
    ),
    Case(
        "R-DPIA-SCREENING",
        "one-off when the policy screens every request",
        change(direct_care(), {"dpia_screening": screening("q1_personal_data")}),
        SCREEN_ONE_OFF,
    ),
    Case(
        "R-CALDICOTT-UNCONFIRMED",
        "need to know not confirmed",
        change(direct_care(), {"caldicott": caldicott("p4_need_to_know")}),
    ),
    Case("R-ROUTE-DPO", "personal data", direct_care()),
    Case("R-ROUTE-DPO", "anonymised data", anonymised()),
    Case("R-ROUTE-CALDICOTT", "s251, no consent", S251),
    Case(
        "R-ROUTE-CALDICOTT",
        "implied consent outside direct care",
        change(police(), {"lawful_basis.confidentiality_basis": Basis.IMPLIED_CONSENT}),
    ),
    Case("R-ROUTE-SIRO", "routine special data at scale", big_routine_special()),
)

DOES_NOT_FIRE: tuple[Case, ...] = (
    Case("R-LAWFUL-ART6", "baseline", direct_care()),
    Case("R-LAWFUL-ART6", "anonymised data needs none", anonymised()),
    Case(
        "R-LAWFUL-ART6",
        "anonymised version would serve",
        change(
            direct_care(), {"lawful_basis.art6": Art6Condition.NONE, "necessity.anonymised_would_serve": True}
        ),
    ),
    Case("R-LAWFUL-ART9", "baseline", direct_care()),
    Case(
        "R-LAWFUL-ART9",
        "special item removed as not essential",
        change(
            direct_care(),
            {
                "lawful_basis.art9": Art9Condition.NONE,
                "data.items": (item("name"), item("notes", identifying=False, special=True, essential=False)),
            },
        ),
    ),
    Case(
        "R-CONF-NO-BASIS",
        "information not confidential",
        change(
            direct_care(),
            {
                "lawful_basis.confidentiality_basis": Basis.NONE,
                "data.confidential_patient_information": False,
            },
        ),
    ),
    Case(
        "R-CONF-NO-BASIS", "secondary use reports R-SECONDARY-USE", without_consent(secondary(), Basis.NONE)
    ),
    Case(
        "R-CONF-IMPLIED-VALID",
        "no criterion met",
        change(direct_care(), {"legitimate_relationship.agreed_to_referral": False}),
    ),
    Case(
        "R-CONF-IMPLIED-VALID", "consent refused", change(direct_care(), consent(ConsentState.REFUSED, TODAY))
    ),
    Case("R-CONF-IMPLIED-INVALID", "baseline", direct_care()),
    Case(
        "R-CONF-IMPLIED-INVALID",
        "secondary use reports R-SECONDARY-USE",
        without_consent(secondary(), Basis.IMPLIED_CONSENT),
    ),
    Case("R-SECONDARY-USE", "explicit consent", secondary()),
    Case("R-SECONDARY-USE", "s251 support", S251),
    Case("R-SECONDARY-USE", "legal duty", LEGAL_DUTY),
    Case(
        "R-SECONDARY-USE",
        "pseudonymised version would serve",
        change(without_consent(secondary(), Basis.NONE), {"necessity.pseudonymised_would_serve": True}),
    ),
    Case("R-PUBLIC-INTEREST", "police has its own rule", police()),
    Case(
        "R-PUBLIC-INTEREST",
        "not confidential",
        change(
            without_consent(secondary(), Basis.OVERRIDING_PUBLIC_INTEREST),
            {"data.confidential_patient_information": False},
        ),
    ),
    Case("R-OPT-OUT", "opt-out applied", change(S251, {"lawful_basis.national_data_opt_out_applied": True})),
    Case("R-OPT-OUT", "explicit consent", secondary()),
    Case("R-OPT-OUT", "legal duty", LEGAL_DUTY),
    Case(
        "R-OPT-OUT",
        "regulation is not research or planning",
        without_consent(secondary(PurposeCategory.REGULATION), Basis.SECTION_251),
    ),
    Case(
        "R-OPT-OUT",
        "pseudonymised, key kept",
        change(S251, {"necessity.pseudonymised_would_serve": True}),
    ),
    Case("R-CONSENT-WITHDRAWN", "baseline", secondary()),
    Case(
        "R-CONSENT-WITHDRAWN",
        "legal duty does not rely on consent",
        change(LEGAL_DUTY, consent(ConsentState.WITHDRAWN, TODAY)),
    ),
    Case(
        "R-CONSENT-REFUSED",
        "s251 does not rely on consent",
        change(S251, consent(ConsentState.REFUSED, TODAY)),
    ),
    Case("R-CONSENT-MISSING", "consent given", secondary()),
    Case("R-CONSENT-MISSING", "implied consent needs no recorded consent", direct_care()),
    Case("R-CONSENT-RECHECK", "30 days old", secondary()),
    Case(
        "R-CONSENT-RECHECK",
        "exactly the limit",
        change(secondary(), consent(ConsentState.GIVEN, days_ago(365))),
    ),
    Case(
        "R-CONSENT-RECHECK",
        "old consent not relied on",
        change(LEGAL_DUTY, {**consent(ConsentState.GIVEN, days_ago(900))}),
    ),
    Case("R-OBJECTION", "baseline", S251),
    Case("R-OBJECTION", "legal duty", objected(LEGAL_DUTY)),
    Case(
        "R-OBJECTION",
        "withdrawal already blocks",
        change(secondary(), consent(ConsentState.WITHDRAWN, TODAY)),
    ),
    Case("R-OBJECTION-LEGAL-DUTY", "s251", objected(S251)),
    Case("R-OBJECTION-LEGAL-DUTY", "no objection", LEGAL_DUTY),
    Case("R-NEC-ANONYMISED", "baseline", direct_care()),
    Case("R-NEC-ANONYMISED", "already anonymised", anonymised()),
    Case(
        "R-NEC-PSEUDONYMISED",
        "anonymised wins",
        change(
            direct_care(),
            {"necessity.anonymised_would_serve": True, "necessity.pseudonymised_would_serve": True},
        ),
    ),
    Case(
        "R-NEC-PSEUDONYMISED",
        "already pseudonymised",
        change(
            direct_care(),
            {
                "data.data_form": DataForm.PSEUDONYMISED,
                "data.recipient_can_reidentify": False,
                "necessity.pseudonymised_would_serve": True,
            },
        ),
    ),
    Case("R-MIN-NOTHING-NEEDED", "baseline", direct_care()),
    Case(
        "R-MIN-NOTHING-NEEDED",
        "non-personal data",
        change(
            anonymised(DataForm.NON_PERSONAL),
            {"data.items": (item("a", identifying=False, essential=False),)},
        ),
    ),
    Case("R-MIN-REMOVE-ITEMS", "baseline", direct_care()),
    Case(
        "R-MIN-REMOVE-ITEMS",
        "non-personal data",
        change(
            anonymised(DataForm.NON_PERSONAL),
            {"data.items": (item("a", identifying=False), item("b", identifying=False, essential=False))},
        ),
    ),
    Case(
        "R-MIN-ALTERNATIVE",
        "alternative on an item being removed",
        change(
            direct_care(),
            {"data.items": (item("name"), item("dob", essential=False, alternative="age band"))},
        ),
    ),
    Case(
        "R-MIN-ALTERNATIVE",
        "anonymised version would serve",
        change(
            direct_care(),
            {"data.items": (item("dob", alternative="age band"),), "necessity.anonymised_would_serve": True},
        ),
    ),
    Case("R-ANON-IDENTIFYING-ITEMS", "baseline", anonymised()),
    Case(
        "R-ANON-IDENTIFYING-ITEMS",
        "identifying item removed as not essential",
        change(
            anonymised(),
            {"data.items": (item("month", identifying=False), item("postcode", essential=False))},
        ),
    ),
    Case("R-PROPORTIONALITY", "baseline", direct_care()),
    Case(
        "R-PROPORTIONALITY",
        "anonymised version would serve",
        change(
            direct_care(), {"proportionality.proportionate": False, "necessity.anonymised_would_serve": True}
        ),
    ),
    Case("R-SAFEGUARDING-SHARE-NOW", "no serious harm", safeguarding(serious_harm=False)),
    Case("R-SAFEGUARDING-SHARE-NOW", "not safeguarding", direct_care()),
    Case("R-POLICE-NECESSARY-ONLY", "everything needed", police()),
    Case("R-POLICE-RECORD", "not police", direct_care()),
    Case(
        "R-POLICE-CALDICOTT",
        "no patient information",
        change(
            police(),
            {"police.involves_patient_information": False, "data.confidential_patient_information": False},
        ),
    ),
    Case("R-POLICE-EXEMPTION", "exemption cited", police()),
    Case(
        "R-POLICE-EXEMPTION",
        "legal duty",
        change(
            police(),
            {
                "police.exemption_cited": PoliceExemption.NONE,
                "lawful_basis.confidentiality_basis": Basis.LEGAL_DUTY_OR_COURT_ORDER,
            },
        ),
    ),
    Case("R-TRANSFER-ENCRYPT", "encrypted", direct_care()),
    Case(
        "R-TRANSFER-ENCRYPT",
        "non-personal",
        change(anonymised(DataForm.NON_PERSONAL), {"transfer.encrypted": False}),
    ),
    Case("R-ONWARD-SHARING", "no onward sharing", direct_care()),
    Case(
        "R-ISA-REQUIRED",
        "existing ISA",
        change(
            direct_care(),
            {"purpose.frequency": Frequency.ROUTINE, "transfer.existing_isa_reference": "ISA-7"},
        ),
    ),
    Case("R-ISA-REQUIRED", "one-off", direct_care()),
    Case(
        "R-ISA-REQUIRED", "routine anonymised", change(anonymised(), {"purpose.frequency": Frequency.ROUTINE})
    ),
    Case("R-ISA-EXISTING", "no ISA", direct_care()),
    Case("R-DPIA-ROUTINE", "one-off", direct_care()),
    Case(
        "R-DPIA-ROUTINE", "routine anonymised", change(anonymised(), {"purpose.frequency": Frequency.ROUTINE})
    ),
    Case(
        "R-DPIA-LARGE-SCALE",
        "just below the threshold",
        change(
            direct_care(), {"data.approximate_subject_count": DEFAULT_POLICY.large_scale_subject_count - 1}
        ),
    ),
    Case("R-DPIA-SCREENING", "all no", direct_care()),
    Case(
        "R-DPIA-SCREENING",
        "one-off with a routine yes",
        change(direct_care(), {"dpia_screening": screening("q1_personal_data", "q2_sensitive_data")}),
    ),
    Case("R-CALDICOTT-UNCONFIRMED", "all confirmed", direct_care()),
    Case(
        "R-CALDICOTT-UNCONFIRMED",
        "anonymised data",
        change(anonymised(), {"caldicott": caldicott("p4_need_to_know")}),
    ),
    Case("R-ROUTE-DPO", "non-personal data", anonymised(DataForm.NON_PERSONAL)),
    Case("R-ROUTE-CALDICOTT", "valid implied consent", direct_care()),
    Case("R-ROUTE-CALDICOTT", "explicit consent", secondary()),
    Case(
        "R-ROUTE-CALDICOTT",
        "pseudonymised, key kept",
        change(S251, {"necessity.pseudonymised_would_serve": True}),
    ),
    Case(
        "R-ROUTE-SIRO",
        "DPIA required but medium risk",
        change(secondary(), {"purpose.frequency": Frequency.ROUTINE}),
    ),
    Case("R-ROUTE-SIRO", "one-off and small", secondary()),
)

RULE_IDS = [rule.id for rule in RULES] + [rule.id for rule in ROUTING_RULES]
EFFECTS = {**{rule.id: rule.effect for rule in RULES}, **{rule.id: rule.effect for rule in ROUTING_RULES}}


def params(cases: tuple[Case, ...]) -> list[object]:
    return [pytest.param(case, id=f"{case.rule_id}: {case.name}") for case in cases]


@pytest.mark.parametrize("case", params(FIRES))
def test_rule_fires(case: Case) -> None:
    result = assess(case.answers, today=TODAY, policy=case.policy)

    assert case.rule_id in result.rule_ids
    fired = next(rule for rule in result.rules_fired if rule.rule_id == case.rule_id)
    assert fired.effect is EFFECTS[case.rule_id]
    assert fired.message.strip()
    assert fired.citation.strip()


@pytest.mark.parametrize("case", params(DOES_NOT_FIRE))
def test_rule_does_not_fire(case: Case) -> None:
    result = assess(case.answers, today=TODAY, policy=case.policy)

    assert case.rule_id not in result.rule_ids


def test_every_rule_has_cases_both_ways() -> None:
    assert {case.rule_id for case in FIRES} == set(RULE_IDS)
    assert {case.rule_id for case in DOES_NOT_FIRE} == set(RULE_IDS)


def test_rule_ids_are_unique() -> None:
    assert len(RULE_IDS) == len(set(RULE_IDS))


CONDITIONAL_RULES = {rule.id: rule.condition for rule in RULES if rule.condition is not None}


@pytest.mark.parametrize("case", params(tuple(case for case in FIRES if case.rule_id in CONDITIONAL_RULES)))
def test_a_rule_with_a_condition_adds_it_to_the_result(case: Case) -> None:
    result = assess(case.answers, today=TODAY, policy=case.policy)

    conditions = [condition for condition in result.conditions if condition.rule_id == case.rule_id]
    assert [condition.code for condition in conditions] == [CONDITIONAL_RULES[case.rule_id].code]
    assert conditions[0].text.strip()
