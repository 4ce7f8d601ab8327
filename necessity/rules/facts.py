"""Facts derived once from the answers, so that each rule is a one-line predicate over named facts.

The central idea is the *effective* data form: what would actually leave once the engine's own
necessity conditions are met. If anonymised data would serve, identifiable data is not allowed
[004 6.5.2], so lawfulness and confidentiality are judged on the anonymised version; if pseudonymised
data would serve, they are judged on pseudonymised data whose key stays with us [004 6.6.2, 6.10].
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from necessity.rules.answers import Answers, DataItem, PoliceRequest
from necessity.rules.catalogue import (
    CALDICOTT_PRINCIPLES,
    DPIA_HIGH_RISK_QUESTION_IDS,
    DPIA_SCREENING_QUESTIONS,
    LEGITIMATE_RELATIONSHIP_CRITERIA,
    CatalogueEntry,
)
from necessity.rules.enums import (
    Art6Condition,
    Art9Condition,
    ConfidentialityBasis,
    ConsentState,
    DataForm,
    Frequency,
    PurposeCategory,
)
from necessity.rules.policy import Policy
from necessity.rules.validation import PERSONAL_FORMS

CONSENT_BASES = frozenset({ConfidentialityBasis.EXPLICIT_CONSENT, ConfidentialityBasis.IMPLIED_CONSENT})
DISSENTING_CONSENT = frozenset({ConsentState.REFUSED, ConsentState.WITHDRAWN})
# Safeguarding and police requests have their own rules [004 6.2, 6.12]; everything else that is not
# direct care is a secondary use [004 6.10].
NOT_SECONDARY = frozenset({PurposeCategory.SAFEGUARDING, PurposeCategory.POLICE_CRIME})


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
    safeguarding_serious_harm: bool
    police: PoliceRequest | None

    declared_form: DataForm
    anonymise: bool
    pseudonymise: bool
    # The effective form (see the module docstring) is identifiable or pseudonymised.
    personal: bool
    # Confidential patient information that the recipient could tie to a person.
    confidential: bool

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

    legitimate_relationship: bool
    criteria_met: tuple[CatalogueEntry, ...]
    implied_consent_valid: bool
    # Confidential, and neither explicit consent given nor valid implied consent.
    without_consent: bool

    dpia_triggers: tuple[CatalogueEntry, ...]
    unconfirmed_principles: tuple[CatalogueEntry, ...]
    existing_isa: str | None


def derive_facts(answers: Answers, today: datetime.date, policy: Policy) -> Facts:
    purpose = answers.purpose
    data = answers.data
    necessity = answers.necessity

    declared_personal = data.data_form in PERSONAL_FORMS
    anonymise = declared_personal and necessity is not None and necessity.anonymised_would_serve
    pseudonymise = (
        not anonymise
        and data.data_form is DataForm.IDENTIFIABLE
        and necessity is not None
        and necessity.pseudonymised_would_serve
    )
    if anonymise:
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

    police = answers.police
    unneeded_codes = (
        {entry.item_code for entry in police.item_necessity if not entry.necessary_for_enquiry}
        if police
        else set()
    )
    non_essential = tuple(item for item in data.items if not item.essential)
    police_unneeded = tuple(item for item in data.items if item.code in unneeded_codes)
    shared = tuple(item for item in data.items if item.essential and item.code not in unneeded_codes)
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
    dissent = basis_answers is not None and (basis_answers.objections_raised or consent in DISSENTING_CONSENT)

    relationship = answers.legitimate_relationship
    criteria_met = (
        tuple(entry for entry in LEGITIMATE_RELATIONSHIP_CRITERIA if getattr(relationship, entry.id))
        if relationship
        else ()
    )
    legitimate = (
        relationship is not None and relationship.recipient_is_registered_professional and bool(criteria_met)
    )
    implied_valid = (
        basis is ConfidentialityBasis.IMPLIED_CONSENT
        and purpose.direct_care
        and legitimate
        and consent not in DISSENTING_CONSENT
    )
    consented = (
        basis is ConfidentialityBasis.EXPLICIT_CONSENT and consent is ConsentState.GIVEN
    ) or implied_valid

    screening_yes = tuple(
        entry for entry in DPIA_SCREENING_QUESTIONS if getattr(answers.dpia_screening, entry.id)
    )
    if purpose.frequency is Frequency.ONE_OFF and not policy.screen_one_off_requests:
        screening_yes = tuple(entry for entry in screening_yes if entry.id in DPIA_HIGH_RISK_QUESTION_IDS)

    return Facts(
        answers=answers,
        today=today,
        policy=policy,
        category=purpose.category,
        direct_care=purpose.direct_care,
        secondary_use=not purpose.direct_care and purpose.category not in NOT_SECONDARY,
        regular=purpose.frequency in (Frequency.ROUTINE, Frequency.BULK),
        large_scale=data.approximate_subject_count >= policy.large_scale_subject_count,
        safeguarding_serious_harm=answers.safeguarding is not None
        and answers.safeguarding.risk_of_serious_harm,
        police=police,
        declared_form=data.data_form,
        anonymise=anonymise,
        pseudonymise=pseudonymise,
        personal=personal,
        confidential=confidential,
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
        legitimate_relationship=legitimate,
        criteria_met=criteria_met,
        implied_consent_valid=implied_valid,
        without_consent=confidential and not consented,
        dpia_triggers=screening_yes,
        unconfirmed_principles=tuple(
            entry for entry in CALDICOTT_PRINCIPLES if not getattr(answers.caldicott, entry.id).confirmed
        ),
        existing_isa=answers.transfer.existing_isa_reference,
    )


def names(items: tuple[DataItem, ...]) -> str:
    """'A', 'A and B', 'A, B and C': item names as a sentence fragment."""
    labels = [item.name for item in items]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def codes(items: tuple[DataItem, ...]) -> tuple[str, ...]:
    return tuple(item.code for item in items)
