"""Closed vocabularies of the wizard answers and the engine result.

Every enum is a StrEnum so that the stored value is the stable code (what JSON and the database hold) and
the label is what a person reads. Labels live in one table per enum rather than on the members because
StrEnum members compare equal to their string value: a single dict keyed by members would let
``Art6Condition.NONE`` and ``Art9Condition.NONE`` collide.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class PurposeCategory(StrEnum):
    DIRECT_CARE = "direct_care"
    SAFEGUARDING = "safeguarding"
    PLANNING_COMMISSIONING = "planning_commissioning"
    PUBLIC_HEALTH = "public_health"
    RESEARCH = "research"
    REGULATION = "regulation"
    POLICE_CRIME = "police_crime"
    LEGAL_PROCEEDINGS = "legal_proceedings"
    OTHER = "other"


class Urgency(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class Frequency(StrEnum):
    ONE_OFF = "one_off"
    ROUTINE = "routine"
    BULK = "bulk"


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class RecipientKind(StrEnum):
    NHS_TRUST = "nhs_trust"
    GP = "gp"
    LOCAL_AUTHORITY = "local_authority"
    POLICE = "police"
    REGULATOR = "regulator"
    HEALTHWATCH = "healthwatch"
    CARE_PROVIDER = "care_provider"
    RESEARCH_BODY = "research_body"
    OTHER = "other"


class DataForm(StrEnum):
    IDENTIFIABLE = "identifiable"
    PSEUDONYMISED = "pseudonymised"
    ANONYMISED = "anonymised"
    NON_PERSONAL = "non_personal"


class Art6Condition(StrEnum):
    A_CONSENT = "a_consent"
    B_CONTRACT = "b_contract"
    C_LEGAL_OBLIGATION = "c_legal_obligation"
    D_VITAL_INTERESTS = "d_vital_interests"
    E_PUBLIC_TASK = "e_public_task"
    F_LEGITIMATE_INTERESTS = "f_legitimate_interests"
    NONE = "none"


class Art9Condition(StrEnum):
    A_EXPLICIT_CONSENT = "a_explicit_consent"
    B_EMPLOYMENT_SOCIAL_SECURITY = "b_employment_social_security"
    C_VITAL_INTERESTS = "c_vital_interests"
    D_NOT_FOR_PROFIT_BODY = "d_not_for_profit_body"
    E_MADE_PUBLIC = "e_made_public"
    F_LEGAL_CLAIMS = "f_legal_claims"
    G_SUBSTANTIAL_PUBLIC_INTEREST = "g_substantial_public_interest"
    H_HEALTH_SOCIAL_CARE = "h_health_social_care"
    I_PUBLIC_HEALTH = "i_public_health"
    J_ARCHIVING_RESEARCH_STATISTICS = "j_archiving_research_statistics"
    NONE = "none"


class ConfidentialityBasis(StrEnum):
    EXPLICIT_CONSENT = "explicit_consent"
    IMPLIED_CONSENT = "implied_consent"
    LEGAL_DUTY_OR_COURT_ORDER = "legal_duty_or_court_order"
    OVERRIDING_PUBLIC_INTEREST = "overriding_public_interest"
    SECTION_251 = "section_251"
    BEST_INTERESTS = "best_interests"
    ACCESS_TO_HEALTH_RECORDS_ACT = "access_to_health_records_act"
    NOT_CONFIDENTIAL = "not_confidential"
    NONE = "none"


class ConsentState(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NOT_SOUGHT = "not_sought"
    CANNOT_BE_OBTAINED = "cannot_be_obtained"


class Capacity(StrEnum):
    """Who may decide about the sharing, for the person (or people) it is about."""

    ADULT_WITH_CAPACITY = "adult_with_capacity"
    COMPETENT_CHILD = "competent_child"
    CHILD_NOT_COMPETENT = "child_not_competent"
    LACKS_CAPACITY_WITH_ATTORNEY_OR_DEPUTY = "lacks_capacity_with_attorney_or_deputy"
    LACKS_CAPACITY_NO_ONE_WITH_AUTHORITY = "lacks_capacity_no_one_with_authority"
    MANY_PEOPLE = "many_people"


class ConsentDecider(StrEnum):
    THE_PERSON = "the_person"
    PARENTAL_RESPONSIBILITY = "parental_responsibility"
    HEALTH_WELFARE_ATTORNEY = "health_welfare_attorney"
    COURT_DEPUTY = "court_deputy"


class CareTeamRole(StrEnum):
    REGISTERED_PROFESSIONAL = "registered_professional"
    UNREGISTERED_CARE_STAFF = "unregistered_care_staff"
    NOT_IN_CARE_TEAM = "not_in_care_team"


class LegalDutyKind(StrEnum):
    COURT_ORDER = "court_order"
    CORONER = "coroner"
    STATUTORY_NOTICE = "statutory_notice"
    NOTIFIABLE_DISEASE = "notifiable_disease"
    OTHER_STATUTE = "other_statute"


class CrimeSeriousness(StrEnum):
    SERIOUS = "serious"
    NOT_SERIOUS = "not_serious"


class InternationalSafeguard(StrEnum):
    ADEQUACY_REGULATION = "adequacy_regulation"
    IDTA = "idta"
    ADDENDUM = "addendum"
    NONE = "none"


class PoliceExemption(StrEnum):
    DPA_SCH2_PART1_PARA2 = "dpa_sch2_part1_para2"
    DPA_SCH2_PART1_PARA5 = "dpa_sch2_part1_para5"
    COURT_ORDER = "court_order"
    STATUTORY_REQUIREMENT = "statutory_requirement"
    NONE = "none"


class TransferMethod(StrEnum):
    SECURE_EMAIL = "secure_email"
    ORDINARY_EMAIL = "ordinary_email"
    SECURE_FILE_TRANSFER = "secure_file_transfer"
    SYSTEM_TO_SYSTEM = "system_to_system"
    PORTAL_ACCESS = "portal_access"
    REMOVABLE_MEDIA = "removable_media"
    POST = "post"
    HAND_DELIVERY = "hand_delivery"
    TELEPHONE = "telephone"
    VERBAL_IN_PERSON = "verbal_in_person"
    OTHER = "other"


class Outcome(StrEnum):
    SHARE = "share"
    SHARE_WITH_CONDITIONS = "share_with_conditions"
    DO_NOT_SHARE = "do_not_share"
    CALDICOTT_DECISION = "caldicott_decision"


class Stage(StrEnum):
    """Sign-off stages, declared in the order a request passes through them."""

    IG_DPO = "ig_dpo"
    CALDICOTT_GUARDIAN = "caldicott_guardian"
    SIRO = "siro"


class Effect(StrEnum):
    """What a fired rule does to the result."""

    DO_NOT_SHARE = "do_not_share"
    CALDICOTT_DECISION = "caldicott_decision"
    SHARE_NOW = "share_now"
    CONDITION = "condition"
    REQUIRE_DPIA = "require_dpia"
    REQUIRE_ISA = "require_isa"
    ROUTE = "route"
    NOTE = "note"


class ConditionCode(StrEnum):
    REMOVE_ITEMS = "remove_items"
    USE_ALTERNATIVE = "use_alternative"
    SEND_ANONYMISED = "send_anonymised"
    SEND_PSEUDONYMISED = "send_pseudonymised"
    ENCRYPT = "encrypt"
    RECORD_AND_REVIEW = "record_and_review"
    RECHECK_CONSENT = "recheck_consent"
    APPLY_OPT_OUT = "apply_opt_out"
    NO_ONWARD_SHARING = "no_onward_sharing"
    RECORD_POLICE_DISCLOSURE = "record_police_disclosure"
    OBTAIN_WRITTEN_POLICE_REQUEST = "obtain_written_police_request"
    EXPLAIN_TO_PERSON = "explain_to_person"
    CONFIRM_CALDICOTT_PRINCIPLES = "confirm_caldicott_principles"
    CARE_TEAM_SAFEGUARDS = "care_team_safeguards"
    RECORD_LEGAL_DISCLOSURE = "record_legal_disclosure"
    COMPLETE_PAPERWORK_FIRST = "complete_paperwork_first"
    PROCESSING_CONTRACT = "processing_contract"
    VERIFY_RECIPIENT = "verify_recipient"
    CHECK_CLAIM_AND_REDACT = "check_claim_and_redact"
    CHECK_RECIPIENT_ASSURANCE = "check_recipient_assurance"


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


_LABELS: Mapping[type[StrEnum], Mapping[str, str]] = {
    PurposeCategory: {
        "direct_care": "Direct care",
        "safeguarding": "Safeguarding",
        "planning_commissioning": "Planning or commissioning",
        "public_health": "Public health (for example disease surveillance or outbreak control)",
        "research": "Research",
        "regulation": "Regulation",
        "police_crime": "Police or crime",
        "legal_proceedings": "Legal proceedings",
        "other": "Other",
    },
    Urgency: {"routine": "Routine", "urgent": "Urgent", "emergency": "Emergency"},
    Frequency: {"one_off": "One-off", "routine": "Routine (regular flow)", "bulk": "Bulk"},
    Direction: {"outbound": "We send", "inbound": "We receive"},
    RecipientKind: {
        "nhs_trust": "NHS trust",
        "gp": "GP practice",
        "local_authority": "Local authority",
        "police": "Police",
        "regulator": "Regulator",
        "healthwatch": "Healthwatch",
        "care_provider": "Care provider",
        "research_body": "Research body",
        "other": "Other",
    },
    DataForm: {
        "identifiable": "Identifiable",
        "pseudonymised": "Pseudonymised",
        "anonymised": "Anonymised or aggregated",
        "non_personal": "Not about people",
    },
    Art6Condition: {
        "a_consent": "Art 6(1)(a) consent",
        "b_contract": "Art 6(1)(b) contract",
        "c_legal_obligation": "Art 6(1)(c) legal obligation",
        "d_vital_interests": "Art 6(1)(d) vital interests",
        "e_public_task": "Art 6(1)(e) public task",
        "f_legitimate_interests": "Art 6(1)(f) legitimate interests",
        "none": "No Article 6 condition applies",
    },
    Art9Condition: {
        "a_explicit_consent": "Art 9(2)(a) explicit consent",
        "b_employment_social_security": "Art 9(2)(b) employment, social security and social protection",
        "c_vital_interests": "Art 9(2)(c) vital interests where consent cannot be given",
        "d_not_for_profit_body": "Art 9(2)(d) not-for-profit body",
        "e_made_public": "Art 9(2)(e) made manifestly public by the person",
        "f_legal_claims": "Art 9(2)(f) legal claims or courts",
        "g_substantial_public_interest": "Art 9(2)(g) substantial public interest (DPA 2018 Sch 1 Part 2)",
        "h_health_social_care": "Art 9(2)(h) health or social care",
        "i_public_health": "Art 9(2)(i) public health",
        "j_archiving_research_statistics": "Art 9(2)(j) archiving, research or statistics",
        "none": "No Article 9 condition applies",
    },
    ConfidentialityBasis: {
        "explicit_consent": "Explicit consent",
        "implied_consent": "Implied consent (direct care)",
        "legal_duty_or_court_order": "Legal duty or court order",
        "overriding_public_interest": "Overriding public interest",
        "section_251": "Section 251 support (Confidentiality Advisory Group)",
        "best_interests": "Best interests of a person who lacks capacity (Mental Capacity Act 2005)",
        "access_to_health_records_act": "Access to Health Records Act 1990 (a deceased person's records)",
        "not_confidential": "The information is not held in confidence",
        "none": "No basis",
    },
    ConsentState: {
        "given": "Given",
        "refused": "Refused",
        "withdrawn": "Withdrawn",
        "not_sought": "Not sought",
        "cannot_be_obtained": "Cannot be obtained",
    },
    Capacity: {
        "adult_with_capacity": "An adult who can decide for themselves",
        "competent_child": "A child who is Gillick competent (decides for themselves)",
        "child_not_competent": "A child who is not Gillick competent",
        "lacks_capacity_with_attorney_or_deputy": (
            "An adult who lacks capacity, with a health and welfare attorney or a deputy"
        ),
        "lacks_capacity_no_one_with_authority": (
            "An adult who lacks capacity, and nobody holds authority to decide"
        ),
        "many_people": "Many people: not a decision about one person",
    },
    ConsentDecider: {
        "the_person": "The person themselves",
        "parental_responsibility": "Someone with parental responsibility",
        "health_welfare_attorney": "A health and welfare attorney (lasting power of attorney)",
        "court_deputy": "A deputy appointed by the Court of Protection",
    },
    CareTeamRole: {
        "registered_professional": "A registered and regulated health or social care professional",
        "unregistered_care_staff": (
            "Care staff who are not registered (care home, domiciliary care or support workers) in the "
            "person's care team"
        ),
        "not_in_care_team": "Not part of the person's care team",
    },
    LegalDutyKind: {
        "court_order": "Court order",
        "coroner": "Coroner's requirement",
        "statutory_notice": "Statutory notice (e.g. Road Traffic Act 1988 s172)",
        "notifiable_disease": "Notifiable disease (Health Protection (Notification) Regulations 2010)",
        "other_statute": "Another statutory duty to disclose",
    },
    CrimeSeriousness: {
        "serious": "A serious crime, or serious harm to someone",
        "not_serious": "A minor offence, with no serious harm",
    },
    InternationalSafeguard: {
        "adequacy_regulation": "UK adequacy regulations cover the country",
        "idta": "International data transfer agreement (IDTA)",
        "addendum": "UK addendum to the EU standard contractual clauses",
        "none": "No safeguard in place",
    },
    PoliceExemption: {
        "dpa_sch2_part1_para2": "DPA 2018 Sch 2 Part 1 para 2 (crime and taxation)",
        "dpa_sch2_part1_para5": "DPA 2018 Sch 2 Part 1 para 5 (required by law or legal proceedings)",
        "court_order": "Court order",
        "statutory_requirement": "Statutory requirement (e.g. Road Traffic Act 1988 s172)",
        "none": "No exemption cited",
    },
    TransferMethod: {
        "secure_email": "Secure email (NHSmail to NHSmail, or an accredited secure service)",
        "ordinary_email": "Ordinary email",
        "secure_file_transfer": "Secure file transfer (SFTP)",
        "system_to_system": "System to system",
        "portal_access": "Access to our system or portal",
        "removable_media": "Removable media",
        "post": "Post",
        "hand_delivery": "Hand delivery",
        "telephone": "Telephone",
        "verbal_in_person": "Spoken in person",
        "other": "Other",
    },
    Outcome: {
        "share": "Share",
        "share_with_conditions": "Share with conditions",
        "do_not_share": "Do not share",
        "caldicott_decision": "Decision by the Caldicott Guardian",
    },
    Stage: {
        "ig_dpo": "IG / Data Protection Officer",
        "caldicott_guardian": "Caldicott Guardian",
        "siro": "Senior Information Risk Owner",
    },
    Effect: {
        "do_not_share": "Do not share",
        "caldicott_decision": "Caldicott Guardian decides",
        "share_now": "Share now, review afterwards",
        "condition": "Condition",
        "require_dpia": "DPIA required",
        "require_isa": "ISA required",
        "route": "Sign-off required",
        "note": "Note",
    },
    ConditionCode: {
        "remove_items": "Remove items",
        "use_alternative": "Use a less identifying alternative",
        "send_anonymised": "Send anonymised or aggregated data only",
        "send_pseudonymised": "Send pseudonymised data only",
        "encrypt": "Encrypt the transfer",
        "record_and_review": "Record and review afterwards",
        "recheck_consent": "Re-check consent",
        "apply_opt_out": "Apply the national data opt-out",
        "no_onward_sharing": "No onward sharing unless agreed",
        "record_police_disclosure": "Record the police request and disclosure",
        "obtain_written_police_request": "Obtain a written police request",
        "explain_to_person": "Explain the legal basis to the person",
        "confirm_caldicott_principles": "Confirm the Caldicott principles",
        "care_team_safeguards": "Confirm the care team's safeguards",
        "record_legal_disclosure": "Share the minimum the law requires and record it",
        "complete_paperwork_first": "Complete the DPIA or agreement before the first transfer",
        "processing_contract": "Data processing contract (UK GDPR Art 28)",
        "verify_recipient": "Verify the recipient",
        "check_claim_and_redact": "Check the claim and redact",
        "check_recipient_assurance": "Check the recipient's assurance",
    },
    Risk: {"low": "Low", "medium": "Medium", "high": "High"},
}


def label(member: StrEnum) -> str:
    """The human label of an enum member."""
    return _LABELS[type(member)][member.value]


def choices(enum_cls: type[StrEnum]) -> tuple[tuple[str, str], ...]:
    """``(value, label)`` pairs in declaration order, the shape Django form and model choices take."""
    labels = _LABELS[enum_cls]
    return tuple((member.value, labels[member.value]) for member in enum_cls)


LABELLED_ENUMS: tuple[type[StrEnum], ...] = tuple(_LABELS)
