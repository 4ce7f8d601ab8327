"""A Hypothesis strategy for valid ``Answers``: every step present exactly when it applies."""

from __future__ import annotations

import dataclasses
import datetime
from typing import TypeVar

from hypothesis import strategies as st

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
    InternationalSafeguard,
    LawfulBasis,
    LegalDuty,
    LegalDutyKind,
    LegitimateRelationship,
    Necessity,
    PoliceExemption,
    PoliceItemNecessity,
    PoliceRequest,
    Policy,
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
from necessity.rules.fields import field_infos
from necessity.rules.validation import (
    CARER_FIELDS,
    CONSENT_STATES_WITH_DATE,
    NEVER_DIRECT_CARE,
    PERSONAL_FORMS,
    UNENCRYPTABLE_METHODS,
)

# Rules never read free text except to reject blanks, so a small pool (with punctuation and non-ASCII for
# the JSON round trip) keeps generation fast without losing coverage.
texts = st.sampled_from(
    ["Yes.", "A reason", "Café notes", "Ward 7 - obs", "Dr O'Neil", "x", '"quoted" / 50%']
)
item_codes = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
dates = st.dates(min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2030, 12, 31))
# Weighted so that most generated requests stay identifiable after the necessity step; otherwise the
# short path (where few rules apply) would dominate.
rarely = st.sampled_from([False, False, False, True])
forms = st.sampled_from(
    [
        DataForm.IDENTIFIABLE,
        DataForm.IDENTIFIABLE,
        DataForm.PSEUDONYMISED,
        DataForm.ANONYMISED,
        DataForm.NON_PERSONAL,
    ]
)
T = TypeVar("T")

policies = st.builds(
    Policy,
    consent_max_age_days=st.integers(0, 1000),
    large_scale_subject_count=st.integers(1, 100_000),
    screen_one_off_requests=st.booleans(),
    siro_signs_every_dpia=st.booleans(),
)


def _flags(cls: type[T]) -> st.SearchStrategy[T]:
    return st.builds(cls, **{info.name: st.booleans() for info in field_infos(cls)})


@st.composite
def _items(draw: st.DrawFn) -> tuple[DataItem, ...]:
    codes = draw(st.lists(item_codes, min_size=1, max_size=5, unique=True))
    return tuple(
        DataItem(
            code=code,
            name=draw(texts),
            identifying=draw(st.booleans()),
            special_category=draw(st.booleans()),
            essential=draw(st.booleans()),
            justification=draw(texts),
            less_identifying_alternative=draw(st.none() | texts),
        )
        for code in codes
    )


@st.composite
def _lawful_basis(draw: st.DrawFn, deceased: bool) -> LawfulBasis:
    consent = draw(st.sampled_from(ConsentState))
    objections = draw(st.booleans())
    bases = [
        basis
        for basis in ConfidentialityBasis
        if deceased or basis is not ConfidentialityBasis.ACCESS_TO_HEALTH_RECORDS_ACT
    ]
    dated = consent in CONSENT_STATES_WITH_DATE
    return LawfulBasis(
        art6=draw(st.sampled_from(Art6Condition)),
        art9=draw(st.sampled_from(Art9Condition)),
        confidentiality_basis=draw(st.sampled_from(bases)),
        capacity=draw(st.sampled_from(Capacity)),
        consent=consent,
        consent_decided_by=draw(st.sampled_from(ConsentDecider)) if dated else None,
        consent_date=draw(dates) if consent in CONSENT_STATES_WITH_DATE else None,
        how_informed=draw(texts),
        objections_raised=objections,
        objection_details=draw(texts) if objections else None,
        national_data_opt_out_applied=draw(st.booleans()),
    )


@st.composite
def _relationship(draw: st.DrawFn) -> LegitimateRelationship:
    role = draw(st.sampled_from(CareTeamRole))
    flags = {
        info.name: draw(st.booleans())
        for info in field_infos(LegitimateRelationship)
        if info.name not in ("recipient_role", "safeguards_in_place")
    }
    safeguards = draw(st.booleans()) if role is CareTeamRole.UNREGISTERED_CARE_STAFF else None
    return LegitimateRelationship(recipient_role=role, safeguards_in_place=safeguards, **flags)


@st.composite
def _best_interests(draw: st.DrawFn) -> BestInterests:
    is_carer = draw(st.booleans())
    return BestInterests(
        why_in_best_interests=draw(texts),
        recipient_is_carer=is_carer,
        **{name: draw(st.booleans()) if is_carer else None for name in CARER_FIELDS},
    )


@st.composite
def _transfer(draw: st.DrawFn) -> Transfer:
    method = draw(st.sampled_from(TransferMethod))
    onward = draw(st.booleans())
    abroad = draw(rarely)
    return Transfer(
        method=method,
        encrypted=None if method in UNENCRYPTABLE_METHODS else draw(st.booleans()),
        retention_period=draw(texts),
        onward_sharing=onward,
        onward_sharing_details=draw(texts) if onward else None,
        existing_isa_reference=draw(st.none() | texts),
        existing_dpia_reference=draw(st.none() | texts),
        processing_contract_reference=draw(st.none() | texts),
        outside_uk=abroad,
        destination_country=draw(texts) if abroad else None,
        international_safeguard=draw(st.sampled_from(InternationalSafeguard)) if abroad else None,
    )


@st.composite
def _caldicott(draw: st.DrawFn) -> CaldicottConfirmations:
    checks = {}
    for field in dataclasses.fields(CaldicottConfirmations):
        confirmed = draw(st.booleans())
        evidence = draw(texts) if confirmed else draw(st.just("") | texts)
        checks[field.name] = PrincipleCheck(confirmed=confirmed, evidence=evidence)
    return CaldicottConfirmations(**checks)


@st.composite
def answers(
    draw: st.DrawFn,
    category: PurposeCategory | None = None,
    at_risk: bool | None = None,
) -> Answers:
    category = category if category is not None else draw(st.sampled_from(PurposeCategory))
    if category is PurposeCategory.DIRECT_CARE:
        direct_care = True
    elif category in NEVER_DIRECT_CARE:
        direct_care = False
    else:
        direct_care = draw(st.booleans())
    form = draw(forms)
    personal = form in PERSONAL_FORMS
    items = draw(_items())
    deceased = draw(rarely)
    lawful_basis = draw(_lawful_basis(deceased)) if personal else None
    basis = lawful_basis.confidentiality_basis if lawful_basis else None

    return Answers(
        purpose=Purpose(
            description=draw(texts),
            function_served=draw(texts),
            category=category,
            direct_care=direct_care,
            urgency=draw(st.sampled_from(Urgency)),
            frequency=draw(st.sampled_from(Frequency)),
            direction=draw(st.sampled_from(Direction)),
            recipient_kind=draw(st.sampled_from(RecipientKind)),
            recipient_name=draw(texts),
            recipient_is_processor=draw(rarely),
            background=draw(st.just("") | texts),
        ),
        safeguarding=(
            Safeguarding(
                concern=draw(texts),
                at_risk_of_harm=at_risk if at_risk is not None else draw(st.booleans()),
            )
            if category is PurposeCategory.SAFEGUARDING
            else None
        ),
        police=(
            PoliceRequest(
                officer=draw(texts),
                reference=draw(texts),
                information_requested=draw(texts),
                enquiry_description=draw(texts),
                involves_patient_information=draw(st.booleans()),
                item_necessity=tuple(PoliceItemNecessity(item.code, draw(st.booleans())) for item in items),
                exemption_cited=draw(st.sampled_from(PoliceExemption)),
                seriousness=draw(st.sampled_from(CrimeSeriousness)),
            )
            if category is PurposeCategory.POLICE_CRIME
            else None
        ),
        data=Data(
            subjects_description=draw(texts),
            approximate_subject_count=draw(st.integers(0, 200_000)),
            data_form=form,
            items=items,
            confidential_patient_information=draw(st.booleans()),
            deceased=deceased,
            recipient_can_reidentify=draw(st.booleans()) if form is DataForm.PSEUDONYMISED else None,
        ),
        lawful_basis=lawful_basis,
        legal_duty=(
            LegalDuty(
                kind=draw(st.sampled_from(LegalDutyKind)), reference=draw(texts), what_is_required=draw(texts)
            )
            if basis is ConfidentialityBasis.LEGAL_DUTY_OR_COURT_ORDER
            else None
        ),
        best_interests=draw(_best_interests()) if basis is ConfidentialityBasis.BEST_INTERESTS else None,
        legitimate_relationship=draw(_relationship()) if direct_care and personal else None,
        necessity=(
            Necessity(
                anonymised_would_serve=None if direct_care else draw(rarely),
                pseudonymised_would_serve=None if direct_care else draw(rarely),
                reason=draw(texts),
            )
            if personal
            else None
        ),
        proportionality=(
            Proportionality(
                impact_on_people=draw(texts),
                public_interest_served=draw(texts),
                proportionate=draw(st.booleans()),
                reason=draw(texts),
            )
            if personal
            else None
        ),
        transfer=draw(_transfer()),
        dpia_screening=draw(_flags(DpiaScreening)),
        caldicott=draw(_caldicott()),
    )
