"""The rule set: decision rules, routing rules and risk factors, in the order they are reported.

Each rule says when it fires, what it does, and the principle or legal condition it rests on. Rules do
not look at each other; `engine.py` combines their effects with one explicit precedence. Where two rules
could say the same thing their predicates are made disjoint (e.g. the confidentiality rules split on
``secondary_use``) so a requester reads each reason once.
"""

from __future__ import annotations

from necessity.rules.answers import DataItem
from necessity.rules.catalogue import CatalogueEntry
from necessity.rules.enums import (
    Art6Condition,
    Art9Condition,
    Capacity,
    CareTeamRole,
    ConditionCode,
    ConfidentialityBasis,
    ConsentState,
    CrimeSeriousness,
    DataForm,
    Effect,
    Frequency,
    InternationalSafeguard,
    PoliceExemption,
    PurposeCategory,
    Risk,
    Stage,
    TransferMethod,
    label,
)
from necessity.rules.facts import DISSENTING_CONSENT, Facts, codes, names
from necessity.rules.policy import one_off_screening_notice
from necessity.rules.rule import FactCondition, FactRule, RiskFactor, RoutingRule

Basis = ConfidentialityBasis
NO_COMMON_LAW_BASIS = frozenset({Basis.NONE, Basis.NOT_CONFIDENTIAL})
OPT_OUT_PURPOSES = frozenset({PurposeCategory.RESEARCH, PurposeCategory.PLANNING_COMMISSIONING})
ANONYMOUS_FORMS = frozenset({DataForm.ANONYMISED, DataForm.NON_PERSONAL})


def _numbers(noun: str, entries: tuple[CatalogueEntry, ...]) -> str:
    """'question 7', 'questions 1, 2 and 5'."""
    numbers = [str(entry.number) for entry in entries]
    if len(numbers) == 1:
        return f"{noun} {numbers[0]}"
    return f"{noun}s " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def _listed(noun: str, entries: tuple[CatalogueEntry, ...]) -> str:
    """'Caldicott principle 4 (Access ...)', or '... principles 4 (...) and 6 (...)'."""
    described = [f"{entry.number} ({entry.text.rstrip('.')})" for entry in entries]
    if len(described) == 1:
        return f"{noun} {described[0]}"
    return f"{noun}s " + ", ".join(described[:-1]) + " and " + described[-1]


def _criteria(facts: Facts) -> str:
    texts = [entry.text.rstrip(".") for entry in facts.criteria_met]
    return "; ".join(text[0].lower() + text[1:] for text in texts)


def _identifying(facts: Facts) -> tuple[str, ...]:
    return codes(tuple(item for item in facts.shared_items if item.identifying))


def _identifying_names(facts: Facts) -> str:
    items = tuple(item for item in facts.shared_items if item.identifying)
    return names(items) if items else "every identifier"


def _plain_identifiers(facts: Facts) -> str:
    """Identifying items with no less identifying alternative: these must go (or be replaced)."""
    plain = tuple(
        item for item in facts.shared_items if item.identifying and item.less_identifying_alternative is None
    )
    return names(plain) if plain else "every direct identifier"


def _swaps(facts: Facts) -> str:
    """'; use X instead of Y' for identifying items that have an alternative, or nothing."""
    swapped = tuple(
        item
        for item in facts.shared_items
        if item.identifying and item.less_identifying_alternative is not None
    )
    if not swapped:
        return ""
    return "; use " + " and ".join(
        f"{item.less_identifying_alternative} instead of {item.name}" for item in swapped
    )


def _alternatives(facts: Facts) -> str:
    return "; ".join(
        f"{item.less_identifying_alternative} instead of {item.name}"
        for item in facts.shared_items
        if item.less_identifying_alternative is not None
    )


def _generalised(items: tuple[DataItem, ...]) -> str:
    """' (use X instead of Y; Z instead of W)' for items with a less identifying alternative, or nothing."""
    swaps = [
        f"{item.less_identifying_alternative} instead of {item.name}"
        for item in items
        if item.less_identifying_alternative is not None
    ]
    return f" (use {'; '.join(swaps)})" if swaps else ""


def _has_alternatives(facts: Facts) -> bool:
    return any(item.less_identifying_alternative is not None for item in facts.shared_items)


def _consent_wording(facts: Facts) -> str:
    relied = []
    if facts.basis is Basis.EXPLICIT_CONSENT:
        relied.append("explicit consent for confidentiality")
    if facts.art6 is Art6Condition.A_CONSENT:
        relied.append(label(facts.art6))
    if facts.art9 is Art9Condition.A_EXPLICIT_CONSENT:
        relied.append(label(facts.art9))
    return ", ".join(relied)


def _consent_recheck_due(facts: Facts) -> bool:
    age = facts.consent_age_days
    return age is not None and (age > facts.policy.consent_max_age_days or age < 0)


def _consent_recheck_message(facts: Facts) -> str:
    age = facts.consent_age_days
    if age is not None and age < 0:
        return (
            f"Consent is recorded on {facts.consent_date}, after the date of this assessment ({facts.today})."
        )
    return (
        f"Consent was recorded on {facts.consent_date}, {age} days ago, longer ago than the "
        f"{facts.policy.consent_max_age_days} days after which it must be re-checked."
    )


def _dissent_wording(facts: Facts) -> str:
    if facts.consent is ConsentState.WITHDRAWN:
        return "has withdrawn consent"
    if facts.consent is ConsentState.REFUSED:
        return "has refused consent"
    return "has objected to the sharing"


def _implied_consent_gap(facts: Facts) -> str:
    if not facts.direct_care:
        return "this sharing is not for the person's direct care"
    if facts.care_team_role is CareTeamRole.NOT_IN_CARE_TEAM:
        return "the recipient is not part of the person's care team"
    if not facts.criteria_met:
        return "none of the legitimate relationship criteria is met"
    return "the person has objected, and an objection ends implied consent"


def _recipient_wording(facts: Facts) -> str:
    if facts.care_team_role is CareTeamRole.UNREGISTERED_CARE_STAFF:
        return "care staff in the person's care team"
    return "a registered professional"


_DECIDER_GAPS = {
    Capacity.ADULT_WITH_CAPACITY: "an adult with capacity decides for themselves",
    Capacity.COMPETENT_CHILD: "a Gillick competent child decides for themselves",
    Capacity.CHILD_NOT_COMPETENT: "for a child who is not Gillick competent, someone with parental "
    "responsibility decides",
    Capacity.LACKS_CAPACITY_WITH_ATTORNEY_OR_DEPUTY: "for an adult who lacks capacity, their health and "
    "welfare attorney or deputy decides",
    Capacity.LACKS_CAPACITY_NO_ONE_WITH_AUTHORITY: "nobody may consent for an adult who lacks capacity "
    "unless empowered by a lasting power of attorney or the court; share in their best interests instead",
}


def _capacity(facts: Facts) -> Capacity:
    basis = facts.answers.lawful_basis
    return basis.capacity if basis is not None else Capacity.MANY_PEOPLE


def _decider(facts: Facts) -> str:
    basis = facts.answers.lawful_basis
    decider = basis.consent_decided_by if basis is not None else None
    return label(decider).lower() if decider is not None else "nobody"


def _best_interests_gap(facts: Facts) -> str:
    capacity = _capacity(facts)
    if capacity is Capacity.LACKS_CAPACITY_WITH_ATTORNEY_OR_DEPUTY:
        return "the person's health and welfare attorney or deputy holds the authority to decide: ask them"
    if capacity is Capacity.CHILD_NOT_COMPETENT:
        return "for a child who is not Gillick competent, ask someone with parental responsibility"
    if capacity is Capacity.MANY_PEOPLE:
        return "a best interests decision is made for one person at a time"
    return "the person can decide for themselves: ask them"


def _legal_duty_text(facts: Facts) -> str:
    duty = facts.answers.legal_duty
    if duty is None:
        return "Share only what the law requires"
    return (
        f"Share only what the {label(duty.kind).lower()} ({duty.reference}) requires: {duty.what_is_required}"
    )


_UNENCRYPTED_SAFEGUARDS = {
    TransferMethod.POST: "Send it by tracked or signed-for post, in a sealed envelope marked private and "
    "confidential, addressed to a named person, and check it arrived.",
    TransferMethod.HAND_DELIVERY: "Hand it in a sealed envelope to the named recipient (or someone you have "
    "verified) and get a signature.",
    TransferMethod.TELEPHONE: "Verify the caller before saying anything: call back on a number you have "
    "checked independently, confirm who they are and why they need it, say only what is needed, and record "
    "the call.",
    TransferMethod.VERBAL_IN_PERSON: "Confirm who you are speaking to and why they need it, speak where you "
    "cannot be overheard, say only what is needed, and record what was said.",
}


def _paperwork(facts: Facts) -> str:
    missing = []
    if facts.dpia_required and facts.existing_dpia is None:
        missing.append("the data protection impact assessment (signed off)")
    if facts.isa_required:
        missing.append("the information sharing agreement (approved by the Caldicott Guardian)")
    return " and ".join(missing)


def _paperwork_due(facts: Facts) -> bool:
    return not facts.at_risk_of_harm and bool(_paperwork(facts))


def _police_record_text(facts: Facts) -> str:
    police = facts.police
    who = f" ({police.officer}, reference {police.reference})" if police else ""
    return (
        f"Record what was requested, by whom{who}, what was given and when, and obtain the officer's "
        "signature, in the disclosure log."
    )


def _is_police(facts: Facts) -> bool:
    return facts.category is PurposeCategory.POLICE_CRIME


def _police_patient_information(facts: Facts) -> bool:
    police = facts.police
    involves = police is not None and police.involves_patient_information
    return (involves or facts.answers.data.confidential_patient_information) and facts.personal


RULES: tuple[FactRule, ...] = (
    # Lawful basis [UK GDPR, 000 5.iii].
    FactRule(
        id="R-LAWFUL-ART6",
        effect=Effect.DO_NOT_SHARE,
        citation="UK GDPR Art 6(1); Caldicott principle 6; [004 6.3]",
        when="personal data about living people would be shared and no Article 6 condition is given",
        applies=lambda f: f.personal and f.living and f.art6 is Art6Condition.NONE,
        message=lambda f: (
            "No UK GDPR Article 6 condition applies, so personal data cannot be shared lawfully; choose the "
            "condition the sharing rests on (public bodies usually rely on 6(1)(e) public task)."
        ),
    ),
    FactRule(
        id="R-LAWFUL-ART9",
        effect=Effect.DO_NOT_SHARE,
        citation="UK GDPR Art 9(2); DPA 2018 Sch 1; Caldicott principle 6",
        when="special category items about living people would be shared and no Article 9 condition is given",
        applies=lambda f: f.special and f.living and f.art9 is Art9Condition.NONE,
        message=lambda f: (
            f"Special category data would be shared ({names(f.special_items)}) but no UK GDPR Article 9 "
            "condition applies, so it cannot be shared lawfully; choose the Article 9(2) condition (for "
            "health and social care usually 9(2)(h))."
        ),
    ),
    FactRule(
        id="R-DECEASED",
        effect=Effect.NOTE,
        citation="[003 third party access following death]; UK GDPR recital 27; DPA 2018 s3(2)",
        when="personal data about people who have all died",
        applies=lambda f: f.personal and not f.living,
        message=lambda f: (
            "The people concerned have died, so UK GDPR does not apply and no Article 6 or 9 condition is "
            "needed; the duty of confidentiality continues after death, so a basis under it is still needed."
        ),
    ),
    FactRule(
        id="R-DECEASED-AHRA",
        effect=Effect.CONDITION,
        citation="Access to Health Records Act 1990 ss3, 5; [003 third party access following death]",
        when="a deceased person's records released under the Access to Health Records Act 1990",
        applies=lambda f: f.personal and f.basis is Basis.ACCESS_TO_HEALTH_RECORDS_ACT,
        message=lambda f: (
            "The personal representative of a deceased person, and anyone with a claim arising from the "
            "death, may have access to the records under the Access to Health Records Act 1990."
        ),
        condition=FactCondition(
            ConditionCode.CHECK_CLAIM_AND_REDACT,
            lambda f: (
                "Check identification and the grant of probate, letters of administration or evidence of "
                "the claim; disclose only what is relevant to the claim (information recorded after 1 "
                "November 1991); withhold anything that may cause serious harm, identifies a third party, "
                "or was given on the understanding it would stay private."
            ),
        ),
    ),
    FactRule(
        id="R-DIRECT-CARE-IDENTIFIERS",
        effect=Effect.NOTE,
        citation="Health and Social Care Act 2012 ss251A-251B; Caldicott principle 7; [002 Rec 4]",
        when="personal data about living people shared for their direct care",
        applies=lambda f: f.personal and f.direct_care and f.living,
        message=lambda f: (
            "Direct care is for named people: the identifiers that make care safe (NHS number, name, date "
            "of birth, address) are shared as they are, not replaced by pseudonyms or bands; keep to the "
            "clinical content relevant to the care. The NHS number is the consistent identifier (HSCA 2012 "
            "s251A), and there is a duty to share for direct care where it is in the person's interest and "
            "they do not object (s251B)."
        ),
    ),
    # Common law duty of confidentiality [001 s2, 003, 004 6.10].
    FactRule(
        id="R-CONF-NO-BASIS",
        effect=Effect.DO_NOT_SHARE,
        citation="Common law duty of confidentiality; [001 s2]; [003 legal considerations]",
        when="confidential information, not a secondary use, and no common law basis (none or "
        "not_confidential)",
        applies=lambda f: f.confidential and not f.secondary_use and f.basis in NO_COMMON_LAW_BASIS,
        message=lambda f: (
            "The information was given in confidence but no common law basis for disclosing it is given: it "
            "needs consent, a legal duty or court order, or an overriding public interest."
        ),
    ),
    FactRule(
        id="R-CONF-IMPLIED-VALID",
        effect=Effect.NOTE,
        citation="[003 registered and regulated professionals]; [003 best practice when sharing]; "
        "[002 3.21-3.22, Rec 4]; Caldicott principle 7",
        when="implied consent for direct care by the care team (registered or not) meeting a legitimate "
        "relationship criterion, with no objection",
        applies=lambda f: f.confidential and f.implied_consent_valid,
        message=lambda f: (
            "Implied consent is a valid basis: the sharing is for the person's direct care by "
            f"{_recipient_wording(f)} with a legitimate relationship ({_criteria(f)}), and nobody has "
            "objected."
        ),
    ),
    FactRule(
        id="R-CONF-IMPLIED-INVALID",
        effect=Effect.DO_NOT_SHARE,
        citation="[003 registered and regulated professionals]; [003 refusal of consent]; [001 s6]",
        when="implied consent claimed outside direct care, outside the care team, with no legitimate "
        "relationship criterion, or after an objection",
        applies=lambda f: (
            f.confidential
            and not f.secondary_use
            and f.basis is Basis.IMPLIED_CONSENT
            and not (f.direct_care and f.legitimate_relationship and not f.objected)
        ),
        message=lambda f: (
            "Implied consent covers only direct care by the person's care team with a legitimate "
            f"relationship and no objection, and {_implied_consent_gap(f)}; seek explicit consent or give "
            "another basis."
        ),
    ),
    FactRule(
        id="R-CARE-TEAM-SAFEGUARDS",
        effect=Effect.CONDITION,
        citation="[002 3.21-3.22, Rec 4]; [004 6.9.5]",
        when="direct care shared with unregistered care staff whose safeguards are not confirmed",
        applies=lambda f: (
            f.personal
            and f.direct_care
            and f.answers.legitimate_relationship is not None
            and f.answers.legitimate_relationship.safeguards_in_place is False
        ),
        message=lambda f: (
            "Care staff who are not registered can receive what they need for the person's care, with "
            "safeguards for the confidential information."
        ),
        condition=FactCondition(
            ConditionCode.CARE_TEAM_SAFEGUARDS,
            lambda f: (
                "Before sharing, confirm that the care staff are bound by confidentiality terms, trained in "
                "handling confidential information, and covered by an agreement (such as the care-team "
                "sharing agreement)."
            ),
        ),
    ),
    FactRule(
        id="R-CONSENT-AUTHORITY",
        effect=Effect.DO_NOT_SHARE,
        citation="Mental Capacity Act 2005 ss1-3, 9, 16; Gillick v West Norfolk AHA [1986]; [001 s6]; "
        "[003 children and adults who are unable to consent]",
        when="consent relied on was given by someone without the authority to give it for this person",
        applies=lambda f: f.personal and f.unauthorised_consent and f.relies_on_consent,
        message=lambda f: (
            f"Consent was given by {_decider(f)}, but {_DECIDER_GAPS[_capacity(f)]}, so that consent is not "
            "valid."
        ),
    ),
    FactRule(
        id="R-BEST-INTERESTS",
        effect=Effect.NOTE,
        citation="Mental Capacity Act 2005 ss4-5; [003 carers, family members and friends]; "
        "[003 client consent cannot be obtained]",
        when="best interests of an adult who lacks capacity and has nobody with authority (carers: all "
        "criteria met)",
        applies=lambda f: f.confidential and f.best_interests_valid,
        message=lambda f: (
            "The person lacks capacity and nobody holds authority to decide for them, so the information "
            "may be shared in their best interests"
            + (
                ", with the carer, as every criterion for carers is met."
                if f.answers.best_interests and f.answers.best_interests.recipient_is_carer
                else "."
            )
        ),
    ),
    FactRule(
        id="R-BEST-INTERESTS-INVALID",
        effect=Effect.DO_NOT_SHARE,
        citation="Mental Capacity Act 2005 ss1, 4, 6(6); [001 s6]",
        when="best interests claimed where the person can decide, or someone holds authority for them",
        applies=lambda f: f.personal and f.basis is Basis.BEST_INTERESTS and not f.best_interests_capacity,
        message=lambda f: (
            "Best interests is a basis only for an adult who lacks capacity and has nobody with authority to "
            f"decide for them; {_best_interests_gap(f)}."
        ),
    ),
    FactRule(
        id="R-CARER-CRITERIA",
        effect=Effect.DO_NOT_SHARE,
        citation="[003 carers, family members and friends]",
        when="best interests sharing with a carer where a criterion of [003] is not met",
        applies=lambda f: f.personal and f.basis is Basis.BEST_INTERESTS and bool(f.carer_criteria_unmet),
        message=lambda f: (
            "Information is shared with a carer in the best interests of a person who lacks capacity only "
            "when every criterion is met; not met: "
            + "; ".join(entry.text.rstrip(".") for entry in f.carer_criteria_unmet)
            + "."
        ),
    ),
    FactRule(
        id="R-SECONDARY-USE",
        effect=Effect.DO_NOT_SHARE,
        citation="[004 6.10]",
        when="confidential information for a purpose other than direct care with no basis, implied consent "
        "or not_confidential",
        applies=lambda f: (
            f.secondary_use and f.confidential and f.basis in (NO_COMMON_LAW_BASIS | {Basis.IMPLIED_CONSENT})
        ),
        message=lambda f: (
            "Identifiable patient information may be used for purposes other than direct care only if it is "
            "irreversibly anonymised, required by law, shared with explicit consent, supported under section "
            "251, or justified in the public interest on the Caldicott Guardian's advice; none of these "
            "applies."
        ),
    ),
    FactRule(
        id="R-PUBLIC-INTEREST",
        effect=Effect.CALDICOTT_DECISION,
        citation="[004 6.10]; [003 legal considerations]; [001 s2]",
        when="confidential information disclosed in the overriding public interest (police requests: "
        "R-POLICE-CALDICOTT)",
        applies=lambda f: (
            f.confidential and f.basis is Basis.OVERRIDING_PUBLIC_INTEREST and not _is_police(f)
        ),
        message=lambda f: (
            "Disclosing confidential information without consent in the public interest needs a case-by-case "
            "judgement that the public good outweighs the duty of confidence; the Caldicott Guardian decides."
        ),
        signoff=Stage.CALDICOTT_GUARDIAN,
    ),
    FactRule(
        id="R-OPT-OUT",
        effect=Effect.CONDITION,
        citation="[004 6.7]; [004 6.11]; National data opt-out",
        when="confidential patient information leaving as personal data (identifiable or pseudonymised, "
        "whoever holds the key) for research or planning, without consent or legal duty, opt-out not applied",
        applies=lambda f: (
            f.category in OPT_OUT_PURPOSES
            and f.confidential_source
            and not (f.basis is Basis.EXPLICIT_CONSENT and f.consent is ConsentState.GIVEN)
            and f.basis is not Basis.LEGAL_DUTY_OR_COURT_ORDER
            and not f.opt_out_applied
        ),
        message=lambda f: (
            "Confidential patient information used for research or planning without consent must respect "
            "the national data opt-out, even once pseudonymised, and it has not been applied."
        ),
        condition=FactCondition(
            ConditionCode.APPLY_OPT_OUT,
            lambda f: (
                "Remove everyone who has registered a national data opt-out before the data is pseudonymised "
                "or leaves."
            ),
        ),
    ),
    # Consent [001 s6, 003].
    FactRule(
        id="R-CONSENT-WITHDRAWN",
        effect=Effect.DO_NOT_SHARE,
        citation="[001 s6]; UK GDPR Art 7(3)",
        when="consent withdrawn and the sharing relies on consent",
        applies=lambda f: f.personal and f.consent is ConsentState.WITHDRAWN and f.relies_on_consent,
        message=lambda f: (
            f"Consent was withdrawn on {f.consent_date} and the sharing relies on consent, so sharing on "
            "that basis must stop; tell every party that received data on this basis as soon as possible."
        ),
    ),
    FactRule(
        id="R-CONSENT-REFUSED",
        effect=Effect.DO_NOT_SHARE,
        citation="[003 refusal of consent]; UK GDPR Art 7",
        when="consent refused and the sharing relies on consent",
        applies=lambda f: f.personal and f.consent is ConsentState.REFUSED and f.relies_on_consent,
        message=lambda f: (
            "The person refused consent and the sharing relies on consent; respect the refusal, or give a "
            "basis that does not depend on consent."
        ),
    ),
    FactRule(
        id="R-CONSENT-MISSING",
        effect=Effect.DO_NOT_SHARE,
        citation="UK GDPR Art 7(1); [003 best practice when sharing]",
        when="explicit consent, Art 6(1)(a) or Art 9(2)(a) relied on but consent not sought or not "
        "obtainable",
        applies=lambda f: (
            f.personal
            and f.needs_given_consent
            and f.consent in (ConsentState.NOT_SOUGHT, ConsentState.CANNOT_BE_OBTAINED)
        ),
        message=lambda f: (
            f"The sharing relies on consent ({_consent_wording(f)}) but consent "
            f"{'has not been sought' if f.consent is ConsentState.NOT_SOUGHT else 'cannot be obtained'}; "
            "obtain and record it, or give a basis that does not depend on consent."
        ),
    ),
    FactRule(
        id="R-CONSENT-RECHECK",
        effect=Effect.CONDITION,
        citation="[001 s6]",
        when="consent relied on was recorded more than Policy.consent_max_age_days ago (or after today)",
        applies=lambda f: (
            f.personal and f.relies_on_consent and f.consent is ConsentState.GIVEN and _consent_recheck_due(f)
        ),
        message=_consent_recheck_message,
        condition=FactCondition(
            ConditionCode.RECHECK_CONSENT,
            lambda f: "Check with the person that they are still happy to share, and record the new date.",
        ),
    ),
    FactRule(
        id="R-OBJECTION",
        effect=Effect.CALDICOTT_DECISION,
        citation="UK GDPR Art 21; [003 refusal of consent]; [002 the right to object]",
        when="an objection, refusal or withdrawal while relying on a basis other than consent (implied "
        "consent included) or legal duty",
        applies=lambda f: (
            f.personal
            and f.dissent
            and f.basis is not Basis.LEGAL_DUTY_OR_COURT_ORDER
            and f.basis is not Basis.IMPLIED_CONSENT
            and not (f.relies_on_consent and f.consent in DISSENTING_CONSENT)
        ),
        message=lambda f: (
            f"The person {_dissent_wording(f)}; the objection must be considered, and the Caldicott Guardian "
            "decides whether the sharing may go ahead despite it."
        ),
        signoff=Stage.CALDICOTT_GUARDIAN,
    ),
    FactRule(
        id="R-OBJECTION-LEGAL-DUTY",
        effect=Effect.CONDITION,
        citation="[003 legal considerations]; [002 1.3]",
        when="an objection, refusal or withdrawal where the law requires the disclosure",
        applies=lambda f: f.personal and f.dissent and f.basis is Basis.LEGAL_DUTY_OR_COURT_ORDER,
        message=lambda f: (
            f"The person {_dissent_wording(f)}, but the law requires this disclosure irrespective of "
            "their views."
        ),
        condition=FactCondition(
            ConditionCode.EXPLAIN_TO_PERSON,
            lambda f: (
                "Tell the person what is disclosed, to whom and under which law, unless telling them would "
                "put someone at risk or prejudice an investigation."
            ),
        ),
    ),
    # Necessity, step 1 [000 5.iv, 004 6.5, 6.6].
    FactRule(
        id="R-NEC-ANONYMISED",
        effect=Effect.CONDITION,
        citation="[000 5.iv step 1]; [004 6.5.2]; Caldicott principle 2",
        when="identifiable or pseudonymised data requested but anonymised or aggregated data would serve",
        applies=lambda f: f.anonymise,
        message=lambda f: (
            "Anonymised or aggregated data would achieve the purpose, so identifiable data must not be "
            "shared."
        ),
        condition=FactCondition(
            ConditionCode.SEND_ANONYMISED,
            lambda f: (
                f"Share anonymised or aggregated data only: remove {_plain_identifiers(f)}{_swaps(f)}; check "
                "that nothing else could identify a person, on its own or combined with other information."
            ),
            _identifying,
        ),
    ),
    FactRule(
        id="R-NEC-PSEUDONYMISED",
        effect=Effect.CONDITION,
        citation="[001 s6]; [004 6.6.2]; Caldicott principle 2",
        when="identifiable data requested but pseudonymised data would serve",
        applies=lambda f: f.pseudonymise,
        message=lambda f: (
            "Pseudonymised data would achieve the purpose, so identifiable data must not be shared."
        ),
        condition=FactCondition(
            ConditionCode.SEND_PSEUDONYMISED,
            lambda f: (
                f"Send pseudonymised data: replace {_plain_identifiers(f)} with a reference that bears no "
                f"relation to the person, keeping the key here and never sending it{_swaps(f)}."
            ),
            _identifying,
        ),
    ),
    FactRule(
        id="R-MIN-NOTHING-NEEDED",
        effect=Effect.DO_NOT_SHARE,
        citation="Caldicott principle 2; [000 5.iv step 1]",
        when="no item is both essential and (for police requests) necessary for the enquiry",
        applies=lambda f: f.declared_form is not DataForm.NON_PERSONAL and not f.shared_items,
        message=lambda f: (
            "No data item is needed for the purpose (each is marked not essential or not necessary for the "
            "enquiry), so nothing should be shared."
        ),
    ),
    FactRule(
        id="R-MIN-REMOVE-ITEMS",
        effect=Effect.CONDITION,
        citation="Caldicott principle 3; [004 6.5.1]; [000 5.iv step 1]",
        when="some items are marked not essential",
        applies=lambda f: f.declared_form is not DataForm.NON_PERSONAL and bool(f.non_essential_items),
        message=lambda f: f"Marked not essential for the purpose: {names(f.non_essential_items)}.",
        condition=FactCondition(
            ConditionCode.REMOVE_ITEMS,
            lambda f: f"Remove {names(f.non_essential_items)} before sharing: share the minimum necessary.",
            lambda f: codes(f.non_essential_items),
        ),
    ),
    FactRule(
        id="R-MIN-ALTERNATIVE",
        effect=Effect.CONDITION,
        citation="Caldicott principle 3; [004 6.5.1]",
        when="personal data, not for direct care, where an item has a less identifying alternative (data "
        "declared de-identified: R-DECLARED-FORM-IDENTIFIERS)",
        applies=lambda f: (
            f.personal and not f.direct_care and not f.hidden_identifiers and _has_alternatives(f)
        ),
        message=lambda f: f"Less identifying alternatives are available: {_alternatives(f)}.",
        condition=FactCondition(
            ConditionCode.USE_ALTERNATIVE,
            lambda f: f"Send {_alternatives(f)}, or record why the alternative would not serve the purpose.",
            lambda f: codes(tuple(i for i in f.shared_items if i.less_identifying_alternative is not None)),
        ),
    ),
    FactRule(
        id="R-DECLARED-FORM-IDENTIFIERS",
        effect=Effect.CONDITION,
        citation="[004 6.6.1]; [004 6.6.2]; [003 anonymisation/pseudonymisation]; [000 5.v]",
        when="data declared anonymised, pseudonymised or non-personal still holds a direct identifier",
        applies=lambda f: bool(f.hidden_identifiers),
        message=lambda f: (
            f"The data is described as {label(f.declared_form).lower()} but still holds "
            f"{names(f.hidden_identifiers)}, which identify people; as it stands it is identifiable data and "
            "is judged as such."
        ),
        condition=FactCondition(
            ConditionCode.REMOVE_ITEMS,
            lambda f: (
                f"Remove or generalise {names(f.hidden_identifiers)}{_generalised(f.hidden_identifiers)} "
                f"before sharing it as {label(f.declared_form).lower()} data."
            ),
            lambda f: codes(f.hidden_identifiers),
        ),
    ),
    # Proportionality, step 2 [000 5.iv].
    FactRule(
        id="R-PROPORTIONALITY",
        effect=Effect.DO_NOT_SHARE,
        citation="[000 5.iv step 2]; [001 s6]; Human Rights Act 1998 Sch 1 Art 8",
        when="personal data and the proportionality step answered 'not proportionate'",
        applies=lambda f: (
            f.personal
            and f.answers.proportionality is not None
            and not f.answers.proportionality.proportionate
        ),
        message=lambda f: (
            "The impact on the people concerned was judged not proportionate to the public interest served, "
            "so the sharing must not go ahead in this form."
        ),
    ),
    # Safeguarding [004 6.2, 003 legal considerations, 002 principle 7].
    FactRule(
        id="R-SAFEGUARDING-SHARE-NOW",
        effect=Effect.SHARE_NOW,
        citation="[004 6.2.1]; [001 s3]; [003 legal considerations]; [002 principle 7]",
        when="safeguarding purpose where a child or adult may be at risk of harm, abuse or neglect included",
        applies=lambda f: f.at_risk_of_harm,
        message=lambda f: (
            "A child or adult may be at risk of harm (abuse or neglect included): give the information "
            "promptly to the appropriate person or statutory body; nothing in this assessment may delay it."
        ),
        condition=FactCondition(
            ConditionCode.RECORD_AND_REVIEW,
            lambda f: (
                "Record what was shared, with whom, when and why; the sign-off stages review the decision "
                "afterwards."
            ),
        ),
    ),
    # Legal duties [004 6.12; 001 s2; 003 legal requirement].
    FactRule(
        id="R-LEGAL-DUTY",
        effect=Effect.CONDITION,
        citation="[004 6.12]; [001 s2]; [003 legal requirement]; [004 6.8.3]",
        when="personal data disclosed because the law requires it (court order, coroner, statutory notice, "
        "notifiable disease)",
        applies=lambda f: f.personal and f.basis is Basis.LEGAL_DUTY_OR_COURT_ORDER,
        message=lambda f: (
            "The law requires this disclosure, so it is not a discretionary decision: share the minimum the "
            "duty requires and record it; the Caldicott Guardian is informed, not asked to decide."
        ),
        condition=FactCondition(
            ConditionCode.RECORD_LEGAL_DISCLOSURE,
            lambda f: (
                f"{_legal_duty_text(f)}. Record what was disclosed, to whom, when and under which law in the "
                "disclosure log, and tell the Caldicott Guardian."
            ),
        ),
    ),
    # Police [004 6.12].
    FactRule(
        id="R-POLICE-NECESSARY-ONLY",
        effect=Effect.CONDITION,
        citation="[004 6.12]",
        when="police request where some items are not necessary for the enquiry",
        applies=lambda f: bool(f.police_unneeded_items),
        message=lambda f: f"The police enquiry does not need {names(f.police_unneeded_items)}.",
        condition=FactCondition(
            ConditionCode.REMOVE_ITEMS,
            lambda f: f"Give only what the enquiry needs: remove {names(f.police_unneeded_items)}.",
            lambda f: codes(f.police_unneeded_items),
        ),
    ),
    FactRule(
        id="R-POLICE-RECORD",
        effect=Effect.CONDITION,
        citation="[004 6.12]; [004 6.8.3]",
        when="every police request",
        applies=_is_police,
        message=lambda f: "Police requests and what is given in answer must be documented.",
        condition=FactCondition(ConditionCode.RECORD_POLICE_DISCLOSURE, _police_record_text),
    ),
    FactRule(
        id="R-POLICE-CALDICOTT",
        effect=Effect.CALDICOTT_DECISION,
        citation="[004 6.12]",
        when="discretionary police request (no legal duty) involving patient or service-user information",
        applies=lambda f: _is_police(f) and _police_patient_information(f) and not f.statutory,
        message=lambda f: (
            "The police request involves patient or service-user information, so the Caldicott Guardian "
            "decides whether disclosure is necessary and proportionate."
        ),
        signoff=Stage.CALDICOTT_GUARDIAN,
    ),
    FactRule(
        id="R-POLICE-NOT-SERIOUS",
        effect=Effect.DO_NOT_SHARE,
        citation="[003 legal considerations]; [004 6.12]; [001 s2]",
        when="discretionary police request for confidential patient information about a minor offence, "
        "without consent",
        applies=lambda f: (
            _is_police(f)
            and f.without_consent
            and not f.statutory
            and f.police is not None
            and f.police.seriousness is CrimeSeriousness.NOT_SERIOUS
        ),
        message=lambda f: (
            "Confidential information may be disclosed without consent in the public interest to prevent or "
            "detect a serious crime or prevent serious harm; for a minor offence the public interest does "
            "not outweigh the duty of confidence. Disclose only with consent or under a legal duty."
        ),
    ),
    FactRule(
        id="R-POLICE-EXEMPTION",
        effect=Effect.CONDITION,
        citation="[004 6.12]; DPA 2018 Sch 2 Part 1 para 2",
        when="police request for personal data citing no exemption and no legal duty",
        applies=lambda f: (
            _is_police(f)
            and f.personal
            and f.police is not None
            and f.police.exemption_cited is PoliceExemption.NONE
            and f.basis is not Basis.LEGAL_DUTY_OR_COURT_ORDER
        ),
        message=lambda f: "The police have not cited an exemption or power for the request.",
        condition=FactCondition(
            ConditionCode.OBTAIN_WRITTEN_POLICE_REQUEST,
            lambda f: (
                "Before disclosing, ask for a written request that states the enquiry and the exemption "
                "relied on (usually DPA 2018 Sch 2 Part 1 para 2)."
            ),
        ),
    ),
    # Transfer and security [004 6.4, 001 s10].
    FactRule(
        id="R-TRANSFER-ENCRYPT",
        effect=Effect.CONDITION,
        citation="[004 6.4.2]",
        when="an electronic transfer of anything but non-personal data is not encrypted",
        applies=lambda f: (
            f.declared_form is not DataForm.NON_PERSONAL and f.answers.transfer.encrypted is False
        ),
        message=lambda f: (
            f"The transfer ({label(f.answers.transfer.method).lower()}) is not encrypted; encryption is "
            "required for every electronic method."
        ),
        condition=FactCondition(
            ConditionCode.ENCRYPT,
            lambda f: (
                "Send it by secure email (NHSmail to NHSmail, or an accredited secure service) or another "
                "encrypted method, or encrypt it, before sending."
            ),
        ),
    ),
    FactRule(
        id="R-TRANSFER-VERIFY",
        effect=Effect.CONDITION,
        citation="[004 6.4.1]; [004 6.12]; Caldicott principle 4",
        when="anything but non-personal data sent by post or hand, or spoken by telephone or in person",
        applies=lambda f: f.declared_form is not DataForm.NON_PERSONAL and f.unencrypted_method,
        message=lambda f: (
            f"The information moves by {label(f.answers.transfer.method).lower()}, where encryption has no "
            "meaning; other safeguards protect it."
        ),
        condition=FactCondition(
            ConditionCode.VERIFY_RECIPIENT,
            lambda f: _UNENCRYPTED_SAFEGUARDS[f.answers.transfer.method],
        ),
    ),
    FactRule(
        id="R-RECIPIENT-ASSURANCE",
        effect=Effect.CONDITION,
        citation="UK GDPR Arts 5(1)(f), 24, 32; Data Protection (Charges and Information) Regulations 2018 "
        "reg 2; [004 monitoring: Data Security and Protection Toolkit]",
        when="personal data to a recipient whose DSPT is not met or out of date, or whose ICO registration "
        "has expired (a fact the portal hands in, not an answer)",
        applies=lambda f: f.personal and f.recipient_assurance_lapsed,
        message=lambda f: (
            "The recipient's assurance has lapsed: its Data Security and Protection Toolkit is not met or "
            "out of date, or its ICO registration has expired."
        ),
        condition=FactCondition(
            ConditionCode.CHECK_RECIPIENT_ASSURANCE,
            lambda f: (
                "Before sharing, confirm with the recipient's assurance contact that its security standards "
                "are met (a current DSPT publication) and that it is registered with the ICO; record what "
                "you were told."
            ),
        ),
    ),
    FactRule(
        id="R-ONWARD-SHARING",
        effect=Effect.CONDITION,
        citation="[001 s10]",
        when="the recipient intends onward sharing",
        applies=lambda f: f.answers.transfer.onward_sharing,
        message=lambda f: "The recipient intends to pass the information on.",
        condition=FactCondition(
            ConditionCode.NO_ONWARD_SHARING,
            lambda f: (
                "The recipient may use the information only for the stated purpose and must not pass it on "
                "without our prior written consent, except as provided by law."
            ),
        ),
    ),
    FactRule(
        id="R-INTERNATIONAL-NO-SAFEGUARD",
        effect=Effect.DO_NOT_SHARE,
        citation="UK GDPR Arts 44-46",
        when="personal data would be held or accessed outside the UK with no adequacy regulations or "
        "appropriate safeguard",
        applies=lambda f: (
            f.personal
            and f.living
            and f.answers.transfer.international_safeguard is InternationalSafeguard.NONE
        ),
        message=lambda f: (
            f"The information would go to {f.answers.transfer.destination_country}, outside the UK, with "
            "neither UK adequacy regulations nor an appropriate safeguard (an IDTA or the UK addendum to the "
            "EU standard contractual clauses)."
        ),
    ),
    FactRule(
        id="R-INTERNATIONAL",
        effect=Effect.NOTE,
        citation="UK GDPR Arts 45-46",
        when="personal data would go outside the UK under adequacy regulations or an appropriate safeguard",
        applies=lambda f: (
            f.personal
            and f.living
            and f.answers.transfer.international_safeguard not in (None, InternationalSafeguard.NONE)
        ),
        message=lambda f: (
            f"The information goes to {f.answers.transfer.destination_country}, outside the UK, relying on "
            f"{label(f.answers.transfer.international_safeguard).lower()}"  # type: ignore[arg-type]
            "; the IG team checks it covers this transfer and records a transfer risk assessment for an IDTA "
            "or addendum."
        ),
    ),
    FactRule(
        id="R-PROCESSOR-CONTRACT",
        effect=Effect.CONDITION,
        citation="UK GDPR Art 28; [004 6.9.2]",
        when="a processor would receive personal data and no data processing contract is named",
        applies=lambda f: (
            f.personal and f.processor and f.answers.transfer.processing_contract_reference is None
        ),
        message=lambda f: (
            "The recipient processes the information on our instructions, so it needs a data processing "
            "contract under UK GDPR Art 28 rather than an information sharing agreement."
        ),
        condition=FactCondition(
            ConditionCode.PROCESSING_CONTRACT,
            lambda f: (
                "Put a data processing contract in place (UK GDPR Art 28: our instructions only, "
                "confidentiality, security, sub-processors, deletion or return at the end) before the first "
                "transfer."
            ),
        ),
    ),
    # Agreements and impact assessment [004 6.8, 6.9, Appendix 2].
    FactRule(
        id="R-ISA-REQUIRED",
        effect=Effect.REQUIRE_ISA,
        citation="[004 6.9.1]; [004 6.9.3]",
        when="routine or bulk sharing of personal data with a partner (not a processor) and no active ISA "
        "covering it",
        applies=lambda f: f.isa_required,
        message=lambda f: (
            "Routine or bulk sharing of personal data needs an information sharing agreement, approved by "
            "the Caldicott Guardian."
        ),
        signoff=Stage.CALDICOTT_GUARDIAN,
    ),
    FactRule(
        id="R-ISA-EXISTING",
        effect=Effect.NOTE,
        citation="[004 6.9.3]",
        when="personal data and an active ISA is said to cover the sharing",
        applies=lambda f: f.personal and f.existing_isa is not None,
        message=lambda f: (
            f"Agreement {f.existing_isa} is said to cover this sharing; the IG officer checks that it names "
            "this purpose, this recipient and these items."
        ),
    ),
    FactRule(
        id="R-DPIA-ROUTINE",
        effect=Effect.REQUIRE_DPIA,
        citation="[004 6.8.1]",
        when="routine or bulk sharing of personal data",
        applies=lambda f: f.personal and f.regular,
        message=lambda f: (
            "A DPIA must always be done for routine or bulk sharing of identifiable or pseudonymised "
            "information."
        ),
    ),
    FactRule(
        id="R-DPIA-LARGE-SCALE",
        effect=Effect.REQUIRE_DPIA,
        citation="[004 6.8.1]; UK GDPR Art 35",
        when="personal data about at least Policy.large_scale_subject_count people",
        applies=lambda f: f.personal and f.large_scale,
        message=lambda f: (
            f"About {f.answers.data.approximate_subject_count:,} people are involved, at or above the "
            f"large-scale threshold of {f.policy.large_scale_subject_count:,}, so a DPIA is required."
        ),
    ),
    FactRule(
        id="R-DPIA-SCREENING",
        effect=Effect.REQUIRE_DPIA,
        citation="[004 Appendix 2]",
        when="a screening question answered yes (one-off requests: questions 7 and 8 only, see Policy)",
        applies=lambda f: bool(f.dpia_triggers),
        message=lambda f: (
            f"DPIA screening answered yes to {_numbers('question', f.dpia_triggers)}; any yes means a "
            "full DPIA."
        ),
    ),
    FactRule(
        id="R-DPIA-ONE-OFF",
        effect=Effect.NOTE,
        citation="[004 6.8.3]",
        when="a one-off request of personal data answered yes to screening questions the organisation's "
        "policy sets aside for one-off requests",
        applies=lambda f: bool(f.dpia_set_aside),
        message=lambda f: (
            f"DPIA screening answered yes to {_numbers('question', f.dpia_set_aside)}. "
            f"{one_off_screening_notice(f.policy)}"
        ),
    ),
    FactRule(
        id="R-PAPERWORK-FIRST",
        effect=Effect.CONDITION,
        citation="[004 6.8.1]; [004 6.9.1]; [000 5.vi]",
        when="a DPIA (none named as done) or an ISA is required, outside a safeguarding share-now",
        applies=_paperwork_due,
        message=lambda f: f"Required and not yet in place: {_paperwork(f)}.",
        condition=FactCondition(
            ConditionCode.COMPLETE_PAPERWORK_FIRST,
            lambda f: f"Complete {_paperwork(f)} before the first transfer.",
        ),
    ),
    FactRule(
        id="R-CALDICOTT-UNCONFIRMED",
        effect=Effect.CONDITION,
        citation="Caldicott principles [003]",
        when="personal data and a Caldicott principle is not confirmed",
        applies=lambda f: f.personal and bool(f.unconfirmed_principles),
        message=lambda f: f"Not confirmed: {_listed('Caldicott principle', f.unconfirmed_principles)}.",
        condition=FactCondition(
            ConditionCode.CONFIRM_CALDICOTT_PRINCIPLES,
            lambda f: (
                f"Show how the sharing meets Caldicott {_numbers('principle', f.unconfirmed_principles)}; "
                "the Caldicott Guardian checks the answer before the sharing goes ahead."
            ),
        ),
        signoff=Stage.CALDICOTT_GUARDIAN,
    ),
)


ROUTING_RULES: tuple[RoutingRule, ...] = (
    RoutingRule(
        id="R-ROUTE-DPO",
        effect=Effect.ROUTE,
        citation="[004 5.7]; [004 6.6]",
        when="anything but non-personal data",
        applies=lambda r: r.facts.declared_form is not DataForm.NON_PERSONAL,
        message=lambda r: (
            "The Data Protection Officer signs off every new flow of personal data."
            if r.facts.personal
            else "The IG team confirms the data is truly anonymised before it leaves."
        ),
        signoff=Stage.IG_DPO,
    ),
    RoutingRule(
        id="R-ROUTE-CALDICOTT",
        effect=Effect.ROUTE,
        citation="[004 5.8]; [003 Caldicott Guardian]",
        when="confidential information identifiable to the recipient, without valid consent, implied consent "
        "or best interests, and not required by law",
        applies=lambda r: r.facts.without_consent and not r.facts.statutory,
        message=lambda r: (
            "Confidential patient or service-user information would be shared without consent, so the "
            "Caldicott Guardian signs off."
        ),
        signoff=Stage.CALDICOTT_GUARDIAN,
    ),
    RoutingRule(
        id="R-ROUTE-SIRO",
        effect=Effect.ROUTE,
        citation="[000 5.vi]; [004 5.6]; [004 5.8]",
        when="a DPIA is required (Policy.siro_signs_every_dpia false: and the residual risk is high)",
        applies=lambda r: r.dpia_required and (r.facts.policy.siro_signs_every_dpia or r.risk is Risk.HIGH),
        message=lambda r: (
            "A DPIA is required, and the SIRO signs off every DPIA."
            if r.facts.policy.siro_signs_every_dpia
            else "A DPIA is required and the residual risk is high, so the SIRO signs off."
        ),
        signoff=Stage.SIRO,
    ),
)


# Residual risk assumes the conditions are met (e.g. encryption), so it weighs only what would still
# leave: how sensitive, how many people, and whether the duty of confidence is set aside.
RISK_FACTORS: tuple[RiskFactor, ...] = (
    RiskFactor(
        Risk.HIGH,
        lambda f: f.special and (f.large_scale or f.answers.purpose.frequency is Frequency.BULK),
        lambda f: "Special category data about many people, or in bulk.",
    ),
    RiskFactor(
        Risk.HIGH,
        lambda f: f.without_consent and (f.regular or f.large_scale),
        lambda f: "Confidential information shared without consent routinely or at scale.",
    ),
    RiskFactor(
        Risk.HIGH,
        lambda f: (
            f.personal
            and (
                f.answers.dpia_screening.q7_intrusive_technology
                or f.answers.dpia_screening.q8_significant_decisions
            )
        ),
        lambda f: "Privacy-intrusive technology, or decisions with significant effects on people.",
    ),
    RiskFactor(Risk.MEDIUM, lambda f: f.special, lambda f: "Special category data."),
    RiskFactor(
        Risk.MEDIUM,
        lambda f: f.without_consent,
        lambda f: "Confidential information shared without consent.",
    ),
    RiskFactor(
        Risk.MEDIUM, lambda f: f.personal and f.regular, lambda f: "A routine or bulk flow of personal data."
    ),
    RiskFactor(
        Risk.MEDIUM,
        lambda f: f.personal and f.large_scale,
        lambda f: "Personal data about a large number of people.",
    ),
)
