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
    Capacity,
    CareTeamRole,
    ConfidentialityBasis,
    ConsentDecider,
    ConsentState,
    CrimeSeriousness,
    DataForm,
    Frequency,
    InternationalSafeguard,
    PoliceExemption,
    PoliceItemNecessity,
    Policy,
    PurposeCategory,
    TransferMethod,
    assess,
)
from necessity.rules.table import ROUTING_RULES, RULES
from tests.necessity.rules.builders import (
    TODAY,
    anonymised,
    caldicott,
    carer,
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
    # Not an answer: what the portal knows of the recipient, handed to the engine beside the answers.
    recipient_assurance_lapsed: bool = False


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def consent(
    state: ConsentState, on: datetime.date | None, by: ConsentDecider = ConsentDecider.THE_PERSON
) -> dict[str, object]:
    return {
        "lawful_basis.consent": state,
        "lawful_basis.consent_date": on,
        "lawful_basis.consent_decided_by": by if on is not None else None,
    }


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
SIRO_FOR_HIGH_RISK_ONLY = Policy(siro_signs_every_dpia=False)
# A discharge to a care home: care staff who are not registered, safeguards confirmed.
CARE_HOME = change(
    direct_care(),
    {
        "legitimate_relationship.recipient_role": CareTeamRole.UNREGISTERED_CARE_STAFF,
        "legitimate_relationship.safeguards_in_place": True,
        "legitimate_relationship.accepted_service": True,
    },
)
# A carer of a person who lacks capacity, nobody holding authority, every [003] criterion met.
CARER = without_consent(direct_care(), Basis.BEST_INTERESTS, Capacity.LACKS_CAPACITY_NO_ONE_WITH_AUTHORITY)
DECEASED = change(secondary(), {"data.deceased": True})
AHRA = change(
    without_consent(secondary(PurposeCategory.LEGAL_PROCEEDINGS), Basis.ACCESS_TO_HEALTH_RECORDS_ACT),
    {"data.deceased": True},
)
OVERSEAS = {"transfer.outside_uk": True, "transfer.destination_country": "United States"}
PROCESSOR = {"purpose.recipient_is_processor": True}


def one_off_screened(*yes: str) -> Answers:
    return change(direct_care(), {"dpia_screening": screening(*yes)})


def sent_by(method: TransferMethod) -> Answers:
    return change(direct_care(), {"transfer.method": method, "transfer.encrypted": None})


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
        "recipient not in the care team",
        change(direct_care(), {"legitimate_relationship.recipient_role": CareTeamRole.NOT_IN_CARE_TEAM}),
    ),
    Case("R-CONF-IMPLIED-INVALID", "the person objected", objected(direct_care())),
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
    Case("R-PUBLIC-INTEREST", "safeguarding in public interest", safeguarding(at_risk=False)),
    Case("R-OPT-OUT", "planning on s251", S251),
    Case(
        "R-OPT-OUT",
        "research without basis",
        without_consent(secondary(PurposeCategory.RESEARCH), Basis.NONE),
    ),
    Case(
        "R-OPT-OUT",
        "pseudonymised with the key kept: opted-out people go before pseudonymisation",
        change(S251, {"necessity.pseudonymised_would_serve": True}),
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
        change(secondary(), {"necessity.anonymised_would_serve": True}),
    ),
    Case(
        "R-NEC-PSEUDONYMISED",
        "pseudonymised would serve",
        change(secondary(), {"necessity.pseudonymised_would_serve": True}),
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
        "date of birth with age band, for planning",
        change(secondary(), {"data.items": (item("date_of_birth", alternative="age band"),)}),
    ),
    Case(
        "R-DECLARED-FORM-IDENTIFIERS",
        "postcode in anonymised data",
        change(anonymised(), {"data.items": (item("postcode"),)}),
    ),
    Case(
        "R-DECLARED-FORM-IDENTIFIERS",
        "name in non-personal data",
        change(anonymised(DataForm.NON_PERSONAL), {"data.items": (item("name"),)}),
    ),
    Case(
        "R-DECLARED-FORM-IDENTIFIERS",
        "full postcode and date of birth in pseudonymised data",
        change(
            S251,
            {
                "data.data_form": DataForm.PSEUDONYMISED,
                "data.recipient_can_reidentify": False,
                "data.items": (item("postcode"), item("date_of_birth", alternative="age band")),
            },
        ),
    ),
    Case(
        "R-PROPORTIONALITY",
        "not proportionate",
        change(direct_care(), {"proportionality.proportionate": False}),
    ),
    Case("R-SAFEGUARDING-SHARE-NOW", "at risk of harm (neglect)", safeguarding()),
    Case("R-POLICE-NECESSARY-ONLY", "name not needed", police_unneeded("patient_name")),
    Case("R-POLICE-RECORD", "police request", police()),
    Case(
        "R-POLICE-NOT-SERIOUS",
        "minor offence",
        change(police(), {"police.seriousness": CrimeSeriousness.NOT_SERIOUS}),
    ),
    Case("R-LEGAL-DUTY", "court order", LEGAL_DUTY),
    Case(
        "R-LEGAL-DUTY",
        "road traffic act notice from the police",
        without_consent(police(), Basis.LEGAL_DUTY_OR_COURT_ORDER),
    ),
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
    Case("R-RECIPIENT-ASSURANCE", "direct care, lapsed", direct_care(), recipient_assurance_lapsed=True),
    Case("R-RECIPIENT-ASSURANCE", "secondary use, lapsed", secondary(), recipient_assurance_lapsed=True),
    Case("R-ISA-REQUIRED", "routine", change(direct_care(), {"purpose.frequency": Frequency.ROUTINE})),
    Case("R-ISA-REQUIRED", "bulk", change(secondary(), {"purpose.frequency": Frequency.BULK})),
    Case("R-TRANSFER-VERIFY", "telephone", sent_by(TransferMethod.TELEPHONE)),
    Case("R-TRANSFER-VERIFY", "post", sent_by(TransferMethod.POST)),
    Case("R-TRANSFER-VERIFY", "hand delivery", sent_by(TransferMethod.HAND_DELIVERY)),
    Case("R-TRANSFER-VERIFY", "in person", sent_by(TransferMethod.VERBAL_IN_PERSON)),
    Case(
        "R-INTERNATIONAL-NO-SAFEGUARD",
        "no safeguard",
        change(secondary(), {**OVERSEAS, "transfer.international_safeguard": InternationalSafeguard.NONE}),
    ),
    Case(
        "R-INTERNATIONAL",
        "IDTA",
        change(secondary(), {**OVERSEAS, "transfer.international_safeguard": InternationalSafeguard.IDTA}),
    ),
    Case("R-PROCESSOR-CONTRACT", "processor without a contract", change(secondary(), PROCESSOR)),
    Case("R-DPIA-ONE-OFF", "one-off with yes to question 1", one_off_screened("q1_personal_data")),
    Case(
        "R-PAPERWORK-FIRST",
        "routine flow without its DPIA and ISA",
        change(direct_care(), {"purpose.frequency": Frequency.ROUTINE}),
    ),
    Case(
        "R-PAPERWORK-FIRST",
        "ISA in place, DPIA not",
        change(
            direct_care(),
            {"purpose.frequency": Frequency.ROUTINE, "transfer.existing_isa_reference": "ISA-7"},
        ),
    ),
    Case("R-DECEASED", "deceased", DECEASED),
    Case("R-DECEASED-AHRA", "personal representative", AHRA),
    Case("R-DIRECT-CARE-IDENTIFIERS", "referral", direct_care()),
    Case("R-CONF-IMPLIED-VALID", "discharge to a care home", CARE_HOME),
    Case(
        "R-CARE-TEAM-SAFEGUARDS",
        "care home, safeguards not confirmed",
        change(CARE_HOME, {"legitimate_relationship.safeguards_in_place": False}),
    ),
    Case(
        "R-CONSENT-AUTHORITY",
        "parent consents for a Gillick competent child",
        change(
            secondary(),
            {
                "lawful_basis.capacity": Capacity.COMPETENT_CHILD,
                "lawful_basis.consent_decided_by": ConsentDecider.PARENTAL_RESPONSIBILITY,
            },
        ),
    ),
    Case(
        "R-CONSENT-AUTHORITY",
        "family consents for an adult without capacity and no attorney",
        change(
            secondary(),
            {
                "lawful_basis.capacity": Capacity.LACKS_CAPACITY_NO_ONE_WITH_AUTHORITY,
                "lawful_basis.consent_decided_by": ConsentDecider.THE_PERSON,
            },
        ),
    ),
    Case("R-BEST-INTERESTS", "carer, every criterion met", CARER),
    Case(
        "R-BEST-INTERESTS-INVALID",
        "an attorney holds authority",
        change(CARER, {"lawful_basis.capacity": Capacity.LACKS_CAPACITY_WITH_ATTORNEY_OR_DEPUTY}),
    ),
    Case(
        "R-CARER-CRITERIA",
        "contra-indication in the record",
        change(CARER, {"best_interests": carer("no_contra_indications_in_record")}),
    ),
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
    Case(
        "R-ROUTE-SIRO",
        "every DPIA, medium risk",
        change(secondary(), {"purpose.frequency": Frequency.ROUTINE}),
    ),
    Case(
        "R-ROUTE-SIRO",
        "high risk when the policy asks only then",
        big_routine_special(),
        SIRO_FOR_HIGH_RISK_ONLY,
    ),
)

DOES_NOT_FIRE: tuple[Case, ...] = (
    Case("R-RECIPIENT-ASSURANCE", "assurance current", direct_care()),
    Case("R-RECIPIENT-ASSURANCE", "anonymised, lapsed", anonymised(), recipient_assurance_lapsed=True),
    Case("R-LAWFUL-ART6", "baseline", direct_care()),
    Case("R-LAWFUL-ART6", "anonymised data needs none", anonymised()),
    Case(
        "R-LAWFUL-ART6",
        "anonymised version would serve",
        change(
            secondary(), {"lawful_basis.art6": Art6Condition.NONE, "necessity.anonymised_would_serve": True}
        ),
    ),
    Case(
        "R-LAWFUL-ART6",
        "the people concerned have died",
        change(DECEASED, {"lawful_basis.art6": Art6Condition.NONE}),
    ),
    Case("R-LAWFUL-ART9", "baseline", direct_care()),
    Case(
        "R-LAWFUL-ART9",
        "the people concerned have died",
        change(DECEASED, {"lawful_basis.art9": Art9Condition.NONE}),
    ),
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
    Case("R-CONF-IMPLIED-INVALID", "unregistered care staff in the care team", CARE_HOME),
    Case("R-CONF-IMPLIED-VALID", "objection ends implied consent", objected(direct_care())),
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
        "anonymised or aggregated would serve",
        change(S251, {"necessity.anonymised_would_serve": True}),
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
    Case("R-OBJECTION", "objection to implied consent is R-CONF-IMPLIED-INVALID", objected(direct_care())),
    Case("R-OBJECTION", "legal duty", objected(LEGAL_DUTY)),
    Case(
        "R-OBJECTION",
        "withdrawal already blocks",
        change(secondary(), consent(ConsentState.WITHDRAWN, TODAY)),
    ),
    Case("R-OBJECTION-LEGAL-DUTY", "s251", objected(S251)),
    Case("R-OBJECTION-LEGAL-DUTY", "no objection", LEGAL_DUTY),
    Case("R-NEC-ANONYMISED", "baseline", secondary()),
    Case("R-NEC-ANONYMISED", "already anonymised", anonymised()),
    Case(
        "R-NEC-PSEUDONYMISED",
        "anonymised wins",
        change(
            secondary(),
            {"necessity.anonymised_would_serve": True, "necessity.pseudonymised_would_serve": True},
        ),
    ),
    Case(
        "R-NEC-PSEUDONYMISED",
        "already pseudonymised",
        change(
            secondary(),
            {
                "data.data_form": DataForm.PSEUDONYMISED,
                "data.recipient_can_reidentify": False,
                "data.items": (item("pseudonym", identifying=False), item("diagnosis", identifying=False)),
                "necessity.pseudonymised_would_serve": True,
            },
        ),
    ),
    Case("R-NEC-PSEUDONYMISED", "direct care is for named people", direct_care()),
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
            secondary(),
            {"data.items": (item("name"), item("dob", essential=False, alternative="age band"))},
        ),
    ),
    Case(
        "R-MIN-ALTERNATIVE",
        "anonymised version would serve",
        change(
            secondary(),
            {"data.items": (item("dob", alternative="age band"),), "necessity.anonymised_would_serve": True},
        ),
    ),
    Case(
        "R-MIN-ALTERNATIVE",
        "declared pseudonymised: R-DECLARED-FORM-IDENTIFIERS names the alternative",
        change(
            S251,
            {
                "data.data_form": DataForm.PSEUDONYMISED,
                "data.recipient_can_reidentify": False,
                "data.items": (item("postcode"), item("date_of_birth", alternative="age band")),
            },
        ),
    ),
    Case(
        "R-MIN-ALTERNATIVE",
        "direct care keeps the date of birth",
        change(direct_care(), {"data.items": (item("date_of_birth", alternative="age band"),)}),
    ),
    Case("R-DECLARED-FORM-IDENTIFIERS", "baseline", anonymised()),
    Case("R-DECLARED-FORM-IDENTIFIERS", "identifiable data says what it is", direct_care()),
    Case(
        "R-DECLARED-FORM-IDENTIFIERS",
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
            secondary(), {"proportionality.proportionate": False, "necessity.anonymised_would_serve": True}
        ),
    ),
    Case("R-SAFEGUARDING-SHARE-NOW", "nobody at risk of harm", safeguarding(at_risk=False)),
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
    Case(
        "R-POLICE-CALDICOTT",
        "legal duty: the Guardian is told, not asked",
        without_consent(police(), Basis.LEGAL_DUTY_OR_COURT_ORDER),
    ),
    Case("R-POLICE-NOT-SERIOUS", "serious crime", police()),
    Case(
        "R-POLICE-NOT-SERIOUS",
        "minor offence under a legal duty",
        change(
            without_consent(police(), Basis.LEGAL_DUTY_OR_COURT_ORDER),
            {"police.seriousness": CrimeSeriousness.NOT_SERIOUS},
        ),
    ),
    Case("R-LEGAL-DUTY", "s251 is not a duty", S251),
    Case("R-POLICE-EXEMPTION", "exemption cited", police()),
    Case(
        "R-POLICE-EXEMPTION",
        "legal duty",
        change(
            without_consent(police(), Basis.LEGAL_DUTY_OR_COURT_ORDER),
            {"police.exemption_cited": PoliceExemption.NONE},
        ),
    ),
    Case("R-TRANSFER-ENCRYPT", "encrypted", direct_care()),
    Case(
        "R-TRANSFER-ENCRYPT",
        "non-personal",
        change(anonymised(DataForm.NON_PERSONAL), {"transfer.encrypted": False}),
    ),
    Case("R-ONWARD-SHARING", "no onward sharing", direct_care()),
    Case("R-TRANSFER-ENCRYPT", "telephone has other safeguards", sent_by(TransferMethod.TELEPHONE)),
    Case("R-TRANSFER-VERIFY", "secure email", direct_care()),
    Case(
        "R-TRANSFER-VERIFY",
        "non-personal by post",
        change(
            anonymised(DataForm.NON_PERSONAL),
            {"transfer.method": TransferMethod.POST, "transfer.encrypted": None},
        ),
    ),
    Case("R-INTERNATIONAL-NO-SAFEGUARD", "stays in the UK", secondary()),
    Case(
        "R-INTERNATIONAL-NO-SAFEGUARD",
        "adequacy regulations",
        change(
            secondary(),
            {**OVERSEAS, "transfer.international_safeguard": InternationalSafeguard.ADEQUACY_REGULATION},
        ),
    ),
    Case("R-INTERNATIONAL", "stays in the UK", secondary()),
    Case(
        "R-INTERNATIONAL",
        "no safeguard is R-INTERNATIONAL-NO-SAFEGUARD",
        change(secondary(), {**OVERSEAS, "transfer.international_safeguard": InternationalSafeguard.NONE}),
    ),
    Case("R-PROCESSOR-CONTRACT", "a partner, not a processor", secondary()),
    Case(
        "R-PROCESSOR-CONTRACT",
        "contract in place",
        change(secondary(), {**PROCESSOR, "transfer.processing_contract_reference": "DPC-3"}),
    ),
    Case(
        "R-ISA-REQUIRED",
        "a processor needs a contract, not an ISA",
        change(secondary(), {**PROCESSOR, "purpose.frequency": Frequency.ROUTINE}),
    ),
    Case("R-DPIA-ONE-OFF", "no yes", direct_care()),
    Case(
        "R-DPIA-ONE-OFF",
        "routine: every yes counts",
        change(one_off_screened("q1_personal_data"), {"purpose.frequency": Frequency.ROUTINE}),
    ),
    Case(
        "R-DPIA-ONE-OFF",
        "the policy screens one-off requests",
        one_off_screened("q1_personal_data"),
        SCREEN_ONE_OFF,
    ),
    Case("R-PAPERWORK-FIRST", "one-off, no DPIA needed", direct_care()),
    Case(
        "R-PAPERWORK-FIRST",
        "DPIA and ISA both in place",
        change(
            direct_care(),
            {
                "purpose.frequency": Frequency.ROUTINE,
                "transfer.existing_isa_reference": "ISA-7",
                "transfer.existing_dpia_reference": "DPIA-2",
            },
        ),
    ),
    Case(
        "R-PAPERWORK-FIRST",
        "safeguarding shares now",
        change(safeguarding(), {"purpose.frequency": Frequency.ROUTINE}),
    ),
    Case("R-DECEASED", "living people", secondary()),
    Case("R-DECEASED-AHRA", "living people, explicit consent", secondary()),
    Case("R-DECEASED-AHRA", "deceased, under a court order", change(LEGAL_DUTY, {"data.deceased": True})),
    Case("R-DIRECT-CARE-IDENTIFIERS", "planning", secondary()),
    Case("R-CARE-TEAM-SAFEGUARDS", "safeguards confirmed", CARE_HOME),
    Case("R-CARE-TEAM-SAFEGUARDS", "registered professional", direct_care()),
    Case("R-CONSENT-AUTHORITY", "the person consents", secondary()),
    Case(
        "R-CONSENT-AUTHORITY",
        "parents consent for a class of children: checked in the records, not by the engine",
        change(
            secondary(),
            {
                "lawful_basis.capacity": Capacity.MANY_PEOPLE,
                "lawful_basis.consent_decided_by": ConsentDecider.PARENTAL_RESPONSIBILITY,
            },
        ),
    ),
    Case(
        "R-CONSENT-AUTHORITY",
        "attorney consents for an adult who lacks capacity",
        change(
            secondary(),
            {
                "lawful_basis.capacity": Capacity.LACKS_CAPACITY_WITH_ATTORNEY_OR_DEPUTY,
                "lawful_basis.consent_decided_by": ConsentDecider.HEALTH_WELFARE_ATTORNEY,
            },
        ),
    ),
    Case(
        "R-CONSENT-AUTHORITY",
        "parent consents for a child who is not Gillick competent",
        change(
            secondary(),
            {
                "lawful_basis.capacity": Capacity.CHILD_NOT_COMPETENT,
                "lawful_basis.consent_decided_by": ConsentDecider.PARENTAL_RESPONSIBILITY,
            },
        ),
    ),
    Case("R-BEST-INTERESTS", "implied consent", direct_care()),
    Case(
        "R-BEST-INTERESTS",
        "a criterion unmet",
        change(CARER, {"best_interests": carer("no_safeguarding_issues")}),
    ),
    Case("R-BEST-INTERESTS-INVALID", "lacks capacity, nobody with authority", CARER),
    Case("R-CARER-CRITERIA", "every criterion met", CARER),
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
        "anonymised one-off with intrusive technology: no personal data, no DPIA",
        change(anonymised(), {"dpia_screening": screening("q7_intrusive_technology")}),
    ),
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
    Case("R-ROUTE-CALDICOTT", "legal duty: the Guardian is informed", LEGAL_DUTY),
    Case("R-ROUTE-CALDICOTT", "carer in the person's best interests", CARER),
    Case(
        "R-ROUTE-CALDICOTT",
        "pseudonymised, key kept",
        change(S251, {"necessity.pseudonymised_would_serve": True}),
    ),
    Case(
        "R-ROUTE-SIRO",
        "DPIA required but medium risk, when the policy asks the SIRO only for high risk",
        change(secondary(), {"purpose.frequency": Frequency.ROUTINE}),
        SIRO_FOR_HIGH_RISK_ONLY,
    ),
    Case("R-ROUTE-SIRO", "one-off and small", secondary()),
)

RULE_IDS = [rule.id for rule in RULES] + [rule.id for rule in ROUTING_RULES]
EFFECTS = {**{rule.id: rule.effect for rule in RULES}, **{rule.id: rule.effect for rule in ROUTING_RULES}}


def params(cases: tuple[Case, ...]) -> list[object]:
    return [pytest.param(case, id=f"{case.rule_id}: {case.name}") for case in cases]


@pytest.mark.parametrize("case", params(FIRES))
def test_rule_fires(case: Case) -> None:
    result = assess(
        case.answers,
        today=TODAY,
        policy=case.policy,
        recipient_assurance_lapsed=case.recipient_assurance_lapsed,
    )

    assert case.rule_id in result.rule_ids
    fired = next(rule for rule in result.rules_fired if rule.rule_id == case.rule_id)
    assert fired.effect is EFFECTS[case.rule_id]
    assert fired.message.strip()
    assert fired.citation.strip()


@pytest.mark.parametrize("case", params(DOES_NOT_FIRE))
def test_rule_does_not_fire(case: Case) -> None:
    result = assess(
        case.answers,
        today=TODAY,
        policy=case.policy,
        recipient_assurance_lapsed=case.recipient_assurance_lapsed,
    )

    assert case.rule_id not in result.rule_ids


def test_every_rule_has_cases_both_ways() -> None:
    assert {case.rule_id for case in FIRES} == set(RULE_IDS)
    assert {case.rule_id for case in DOES_NOT_FIRE} == set(RULE_IDS)


def test_rule_ids_are_unique() -> None:
    assert len(RULE_IDS) == len(set(RULE_IDS))


CONDITIONAL_RULES = {rule.id: rule.condition for rule in RULES if rule.condition is not None}


@pytest.mark.parametrize("case", params(tuple(case for case in FIRES if case.rule_id in CONDITIONAL_RULES)))
def test_a_rule_with_a_condition_adds_it_to_the_result(case: Case) -> None:
    result = assess(
        case.answers,
        today=TODAY,
        policy=case.policy,
        recipient_assurance_lapsed=case.recipient_assurance_lapsed,
    )

    conditions = [condition for condition in result.conditions if condition.rule_id == case.rule_id]
    assert [condition.code for condition in conditions] == [CONDITIONAL_RULES[case.rule_id].code]
    assert conditions[0].text.strip()
