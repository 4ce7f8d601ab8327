"""Hand-made answers for rule tests: a few clean baselines, and ``change`` to vary one answer at a time.

Each baseline is valid and, apart from the routing it needs, fires as little as possible, so a table row
that changes one answer shows exactly which rule that answer triggers.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from necessity.rules import (
    Answers,
    Art6Condition,
    Art9Condition,
    BestInterests,
    CaldicottConfirmations,
    Capacity,
    CareTeamRole,
    ConfidentialityBasis,
    ConsentDecider,
    ConsentState,
    CrimeSeriousness,
    Data,
    DataForm,
    DataItem,
    Direction,
    DpiaScreening,
    Frequency,
    LawfulBasis,
    LegalDuty,
    LegalDutyKind,
    LegitimateRelationship,
    Necessity,
    PoliceExemption,
    PoliceItemNecessity,
    PoliceRequest,
    PrincipleCheck,
    Proportionality,
    Purpose,
    PurposeCategory,
    RecipientKind,
    Safeguarding,
    Transfer,
    TransferMethod,
    Urgency,
)

TODAY = datetime.date(2026, 11, 3)

T = TypeVar("T")


def change(value: T, changes: Mapping[str, Any]) -> T:
    """A copy of a frozen dataclass with dotted paths replaced, e.g. ``{"lawful_basis.art6": ...}``."""
    result = value
    for path, new in changes.items():
        result = _replace_path(result, path.split("."), new)
    return result


def _replace_path(value: T, parts: list[str], new: object) -> T:
    head, *rest = parts
    replacement = new if not rest else _replace_path(getattr(value, head), rest, new)
    return dataclasses.replace(value, **{head: replacement})  # type: ignore[type-var]


def item(
    code: str,
    *,
    identifying: bool = True,
    special: bool = False,
    essential: bool = True,
    alternative: str | None = None,
) -> DataItem:
    return DataItem(
        code=code,
        name=code.replace("_", " ").capitalize(),
        identifying=identifying,
        special_category=special,
        essential=essential,
        justification=f"{code} is needed for the purpose",
        less_identifying_alternative=alternative,
    )


def caldicott(*unconfirmed: str) -> CaldicottConfirmations:
    fields = [field.name for field in dataclasses.fields(CaldicottConfirmations)]
    return CaldicottConfirmations(
        **{
            name: PrincipleCheck(
                confirmed=name not in unconfirmed, evidence="" if name in unconfirmed else "Met."
            )
            for name in fields
        }
    )


def screening(*yes: str) -> DpiaScreening:
    return DpiaScreening(**{field.name: field.name in yes for field in dataclasses.fields(DpiaScreening)})


def purpose(category: PurposeCategory, *, direct_care: bool, kind: RecipientKind) -> Purpose:
    return Purpose(
        description="Share for the stated purpose.",
        function_served="The function the sharing serves.",
        category=category,
        direct_care=direct_care,
        urgency=Urgency.ROUTINE,
        frequency=Frequency.ONE_OFF,
        direction=Direction.OUTBOUND,
        recipient_kind=kind,
        recipient_name="Partner organisation",
        recipient_is_processor=False,
        background="",
    )


def data(*items: DataItem, form: DataForm = DataForm.IDENTIFIABLE, confidential: bool = True) -> Data:
    return Data(
        subjects_description="The people concerned.",
        approximate_subject_count=1,
        data_form=form,
        items=items,
        confidential_patient_information=confidential,
        deceased=False,
        recipient_can_reidentify=True if form is DataForm.PSEUDONYMISED else None,
    )


def lawful_basis(
    art6: Art6Condition,
    art9: Art9Condition,
    basis: ConfidentialityBasis,
    consent: ConsentState = ConsentState.NOT_SOUGHT,
    consent_date: datetime.date | None = None,
    capacity: Capacity = Capacity.ADULT_WITH_CAPACITY,
) -> LawfulBasis:
    return LawfulBasis(
        art6=art6,
        art9=art9,
        confidentiality_basis=basis,
        capacity=capacity,
        consent=consent,
        consent_decided_by=ConsentDecider.THE_PERSON if consent_date is not None else None,
        consent_date=consent_date,
        how_informed="Privacy notice.",
        objections_raised=False,
        objection_details=None,
        national_data_opt_out_applied=False,
    )


NECESSARY = Necessity(
    anonymised_would_serve=False, pseudonymised_would_serve=False, reason="Identity needed."
)
# Direct care is for named people: the wizard does not ask whether less identifying data would do.
NAMED = Necessity(anonymised_would_serve=None, pseudonymised_would_serve=None, reason="Care of this person.")
PROPORTIONATE = Proportionality(
    impact_on_people="Small.", public_interest_served="Care.", proportionate=True, reason="Balanced."
)
SECURE = Transfer(
    method=TransferMethod.SECURE_EMAIL,
    encrypted=True,
    retention_period="As the recipient's records policy.",
    onward_sharing=False,
    onward_sharing_details=None,
    existing_isa_reference=None,
    existing_dpia_reference=None,
    processing_contract_reference=None,
    outside_uk=False,
    destination_country=None,
    international_safeguard=None,
)


def direct_care() -> Answers:
    """A GP referral with implied consent: share, IG/DPO sign-off only."""
    return Answers(
        purpose=purpose(PurposeCategory.DIRECT_CARE, direct_care=True, kind=RecipientKind.NHS_TRUST),
        safeguarding=None,
        police=None,
        data=data(item("patient_name"), item("clinical_summary", identifying=False, special=True)),
        lawful_basis=lawful_basis(
            Art6Condition.E_PUBLIC_TASK,
            Art9Condition.H_HEALTH_SOCIAL_CARE,
            ConfidentialityBasis.IMPLIED_CONSENT,
        ),
        legal_duty=None,
        best_interests=None,
        legitimate_relationship=LegitimateRelationship(
            recipient_role=CareTeamRole.REGISTERED_PROFESSIONAL,
            safeguards_in_place=None,
            presents_for_care=False,
            agreed_to_referral=True,
            accepted_screening_or_immunisation=False,
            emergency_consent_not_possible=False,
            legal_duty=False,
            told_and_did_not_object=False,
            accepted_service=False,
        ),
        necessity=NAMED,
        proportionality=PROPORTIONATE,
        transfer=SECURE,
        dpia_screening=screening(),
        caldicott=caldicott(),
    )


def secondary(category: PurposeCategory = PurposeCategory.PLANNING_COMMISSIONING) -> Answers:
    """A secondary use with fresh explicit consent: share, IG/DPO sign-off only."""
    return Answers(
        purpose=purpose(category, direct_care=False, kind=RecipientKind.OTHER),
        safeguarding=None,
        police=None,
        data=data(item("nhs_number"), item("diagnosis", identifying=False, special=True)),
        lawful_basis=lawful_basis(
            Art6Condition.A_CONSENT,
            Art9Condition.A_EXPLICIT_CONSENT,
            ConfidentialityBasis.EXPLICIT_CONSENT,
            ConsentState.GIVEN,
            TODAY - datetime.timedelta(days=30),
        ),
        legal_duty=None,
        best_interests=None,
        legitimate_relationship=None,
        necessity=NECESSARY,
        proportionality=PROPORTIONATE,
        transfer=SECURE,
        dpia_screening=screening(),
        caldicott=caldicott(),
    )


COURT_ORDER = LegalDuty(
    kind=LegalDutyKind.COURT_ORDER,
    reference="Order of the County Court, case 1",
    what_is_required="The records named in the order.",
)


def carer(*unmet: str) -> BestInterests:
    """Best interests sharing with a carer; ``unmet`` names the [003] criteria answered no."""
    criteria = (
        "carer_cares_for_person",
        "no_legal_document_prevents_sharing",
        "no_contra_indications_in_record",
        "no_safeguarding_issues",
    )
    return BestInterests(
        why_in_best_interests="The carer needs the medication plan to care for the person.",
        recipient_is_carer=True,
        **{name: name not in unmet for name in criteria},
    )


def without_consent(
    answers: Answers,
    basis: ConfidentialityBasis,
    capacity: Capacity = Capacity.ADULT_WITH_CAPACITY,
) -> Answers:
    """Swap a consent-based lawful basis for a non-consent one (public task, health and social care),
    with the step that basis needs (a legal duty, a best interests decision)."""
    return change(
        answers,
        {
            "lawful_basis": lawful_basis(
                Art6Condition.E_PUBLIC_TASK,
                Art9Condition.H_HEALTH_SOCIAL_CARE,
                basis,
                capacity=capacity,
            ),
            "legal_duty": COURT_ORDER if basis is ConfidentialityBasis.LEGAL_DUTY_OR_COURT_ORDER else None,
            "best_interests": carer() if basis is ConfidentialityBasis.BEST_INTERESTS else None,
        },
    )


def police() -> Answers:
    """A police request for one patient's admission dates, exemption cited, public interest."""
    items = (item("patient_name"), item("admission_dates", identifying=False, special=True))
    return Answers(
        purpose=purpose(PurposeCategory.POLICE_CRIME, direct_care=False, kind=RecipientKind.POLICE),
        safeguarding=None,
        police=PoliceRequest(
            officer="DC Example 1234",
            reference="CR/1",
            information_requested="Admission dates.",
            enquiry_description="Serious assault.",
            involves_patient_information=True,
            item_necessity=tuple(PoliceItemNecessity(i.code, True) for i in items),
            exemption_cited=PoliceExemption.DPA_SCH2_PART1_PARA2,
            seriousness=CrimeSeriousness.SERIOUS,
        ),
        data=data(*items),
        lawful_basis=lawful_basis(
            Art6Condition.E_PUBLIC_TASK,
            Art9Condition.G_SUBSTANTIAL_PUBLIC_INTEREST,
            ConfidentialityBasis.OVERRIDING_PUBLIC_INTEREST,
        ),
        legal_duty=None,
        best_interests=None,
        legitimate_relationship=None,
        necessity=NECESSARY,
        proportionality=PROPORTIONATE,
        transfer=SECURE,
        dpia_screening=screening(),
        caldicott=caldicott(),
    )


def safeguarding(*, at_risk: bool = True) -> Answers:
    """A safeguarding referral made in the public interest without consent."""
    return Answers(
        purpose=purpose(PurposeCategory.SAFEGUARDING, direct_care=False, kind=RecipientKind.LOCAL_AUTHORITY),
        safeguarding=Safeguarding(concern="Signs of neglect.", at_risk_of_harm=at_risk),
        police=None,
        data=data(item("child_name"), item("injury_notes", identifying=False, special=True)),
        lawful_basis=lawful_basis(
            Art6Condition.E_PUBLIC_TASK,
            Art9Condition.G_SUBSTANTIAL_PUBLIC_INTEREST,
            ConfidentialityBasis.OVERRIDING_PUBLIC_INTEREST,
        ),
        legal_duty=None,
        best_interests=None,
        legitimate_relationship=None,
        necessity=NECESSARY,
        proportionality=PROPORTIONATE,
        transfer=SECURE,
        dpia_screening=screening(),
        caldicott=caldicott(),
    )


def anonymised(form: DataForm = DataForm.ANONYMISED) -> Answers:
    """Aggregate counts: the short path."""
    return Answers(
        purpose=purpose(PurposeCategory.OTHER, direct_care=False, kind=RecipientKind.HEALTHWATCH),
        safeguarding=None,
        police=None,
        data=data(
            item("month", identifying=False), item("count", identifying=False), form=form, confidential=False
        ),
        lawful_basis=None,
        legal_duty=None,
        best_interests=None,
        legitimate_relationship=None,
        necessity=None,
        proportionality=None,
        transfer=SECURE,
        dpia_screening=screening(),
        caldicott=caldicott(),
    )
