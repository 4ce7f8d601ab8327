"""What the nine wizard steps collect, as one frozen value.

One dataclass per wizard step (or conditional sub-step), so a Django form maps 1:1 onto one of them.
Sub-objects typed ``X | None`` are present exactly when their step applies; `validation.py` holds the
"present when" table and `docs/rules.md` repeats it for the wizard author.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated

from necessity.rules import fields as f
from necessity.rules.enums import (
    Art6Condition,
    Art9Condition,
    Capacity,
    CareTeamRole,
    ConfidentialityBasis,
    ConsentDecider,
    ConsentState,
    CrimeSeriousness,
    DataForm,
    Direction,
    Frequency,
    InternationalSafeguard,
    LegalDutyKind,
    PoliceExemption,
    PurposeCategory,
    RecipientKind,
    TransferMethod,
    Urgency,
)


@dataclass(frozen=True)
class Purpose:
    """Step 1 [000 5.iv, 004 6.1.3]."""

    description: Annotated[str, f.text("The legitimate purpose: what the sharing is for.")]
    function_served: Annotated[
        str, f.text("The function or outcome the sharing serves (e.g. the referral, the audit).")
    ]
    category: Annotated[PurposeCategory, f.answer("The kind of purpose.")]
    direct_care: Annotated[
        bool, f.answer("True when the sharing is for the individual care of the people concerned.")
    ]
    urgency: Annotated[Urgency, f.answer("How soon the information is needed.")]
    frequency: Annotated[Frequency, f.answer("One-off request, routine (regular) flow, or bulk extract.")]
    direction: Annotated[Direction, f.answer("Whether we send the information or receive it.")]
    recipient_kind: Annotated[
        RecipientKind,
        f.answer("The kind of the other organisation: who receives it, or for inbound sharing who sends it."),
    ]
    recipient_name: Annotated[str, f.text("The other organisation's name.")]
    recipient_is_processor: Annotated[
        bool,
        f.answer(
            "True when the recipient only processes the information on our instructions (a data processor "
            "under UK GDPR Art 28), rather than deciding its own use of it."
        ),
    ]
    background: Annotated[
        str, f.free_text("Background: links to a national initiative, project context [004 6.1.3].")
    ]


@dataclass(frozen=True)
class DataItem:
    code: Annotated[
        str, f.code("Stable item code, unique in the request: lower case letters, digits, underscores.")
    ]
    name: Annotated[str, f.text("What the item is, as a person would say it (e.g. 'Date of birth').")]
    identifying: Annotated[
        bool, f.answer("True when the item identifies a person on its own or with others [003].")
    ]
    special_category: Annotated[
        bool, f.answer("True when the item is special category data (e.g. health) [003].")
    ]
    essential: Annotated[
        bool, f.answer("True when the purpose cannot be met without this item [Caldicott 3].")
    ]
    justification: Annotated[str, f.text("Why this item is needed for the purpose.")]
    less_identifying_alternative: Annotated[
        str | None,
        f.text("A less identifying item that would do (e.g. 'age band' for date of birth), or null."),
    ]


@dataclass(frozen=True)
class Data:
    """Step 2 [003 definitions, 004 6.6]."""

    subjects_description: Annotated[str, f.text("Who the information is about.")]
    approximate_subject_count: Annotated[int, f.count("Roughly how many people the information is about.")]
    data_form: Annotated[DataForm, f.answer("The form the information is in as requested.")]
    items: Annotated[tuple[DataItem, ...], f.non_empty("Every data item, each with its justification.")]
    confidential_patient_information: Annotated[
        bool, f.answer("True when the information was given in confidence about patients or service users.")
    ]
    deceased: Annotated[
        bool,
        f.answer(
            "True when every person the information is about has died: UK GDPR no longer applies, the duty "
            "of confidentiality does [003]."
        ),
    ]
    recipient_can_reidentify: Annotated[
        bool | None,
        f.answer(
            "Only for pseudonymised data: True when the recipient holds the key or can otherwise "
            "re-identify; null for every other data form."
        ),
    ]


@dataclass(frozen=True)
class LawfulBasis:
    """Step 3 [UK GDPR Art 6 and 9, 001 s2, 003, 004 6.7]. Present for personal data only."""

    art6: Annotated[Art6Condition, f.answer("The UK GDPR Article 6(1) condition relied on, or none.")]
    art9: Annotated[
        Art9Condition, f.answer("The UK GDPR Article 9(2) condition for special category data, or none.")
    ]
    confidentiality_basis: Annotated[
        ConfidentialityBasis, f.answer("The common law duty of confidentiality basis.")
    ]
    capacity: Annotated[
        Capacity,
        f.answer(
            "Who can decide for the person: an adult with capacity, a Gillick competent child, a child who "
            "is not, an adult who lacks capacity (with or without an attorney or deputy), or many people."
        ),
    ]
    consent: Annotated[ConsentState, f.answer("Where the people concerned stand on consent.")]
    consent_decided_by: Annotated[
        ConsentDecider | None,
        f.answer(
            "Who gave, refused or withdrew consent; required when consent is given, refused or withdrawn, "
            "null otherwise."
        ),
    ]
    consent_date: Annotated[
        datetime.date | None,
        f.answer(
            "Date the current consent decision was recorded; required when consent is given, refused or "
            "withdrawn, null otherwise."
        ),
    ]
    how_informed: Annotated[str, f.text("How the people concerned are told about the sharing [004 6.1.3].")]
    objections_raised: Annotated[bool, f.answer("True when anyone concerned has objected to the sharing.")]
    objection_details: Annotated[
        str | None, f.text("What was objected to; required when objections were raised.")
    ]
    national_data_opt_out_applied: Annotated[
        bool, f.answer("True when people who registered a national data opt-out have been removed [004 6.7].")
    ]


@dataclass(frozen=True)
class LegitimateRelationship:
    """Step 3a, for direct care with personal data: the criteria of [003]."""

    recipient_role: Annotated[
        CareTeamRole,
        f.answer(
            "The recipient's place in the person's care: a registered professional, unregistered care staff "
            "in the care team (care home, domiciliary care), or not in the care team [002 3.21]."
        ),
    ]
    safeguards_in_place: Annotated[
        bool | None,
        f.answer(
            "Only for unregistered care staff: True when they are bound by confidentiality terms, trained "
            "and covered by an agreement [002 Rec 4; 004 6.9.5]; null otherwise."
        ),
    ]
    presents_for_care: Annotated[
        bool, f.answer("The individual presents themselves to the professional to receive care.")
    ]
    agreed_to_referral: Annotated[
        bool, f.answer("The individual agrees to a referral from one professional to another.")
    ]
    accepted_screening_or_immunisation: Annotated[
        bool, f.answer("The individual accepted an invitation to a screening or immunisation programme.")
    ]
    emergency_consent_not_possible: Annotated[
        bool, f.answer("The individual presents in an emergency situation where consent is not possible.")
    ]
    legal_duty: Annotated[bool, f.answer("The relationship is part of a legal duty (e.g. contact tracing).")]
    told_and_did_not_object: Annotated[
        bool, f.answer("The individual was told of the communication and did not object.")
    ]
    accepted_service: Annotated[
        bool,
        f.answer("The individual accepted a service, so those providing it are told what they need [003]."),
    ]


@dataclass(frozen=True)
class Safeguarding:
    """Step 1a, for safeguarding purposes [004 6.2]."""

    concern: Annotated[str, f.text("The concern: who may be at risk and of what.")]
    at_risk_of_harm: Annotated[
        bool,
        f.answer(
            "True when a child or adult may be at risk of harm, including abuse or neglect [004 6.2.1]."
        ),
    ]


@dataclass(frozen=True)
class PoliceItemNecessity:
    item_code: Annotated[str, f.code("The code of a data item in the request.")]
    necessary_for_enquiry: Annotated[bool, f.answer("True when the enquiry needs this item.")]


@dataclass(frozen=True)
class PoliceRequest:
    """Step 1b, for police requests [004 6.12]."""

    officer: Annotated[str, f.text("Requesting officer: name, rank or number, and force.")]
    reference: Annotated[str, f.text("Police reference (crime, incident or request form number).")]
    information_requested: Annotated[str, f.text("What the police asked for, in their words.")]
    enquiry_description: Annotated[str, f.text("The crime or enquiry the information is for.")]
    involves_patient_information: Annotated[
        bool, f.answer("True when the request is for patient or service-user information.")
    ]
    item_necessity: Annotated[
        tuple[PoliceItemNecessity, ...], f.answer("One entry per data item: whether the enquiry needs it.")
    ]
    exemption_cited: Annotated[PoliceExemption, f.answer("The exemption or power the police cite.")]
    seriousness: Annotated[
        CrimeSeriousness,
        f.answer(
            "Whether the enquiry concerns a serious crime or serious harm, or a minor offence [004 6.12]."
        ),
    ]


@dataclass(frozen=True)
class LegalDuty:
    """Step 3b, when the law requires the disclosure [004 6.12; 001 s2; 003 legal requirement]."""

    kind: Annotated[LegalDutyKind, f.answer("What requires the disclosure.")]
    reference: Annotated[
        str, f.text("The order, notice or law and its section (e.g. 'Road Traffic Act 1988 s172 notice').")
    ]
    what_is_required: Annotated[
        str, f.text("Exactly what the order, notice or law requires to be disclosed.")
    ]


@dataclass(frozen=True)
class BestInterests:
    """Step 3c, when sharing in the best interests of a person who lacks capacity [MCA 2005 s4; 003]."""

    why_in_best_interests: Annotated[
        str, f.text("Why the sharing is in the person's best interests (Mental Capacity Act 2005 s4).")
    ]
    recipient_is_carer: Annotated[
        bool, f.answer("True when the recipient is a carer, family member or friend of the person.")
    ]
    carer_cares_for_person: Annotated[
        bool | None, f.answer("Carers only: the carer 'cares for' the person [003]; null otherwise.")
    ]
    no_legal_document_prevents_sharing: Annotated[
        bool | None,
        f.answer("Carers only: no legal documentation is in place to prevent sharing [003]; null otherwise."),
    ]
    no_contra_indications_in_record: Annotated[
        bool | None,
        f.answer(
            "Carers only: there are no contra-indications to sharing in the record [003]; null otherwise."
        ),
    ]
    no_safeguarding_issues: Annotated[
        bool | None, f.answer("Carers only: there are no safeguarding issues apparent [003]; null otherwise.")
    ]


@dataclass(frozen=True)
class Necessity:
    """Step 4, necessity test step 1 [000 5.iv]. Present for personal data only."""

    anonymised_would_serve: Annotated[
        bool | None,
        f.answer(
            "True when anonymised or aggregated data would achieve the purpose; null for direct care, which "
            "is for named people."
        ),
    ]
    pseudonymised_would_serve: Annotated[
        bool | None,
        f.answer(
            "True when pseudonymised data (key kept by us) would achieve the purpose; null for direct care."
        ),
    ]
    reason: Annotated[str, f.text("Why identifiable (or pseudonymised) data is or is not needed.")]


@dataclass(frozen=True)
class Proportionality:
    """Step 5, necessity test step 2 [000 5.iv]. Present for personal data only."""

    impact_on_people: Annotated[
        str, f.text("The likely impact on the privacy and interests of the people concerned.")
    ]
    public_interest_served: Annotated[str, f.text("The public interest the sharing serves.")]
    proportionate: Annotated[
        bool, f.answer("True when the interference is proportionate to the public interest served.")
    ]
    reason: Annotated[str, f.text("Why it is, or is not, proportionate.")]


@dataclass(frozen=True)
class Transfer:
    """Step 6 [004 6.4, 6.9; 001 s10, s13]."""

    method: Annotated[TransferMethod, f.answer("How the information will move.")]
    encrypted: Annotated[
        bool | None,
        f.answer(
            "True when the transfer is encrypted [004 6.4.2]; null for post, hand delivery, telephone and "
            "speaking in person, where encryption has no meaning."
        ),
    ]
    retention_period: Annotated[str, f.text("How long the recipient keeps it and how it is destroyed.")]
    onward_sharing: Annotated[bool, f.answer("True when the recipient intends to pass it on to anyone else.")]
    onward_sharing_details: Annotated[
        str | None, f.text("To whom and why; required when onward sharing is intended.")
    ]
    existing_isa_reference: Annotated[
        str | None,
        f.text("Reference of an active information sharing agreement that covers this sharing, or null."),
    ]
    existing_dpia_reference: Annotated[
        str | None, f.text("Reference of a completed DPIA that covers this sharing, or null.")
    ]
    processing_contract_reference: Annotated[
        str | None,
        f.text("Only for a processor: reference of the data processing contract (UK GDPR Art 28), or null."),
    ]
    outside_uk: Annotated[
        bool, f.answer("True when the recipient will hold or access the information outside the UK.")
    ]
    destination_country: Annotated[
        str | None, f.text("The country outside the UK; required when outside_uk, null otherwise.")
    ]
    international_safeguard: Annotated[
        InternationalSafeguard | None,
        f.answer(
            "What makes the transfer lawful (UK GDPR Arts 45-46): adequacy regulations, an IDTA or the UK "
            "addendum; required when outside_uk, null otherwise."
        ),
    ]


@dataclass(frozen=True)
class DpiaScreening:
    """Step 7: the ten screening questions of [004 Appendix 2]; wording in `catalogue.py`."""

    q1_personal_data: Annotated[bool, f.answer("Question 1: personal identifiable data.")]
    q2_sensitive_data: Annotated[bool, f.answer("Question 2: sensitive data.")]
    q3_unique_identifiers: Annotated[
        bool, f.answer("Question 3: identifiers unique to an individual or household.")
    ]
    q4_reidentifiable_pseudonymised: Annotated[
        bool, f.answer("Question 4: pseudonymised data held with the key.")
    ]
    q5_new_access: Annotated[bool, f.answer("Question 5: access to information not currently held.")]
    q6_new_purpose: Annotated[
        bool, f.answer("Question 6: information already held used for a different purpose.")
    ]
    q7_intrusive_technology: Annotated[bool, f.answer("Question 7: privacy-intruding technology.")]
    q8_significant_decisions: Annotated[
        bool, f.answer("Question 8: decisions with significant impact, profiling.")
    ]
    q9_additional_collection: Annotated[bool, f.answer("Question 9: collection of additional information.")]
    q10_intrusive_contact: Annotated[bool, f.answer("Question 10: contact people may find intrusive.")]


@dataclass(frozen=True)
class PrincipleCheck:
    confirmed: Annotated[bool, f.answer("True when the principle is met.")]
    evidence: Annotated[
        str, f.free_text("One line of evidence; required when confirmed, an explanation otherwise.")
    ]


@dataclass(frozen=True)
class CaldicottConfirmations:
    """Step 8: the eight Caldicott principles (NDG, 2020, cited by [003]); wording in `catalogue.py`."""

    p1_justify_purpose: Annotated[PrincipleCheck, f.answer("Principle 1: justify the purpose.")]
    p2_only_when_necessary: Annotated[
        PrincipleCheck, f.answer("Principle 2: use confidential information only when it is necessary.")
    ]
    p3_minimum_necessary: Annotated[
        PrincipleCheck, f.answer("Principle 3: use the minimum necessary confidential information.")
    ]
    p4_need_to_know: Annotated[
        PrincipleCheck, f.answer("Principle 4: access on a strict need-to-know basis.")
    ]
    p5_understand_responsibilities: Annotated[
        PrincipleCheck, f.answer("Principle 5: everyone with access is aware of their responsibilities.")
    ]
    p6_comply_with_law: Annotated[PrincipleCheck, f.answer("Principle 6: comply with the law.")]
    p7_duty_to_share: Annotated[
        PrincipleCheck, f.answer("Principle 7: the duty to share for individual care.")
    ]
    p8_inform_people: Annotated[
        PrincipleCheck, f.answer("Principle 8: inform people how their information is used.")
    ]


@dataclass(frozen=True)
class Answers:
    """Everything the wizard collects for one sharing request."""

    purpose: Annotated[Purpose, f.answer("Step 1: purpose.")]
    safeguarding: Annotated[
        Safeguarding | None, f.answer("Step 1a: present when the purpose category is safeguarding.")
    ]
    police: Annotated[
        PoliceRequest | None, f.answer("Step 1b: present when the purpose category is police_crime.")
    ]
    data: Annotated[Data, f.answer("Step 2: data.")]
    lawful_basis: Annotated[
        LawfulBasis | None, f.answer("Step 3: present for identifiable or pseudonymised data.")
    ]
    legal_duty: Annotated[
        LegalDuty | None,
        f.answer("Step 3b: present when the confidentiality basis is legal_duty_or_court_order."),
    ]
    best_interests: Annotated[
        BestInterests | None,
        f.answer("Step 3c: present when the confidentiality basis is best_interests."),
    ]
    legitimate_relationship: Annotated[
        LegitimateRelationship | None,
        f.answer("Step 3a: present for direct care with identifiable or pseudonymised data."),
    ]
    necessity: Annotated[
        Necessity | None, f.answer("Step 4: present for identifiable or pseudonymised data.")
    ]
    proportionality: Annotated[
        Proportionality | None, f.answer("Step 5: present for identifiable or pseudonymised data.")
    ]
    transfer: Annotated[Transfer, f.answer("Step 6: transfer and security.")]
    dpia_screening: Annotated[DpiaScreening, f.answer("Step 7: DPIA screening.")]
    caldicott: Annotated[CaldicottConfirmations, f.answer("Step 8: Caldicott principles.")]
