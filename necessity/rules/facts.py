"""Facts derived once from the answers, so that each rule is a one-line predicate over named facts.

The central idea is the *effective* data form: what would actually leave once the engine's own
necessity conditions are met. If anonymised data would serve, identifiable data is not allowed
[004 6.5.2], so lawfulness and confidentiality are judged on the anonymised version; if pseudonymised
data would serve, they are judged on pseudonymised data whose key stays with us [004 6.6.2, 6.10].
Data declared anonymised, pseudonymised or non-personal that still carries a direct identifier is not
what it says [004 6.6.1-6.6.2]: it is judged as identifiable until the identifiers go.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from necessity.rules.answers import Answers, DataItem, PoliceRequest
from necessity.rules.catalogue import (
    CALDICOTT_PRINCIPLES,
    CARER_CRITERIA,
    DPIA_HIGH_RISK_QUESTION_IDS,
    DPIA_SCREENING_QUESTIONS,
    LEGITIMATE_RELATIONSHIP_CRITERIA,
    CatalogueEntry,
)
from necessity.rules.enums import (
    Art6Condition,
    Art9Condition,
    Capacity,
    CareTeamRole,
    ConfidentialityBasis,
    ConsentDecider,
    ConsentState,
    DataForm,
    Frequency,
    PurposeCategory,
)
from necessity.rules.policy import Policy
from necessity.rules.validation import PERSONAL_FORMS, UNENCRYPTABLE_METHODS

CONSENT_BASES = frozenset({ConfidentialityBasis.EXPLICIT_CONSENT, ConfidentialityBasis.IMPLIED_CONSENT})
DISSENTING_CONSENT = frozenset({ConsentState.REFUSED, ConsentState.WITHDRAWN})
# Safeguarding and police requests have their own rules [004 6.2, 6.12]; everything else that is not
# direct care is a secondary use [004 6.10].
NOT_SECONDARY = frozenset({PurposeCategory.SAFEGUARDING, PurposeCategory.POLICE_CRIME})
# Bases that rest on a law rather than on anyone's judgement: the Caldicott Guardian is told, not asked
# [004 6.12; 003 legal requirement; 003 third party access following death].
STATUTORY_BASES = frozenset(
    {ConfidentialityBasis.LEGAL_DUTY_OR_COURT_ORDER, ConfidentialityBasis.ACCESS_TO_HEALTH_RECORDS_ACT}
)
IN_CARE_TEAM = frozenset({CareTeamRole.REGISTERED_PROFESSIONAL, CareTeamRole.UNREGISTERED_CARE_STAFF})
# Who may consent for whom [001 s6; 003 children and adults who are unable to consent]: a Gillick
# competent child or an adult with capacity decides for themselves (Gillick v West Norfolk AHA [1986];
# MCA 2005 s1(2)); parental responsibility covers a child who is not competent; an attorney under a
# health and welfare lasting power of attorney (MCA 2005 s9) or a Court of Protection deputy (s16) decides
# for an adult who lacks capacity; where nobody holds that authority nobody can consent for the person.
AUTHORISED_DECIDERS: dict[Capacity, frozenset[ConsentDecider]] = {
    Capacity.ADULT_WITH_CAPACITY: frozenset({ConsentDecider.THE_PERSON}),
    Capacity.COMPETENT_CHILD: frozenset({ConsentDecider.THE_PERSON}),
    Capacity.CHILD_NOT_COMPETENT: frozenset({ConsentDecider.PARENTAL_RESPONSIBILITY}),
    Capacity.LACKS_CAPACITY_WITH_ATTORNEY_OR_DEPUTY: frozenset(
        {ConsentDecider.HEALTH_WELFARE_ATTORNEY, ConsentDecider.COURT_DEPUTY}
    ),
    Capacity.LACKS_CAPACITY_NO_ONE_WITH_AUTHORITY: frozenset(),
    # For many people each consent comes from whoever holds authority for that person; the engine cannot
    # check them one by one, so any decider is accepted and the IG officer checks the records.
    Capacity.MANY_PEOPLE: frozenset(ConsentDecider),
}


@dataclass(frozen=True)
class Facts:
    answers: Answers
    today: datetime.date
    policy: Policy

    category: PurposeCategory
    direct_care: bool
    secondary_use: bool
    regular: bool  # routine or bulk
    large_scale: bool
    at_risk_of_harm: bool
    police: PoliceRequest | None
    living: bool
    processor: bool

    declared_form: DataForm
    # Direct identifiers in data declared anonymised, pseudonymised or non-personal [004 6.6.1].
    hidden_identifiers: tuple[DataItem, ...]
    anonymise: bool
    pseudonymise: bool
    # The effective form (see the module docstring) is identifiable or pseudonymised.
    personal: bool
    # Confidential patient information that the recipient could tie to a person.
    confidential: bool
    # Confidential patient information at source that would leave as personal data, whoever could
    # re-identify it: the national data opt-out is applied before data is pseudonymised [004 6.7, 6.11].
    confidential_source: bool

    non_essential_items: tuple[DataItem, ...]
    police_unneeded_items: tuple[DataItem, ...]
    # Items left once the not-essential ones, and those the police do not need, are removed.
    shared_items: tuple[DataItem, ...]
    special_items: tuple[DataItem, ...]
    special: bool

    art6: Art6Condition
    art9: Art9Condition
    basis: ConfidentialityBasis
    consent: ConsentState
    consent_date: datetime.date | None
    consent_age_days: int | None
    opt_out_applied: bool
    relies_on_consent: bool
    needs_given_consent: bool
    dissent: bool
    objected: bool
    # Consent was given by someone without the authority to give it for this person.
    unauthorised_consent: bool
    statutory: bool  # the basis is a law that requires or grants the disclosure

    care_team_role: CareTeamRole | None
    legitimate_relationship: bool
    criteria_met: tuple[CatalogueEntry, ...]
    implied_consent_valid: bool
    best_interests_capacity: bool  # lacks capacity, and nobody holds authority to decide
    carer_criteria_unmet: tuple[CatalogueEntry, ...]
    best_interests_valid: bool
    # Confidential, and neither explicit consent given, valid implied consent, nor valid best interests.
    without_consent: bool

    dpia_triggers: tuple[CatalogueEntry, ...]
    # Screening answers a one-off request sets aside under [004 6.8.3] and the organisation's policy.
    dpia_set_aside: tuple[CatalogueEntry, ...]
    dpia_required: bool
    isa_required: bool
    unconfirmed_principles: tuple[CatalogueEntry, ...]
    existing_isa: str | None
    existing_dpia: str | None
    unencrypted_method: bool
    # Not an answer: what the portal knows of the recipient, handed to the engine by its caller (the
    # recipient's DSPT not met or out of date, or its ICO registration expired).
    recipient_assurance_lapsed: bool = False


def derive_facts(
    answers: Answers, today: datetime.date, policy: Policy, *, recipient_assurance_lapsed: bool = False
) -> Facts:
    purpose = answers.purpose
    data = answers.data
    necessity = answers.necessity

    police = answers.police
    unneeded_codes = (
        {entry.item_code for entry in police.item_necessity if not entry.necessary_for_enquiry}
        if police
        else set()
    )
    non_essential = tuple(item for item in data.items if not item.essential)
    police_unneeded = tuple(item for item in data.items if item.code in unneeded_codes)
    shared = tuple(item for item in data.items if item.essential and item.code not in unneeded_codes)
    hidden_identifiers = (
        tuple(item for item in shared if item.identifying)
        if data.data_form is not DataForm.IDENTIFIABLE
        else ()
    )

    declared_personal = data.data_form in PERSONAL_FORMS
    anonymise = declared_personal and necessity is not None and necessity.anonymised_would_serve is True
    pseudonymise = (
        not anonymise
        and data.data_form is DataForm.IDENTIFIABLE
        and necessity is not None
        and necessity.pseudonymised_would_serve is True
    )
    if hidden_identifiers:
        effective_form = DataForm.IDENTIFIABLE
    elif anonymise:
        effective_form = DataForm.ANONYMISED
    elif pseudonymise:
        effective_form = DataForm.PSEUDONYMISED
    else:
        effective_form = data.data_form
    personal = effective_form in PERSONAL_FORMS
    identifiable_to_recipient = effective_form is DataForm.IDENTIFIABLE or (
        effective_form is DataForm.PSEUDONYMISED
        and not pseudonymise
        and data.recipient_can_reidentify is True
    )
    confidential = data.confidential_patient_information and identifiable_to_recipient
    special_items = tuple(item for item in shared if item.special_category) if personal else ()

    basis_answers = answers.lawful_basis
    art6 = basis_answers.art6 if basis_answers else Art6Condition.NONE
    art9 = basis_answers.art9 if basis_answers else Art9Condition.NONE
    basis = basis_answers.confidentiality_basis if basis_answers else ConfidentialityBasis.NONE
    consent = basis_answers.consent if basis_answers else ConsentState.NOT_SOUGHT
    consent_date = basis_answers.consent_date if basis_answers else None
    needs_given_consent = (
        basis is ConfidentialityBasis.EXPLICIT_CONSENT
        or art6 is Art6Condition.A_CONSENT
        or art9 is Art9Condition.A_EXPLICIT_CONSENT
    )
    objected = basis_answers is not None and basis_answers.objections_raised
    dissent = objected or consent in DISSENTING_CONSENT
    decider = basis_answers.consent_decided_by if basis_answers else None
    capacity = basis_answers.capacity if basis_answers else Capacity.MANY_PEOPLE
    unauthorised_consent = (
        consent is ConsentState.GIVEN and decider is not None and decider not in AUTHORISED_DECIDERS[capacity]
    )

    relationship = answers.legitimate_relationship
    criteria_met = (
        tuple(entry for entry in LEGITIMATE_RELATIONSHIP_CRITERIA if getattr(relationship, entry.id))
        if relationship
        else ()
    )
    role = relationship.recipient_role if relationship else None
    legitimate = role in IN_CARE_TEAM and bool(criteria_met)
    # An objection ends implied consent [003 criterion "told ... and does not object"; refusal of consent].
    implied_valid = (
        basis is ConfidentialityBasis.IMPLIED_CONSENT and purpose.direct_care and legitimate and not dissent
    )
    best = answers.best_interests
    carer_unmet = (
        tuple(entry for entry in CARER_CRITERIA if getattr(best, entry.id) is not True)
        if best is not None and best.recipient_is_carer
        else ()
    )
    best_capacity = capacity is Capacity.LACKS_CAPACITY_NO_ONE_WITH_AUTHORITY
    best_valid = (
        basis is ConfidentialityBasis.BEST_INTERESTS and best_capacity and not carer_unmet and not objected
    )
    consented = (
        (
            basis is ConfidentialityBasis.EXPLICIT_CONSENT
            and consent is ConsentState.GIVEN
            and not unauthorised_consent
        )
        or implied_valid
        or best_valid
    )

    screening_all = tuple(
        entry for entry in DPIA_SCREENING_QUESTIONS if getattr(answers.dpia_screening, entry.id)
    )
    # Anonymised data is outside UK GDPR [004 6.6], so only personal data is screened for a DPIA.
    screening_yes = screening_all if personal else ()
    if purpose.frequency is Frequency.ONE_OFF and not policy.screen_one_off_requests:
        screening_yes = tuple(entry for entry in screening_yes if entry.id in DPIA_HIGH_RISK_QUESTION_IDS)
    set_aside = tuple(entry for entry in screening_all if entry not in screening_yes)
    regular = purpose.frequency in (Frequency.ROUTINE, Frequency.BULK)
    large_scale = data.approximate_subject_count >= policy.large_scale_subject_count
    dpia_required = (personal and (regular or large_scale)) or bool(screening_yes)
    isa_required = (
        personal
        and regular
        and answers.transfer.existing_isa_reference is None
        and not purpose.recipient_is_processor
    )

    return Facts(
        answers=answers,
        today=today,
        policy=policy,
        recipient_assurance_lapsed=recipient_assurance_lapsed,
        category=purpose.category,
        direct_care=purpose.direct_care,
        secondary_use=not purpose.direct_care and purpose.category not in NOT_SECONDARY,
        regular=regular,
        large_scale=large_scale,
        at_risk_of_harm=answers.safeguarding is not None and answers.safeguarding.at_risk_of_harm,
        police=police,
        living=not data.deceased,
        processor=purpose.recipient_is_processor,
        declared_form=data.data_form,
        hidden_identifiers=hidden_identifiers,
        anonymise=anonymise,
        pseudonymise=pseudonymise,
        personal=personal,
        confidential=confidential,
        confidential_source=data.confidential_patient_information and personal,
        non_essential_items=non_essential,
        police_unneeded_items=police_unneeded,
        shared_items=shared,
        special_items=special_items,
        special=bool(special_items),
        art6=art6,
        art9=art9,
        basis=basis,
        consent=consent,
        consent_date=consent_date,
        consent_age_days=(today - consent_date).days if consent_date else None,
        opt_out_applied=basis_answers is not None and basis_answers.national_data_opt_out_applied,
        relies_on_consent=needs_given_consent or basis is ConfidentialityBasis.IMPLIED_CONSENT,
        needs_given_consent=needs_given_consent,
        dissent=dissent,
        objected=objected,
        unauthorised_consent=unauthorised_consent,
        statutory=basis in STATUTORY_BASES,
        care_team_role=role,
        legitimate_relationship=legitimate,
        criteria_met=criteria_met,
        implied_consent_valid=implied_valid,
        best_interests_capacity=best_capacity,
        carer_criteria_unmet=carer_unmet,
        best_interests_valid=best_valid,
        without_consent=confidential and not consented,
        dpia_triggers=screening_yes,
        dpia_set_aside=set_aside if personal else (),
        dpia_required=dpia_required,
        isa_required=isa_required,
        unconfirmed_principles=tuple(
            entry for entry in CALDICOTT_PRINCIPLES if not getattr(answers.caldicott, entry.id).confirmed
        ),
        existing_isa=answers.transfer.existing_isa_reference,
        existing_dpia=answers.transfer.existing_dpia_reference,
        unencrypted_method=answers.transfer.method in UNENCRYPTABLE_METHODS,
    )


def names(items: tuple[DataItem, ...]) -> str:
    """'A', 'A and B', 'A, B and C': item names as a sentence fragment."""
    labels = [item.name for item in items]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def codes(items: tuple[DataItem, ...]) -> tuple[str, ...]:
    return tuple(item.code for item in items)
