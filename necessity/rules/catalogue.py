"""Question and principle wording taken from the reference policies, kept as data.

The ids are the field names of the matching answer dataclasses (``DpiaScreening``,
``CaldicottConfirmations``, ``LegitimateRelationship``,
``BestInterests``), so the wizard can label each form field from this
table and a test can prove that the two never drift apart.

The DPIA questions are those of [004 Appendix 2] word for word except that "the policy" reads "the
sharing": the BLMK form screens a policy, the portal screens one sharing request.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    number: int
    text: str
    source: str


DPIA_SCREENING_QUESTIONS: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "q1_personal_data",
        1,
        "Will the sharing result in the processing of personal identifiable information / data? This "
        "includes information about living or deceased individuals, including their name, address "
        "postcode, email address, telephone number, payroll number etc.",
        "004 Appendix 2",
    ),
    CatalogueEntry(
        "q2_sensitive_data",
        2,
        "Will the sharing result in the processing of sensitive information / data? This includes for "
        "living or deceased individuals, including their physical health, mental health, sexuality, sexual "
        "orientation, religious belief, National Insurance No., political interest etc.",
        "004 Appendix 2",
    ),
    CatalogueEntry(
        "q3_unique_identifiers",
        3,
        "Will the sharing involve the sharing of identifiers which are unique to an individual or "
        "household? e.g., Hospital Number, NHS Number, National Insurance Number, Payroll Number etc.",
        "004 Appendix 2",
    ),
    CatalogueEntry(
        "q4_reidentifiable_pseudonymised",
        4,
        "Will the sharing result in the processing of pseudonymised information by organisations who have "
        "the key / ability to reidentify the information?",
        "004 Appendix 2",
    ),
    CatalogueEntry(
        "q5_new_access",
        5,
        "Will the sharing result in organisations or people having access to information they do not "
        "currently have access to?",
        "004 Appendix 2",
    ),
    CatalogueEntry(
        "q6_new_purpose",
        6,
        "Will the sharing result in an organisation using information it already holds or has access to, "
        "but for a different purpose?",
        "004 Appendix 2",
    ),
    CatalogueEntry(
        "q7_intrusive_technology",
        7,
        "Does the sharing result in the use of technology which might be perceived as being privacy "
        "intruding? e.g., biometrics, facial recognition, CCTV, audio recording etc.",
        "004 Appendix 2",
    ),
    CatalogueEntry(
        "q8_significant_decisions",
        8,
        "Will the sharing result in decisions being made or action being taken against individuals in "
        "ways which could have a significant impact on them? Including profiling and automated decision "
        "making.",
        "004 Appendix 2",
    ),
    CatalogueEntry(
        "q9_additional_collection",
        9,
        "Will the sharing result in the collection of additional information about individuals in "
        "addition to what is already collected / held?",
        "004 Appendix 2",
    ),
    CatalogueEntry(
        "q10_intrusive_contact",
        10,
        "Will the sharing require individuals to be contacted in ways which they may not be aware of and "
        "may find intrusive? e.g., personal email, text message etc.",
        "004 Appendix 2",
    ),
)

# Questions 7 and 8 are the UK GDPR Art 35(3) high-risk kinds (intrusive monitoring, significant
# automated decisions): they call for a DPIA even for a one-off request.
DPIA_HIGH_RISK_QUESTION_IDS: frozenset[str] = frozenset(
    {"q7_intrusive_technology", "q8_significant_decisions"}
)

# The National Data Guardian's wording of 8 December 2020 (Eight Caldicott Principles), which [003] cites
# under Guidance; [003]'s own list paraphrases the older wording ("client", "his or her").
CALDICOTT_PRINCIPLES: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "p1_justify_purpose", 1, "Justify the purpose(s) for using confidential information.", "003"
    ),
    CatalogueEntry(
        "p2_only_when_necessary", 2, "Use confidential information only when it is necessary.", "003"
    ),
    CatalogueEntry("p3_minimum_necessary", 3, "Use the minimum necessary confidential information.", "003"),
    CatalogueEntry(
        "p4_need_to_know",
        4,
        "Access to confidential information should be on a strict need-to-know basis.",
        "003",
    ),
    CatalogueEntry(
        "p5_understand_responsibilities",
        5,
        "Everyone who has access to confidential information should be aware of their responsibilities.",
        "003",
    ),
    CatalogueEntry("p6_comply_with_law", 6, "Comply with the law.", "003"),
    CatalogueEntry(
        "p7_duty_to_share",
        7,
        "The duty to share information for individual care is as important as the duty to protect "
        "patient confidentiality.",
        "003",
    ),
    CatalogueEntry(
        "p8_inform_people",
        8,
        "Inform patients and service users about how their confidential information is used.",
        "003",
    ),
)

LEGITIMATE_RELATIONSHIP_CRITERIA: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "presents_for_care",
        1,
        "The individual presents themselves to the professional to receive care.",
        "003",
    ),
    CatalogueEntry(
        "agreed_to_referral",
        2,
        "The individual agrees to a referral from one care professional to another.",
        "003",
    ),
    CatalogueEntry(
        "accepted_screening_or_immunisation",
        3,
        "The individual is invited by a professional to take part in a screening or immunisation programme "
        "for which they are eligible, and they accept.",
        "003",
    ),
    CatalogueEntry(
        "emergency_consent_not_possible",
        4,
        "The individual presents to a health or social care professional in an emergency situation where "
        "consent is not possible.",
        "003",
    ),
    CatalogueEntry(
        "legal_duty",
        5,
        "The relationship is part of a legal duty (e.g., contact tracing in public health).",
        "003",
    ),
    CatalogueEntry(
        "told_and_did_not_object",
        6,
        "The individual is told of a proposed communication and does not object.",
        "003",
    ),
    CatalogueEntry(
        "accepted_service",
        7,
        "The individual accepts a service, and so accepts that those providing it are told what they need "
        "to provide it.",
        "003 best practice when sharing",
    ),
)

# The criteria of [003 "Carers, family members and friends"] for sharing with a carer in the best
# interests of a person who lacks capacity; the first ("the client lacks capacity") is
# ``LawfulBasis.capacity``, the others are the ``BestInterests`` fields named here.
CARER_CRITERIA: tuple[CatalogueEntry, ...] = (
    CatalogueEntry("carer_cares_for_person", 2, "The carer 'cares for' the person.", "003"),
    CatalogueEntry(
        "no_legal_document_prevents_sharing",
        3,
        "There is no legal documentation in place to prevent sharing.",
        "003",
    ),
    CatalogueEntry(
        "no_contra_indications_in_record",
        4,
        "There are no contra-indications to sharing in the person's record.",
        "003",
    ),
    CatalogueEntry("no_safeguarding_issues", 5, "There are no safeguarding issues apparent.", "003"),
)


def principle(number: int) -> CatalogueEntry:
    return CALDICOTT_PRINCIPLES[number - 1]
