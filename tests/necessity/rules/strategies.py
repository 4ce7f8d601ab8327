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
    CaldicottConfirmations,
    ConfidentialityBasis,
    ConsentState,
    Data,
    DataForm,
    DataItem,
    Direction,
    DpiaScreening,
    Frequency,
    LawfulBasis,
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
from necessity.rules.validation import CONSENT_STATES_WITH_DATE, NEVER_DIRECT_CARE, PERSONAL_FORMS

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
def _lawful_basis(draw: st.DrawFn) -> LawfulBasis:
    consent = draw(st.sampled_from(ConsentState))
    objections = draw(st.booleans())
    return LawfulBasis(
        art6=draw(st.sampled_from(Art6Condition)),
        art9=draw(st.sampled_from(Art9Condition)),
        confidentiality_basis=draw(st.sampled_from(ConfidentialityBasis)),
        consent=consent,
        consent_date=draw(dates) if consent in CONSENT_STATES_WITH_DATE else None,
        how_informed=draw(texts),
        objections_raised=objections,
        objection_details=draw(texts) if objections else None,
        national_data_opt_out_applied=draw(st.booleans()),
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
    serious_harm: bool | None = None,
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
    onward = draw(st.booleans())

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
            background=draw(st.just("") | texts),
        ),
        safeguarding=(
            Safeguarding(
                concern=draw(texts),
                risk_of_serious_harm=serious_harm if serious_harm is not None else draw(st.booleans()),
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
            recipient_can_reidentify=draw(st.booleans()) if form is DataForm.PSEUDONYMISED else None,
        ),
        lawful_basis=draw(_lawful_basis()) if personal else None,
        legitimate_relationship=draw(_flags(LegitimateRelationship)) if direct_care and personal else None,
        necessity=(
            Necessity(
                anonymised_would_serve=draw(rarely),
                pseudonymised_would_serve=draw(rarely),
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
        transfer=Transfer(
            method=draw(st.sampled_from(TransferMethod)),
            encrypted=draw(st.booleans()),
            retention_period=draw(texts),
            onward_sharing=onward,
            onward_sharing_details=draw(texts) if onward else None,
            existing_isa_reference=draw(st.none() | texts),
        ),
        dpia_screening=draw(_flags(DpiaScreening)),
        caldicott=draw(_caldicott()),
    )
