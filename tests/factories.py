from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from igportal.roles import Role, role_grant
from necessity.rules import answers_from_dict, answers_to_dict, assess, result_to_dict
from requests_app.models import (
    AccessRequest,
    AccessRequestChannel,
    AccessRequestClarification,
    AccessRequestKind,
    AgreementStatus,
    AgreementVersion,
    Assessment,
    DataFlow,
    DataFlowStatus,
    DataItemType,
    Disclosure,
    DisclosureKind,
    Dpia,
    DpiaRisk,
    Incident,
    InformationAsset,
    Organisation,
    OrganisationKind,
    PartnerSignatory,
    RequestItem,
    RequestStatus,
    SharingAgreement,
    SharingRequest,
    SignatoryRole,
    SignatureStatus,
)
from requests_app.services.references import reference_allocate

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.nhs.uk")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Iterable[Role] | None, **kwargs: Any) -> None:
        for role in extracted or ():
            role_grant(user=self, role=role)  # type: ignore[arg-type]


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Partner Organisation {n}")
    kind = OrganisationKind.NHS_TRUST
    contact_name = "IG lead"
    contact_email = factory.Sequence(lambda n: f"ig{n}@partner.example")


_EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def example_assessment(name: str = "police_admission_dates") -> tuple[dict[str, Any], dict[str, Any], str]:
    """A worked example's answers and the engine's real result for them, as stored JSON."""
    example = json.loads((_EXAMPLES / f"{name}.json").read_text())
    answers = answers_from_dict(example["answers"])
    result = assess(answers, today=datetime.date.fromisoformat(example["today"]))
    return answers_to_dict(answers), result_to_dict(result), example["today"]


def make_request(
    *,
    requester: User,
    status: RequestStatus = RequestStatus.SUBMITTED,
    stages: tuple[str, ...] = ("ig_dpo", "caldicott_guardian"),
    example: str = "police_admission_dates",
    recipient: Organisation | None = None,
    purpose_category: str = "police_crime",
    urgency: str = "urgent",
    submitted_at: datetime.datetime | None = None,
    title: str = "",
    frequency: str = "one_off",
    data_form: str = "identifiable",
    items: Iterable[str] = (),
) -> SharingRequest:
    """A sharing request in any state, with a real frozen assessment, made straight in the database."""
    sharing_request = SharingRequest.objects.create(
        reference=reference_allocate(prefix="ISR", year=2026),
        requester=requester,
        status=status,
        title=title or f"Test request {example}",
        recipient=recipient or OrganisationFactory.create(),
        purpose_category=purpose_category,
        urgency=urgency,
        frequency=frequency,
        direction="outbound",
        data_form=data_form,
        stages=list(stages),
        submitted_at=None if status == RequestStatus.DRAFT else (submitted_at or timezone.now()),
    )
    if status != RequestStatus.DRAFT:
        answers, result, today = example_assessment(example)
        Assessment.objects.create(
            request=sharing_request,
            number=1,
            answers=answers,
            result=result,
            rules_version=result["rules_version"],
            outcome=result["outcome"],
            risk=result["risk"],
            dpia_required=result["dpia_required"],
            isa_required=result["isa_required"],
            required_signoffs=result["required_signoffs"],
            assessed_on=datetime.date.fromisoformat(today),
            created_by=requester,
        )
    RequestItem.objects.bulk_create(
        RequestItem(request=sharing_request, item_type=DataItemType.objects.get(code=code)) for code in items
    )
    return sharing_request


class AccessRequestFactory(factory.django.DjangoModelFactory[AccessRequest]):
    """A case written straight to the table, bypassing the service: ``due_on`` is whatever is passed."""

    class Meta:
        model = AccessRequest

    # Numbered from 90000 so they never meet the references the service hands out from 1.
    reference = factory.LazyAttributeSequence(
        lambda case, n: f"{AccessRequestKind(case.kind).prefix}-{case.received_on.year}-{90000 + n:05d}"
    )
    kind = AccessRequestKind.SAR
    received_on = date(2025, 9, 3)
    channel = AccessRequestChannel.EMAIL
    requester_name = factory.Sequence(lambda n: f"Requester {n}")
    requester_email = factory.Sequence(lambda n: f"requester{n}@example.org")
    description = "Copies of my records"
    # Nobody logs in as the creator, so no password: hashing one costs a third of a second per case.
    created_by = factory.SubFactory(UserFactory, password=None)


class AccessRequestClarificationFactory(factory.django.DjangoModelFactory[AccessRequestClarification]):
    class Meta:
        model = AccessRequestClarification

    access_request = factory.SubFactory(AccessRequestFactory)
    asked_on = date(2025, 9, 5)
    question = "Which years do you need?"


# --- the DPO's registers -------------------------------------------------------------------------------

ISA_CONTENT: dict[str, Any] = {
    "purpose": "Monthly activity extract to plan community cardiology services.",
    "art6": "e_public_task",
    "art9": "h_health_social_care",
    "confidentiality_basis": "section_251",
    "data_subjects": "Patients with a cardiology outpatient or inpatient episode.",
    "data_form": "pseudonymised",
    "transfer_method": "secure_file_transfer",
    "security_measures": "Encrypted in transit and at rest; named analysts only.",
    "retention": "Two years, then securely deleted.",
    "subject_rights": "Each party answers requests it receives and tells the other within 5 working days.",
    "breach_handling": "Tell the other party's IG lead within 24 hours.",
    "start_on": date(2026, 11, 1),
    "review_on": date(2027, 11, 1),
}


def partner_with_signatory(**fields: Any) -> Organisation:
    """A partner organisation with a named signatory, so that an ISA with it can be sent for signature."""
    partner = OrganisationFactory.create(**fields)
    PartnerSignatory.objects.create(
        organisation=partner,
        name=f"Signatory of {partner.name}",
        role=SignatoryRole.DPO,
        email=f"dpo{partner.pk}@partner.example",
    )
    return partner


def sign_for_every_partner(version: AgreementVersion) -> None:
    """Each partner still asked signs through the signing service, as its link would have it."""
    from requests_app.services.isas import signature_sign

    for ask in version.signatures.filter(status=SignatureStatus.PENDING, organisation__isnull=False):
        signature_sign(
            signature=ask,
            name=f"Signatory of {ask.organisation}",
            role="Data Protection Officer",
            declaration=True,
            http_request=None,
        )
    version.refresh_from_db()


def make_agreement(
    *,
    author: User,
    title: str = "Northshire Community Trust",
    status: AgreementStatus = AgreementStatus.DRAFT,
    parties: Iterable[Organisation] = (),
    agreement: SharingAgreement | None = None,
    items: Iterable[str] = ("nhs_number", "health_data"),
    **overrides: Any,
) -> AgreementVersion:
    """A complete ISA version in any state, made straight in the database (the next version of
    ``agreement`` when given)."""
    if agreement is None:
        agreement = SharingAgreement.objects.create(
            reference=reference_allocate(prefix="ISA", year=2026), title=title, created_by=author
        )
    number = (agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        status=status,
        created_by=author,
        change_summary="" if number == 1 else "Updated retention.",
        **{**ISA_CONTENT, **overrides},
    )
    version.parties.set(list(parties) or [partner_with_signatory()])
    version.data_items.set(DataItemType.objects.filter(code__in=list(items)))
    return version


def make_flow(
    *,
    requester: User,
    created_by: User,
    agreement: SharingAgreement | None = None,
    status: DataFlowStatus = DataFlowStatus.ACTIVE,
    recipient: Organisation | None = None,
    next_review_on: date = date(2027, 11, 1),
    **overrides: Any,
) -> DataFlow:
    """A data flow from a fresh approved routine request, made straight in the database."""
    request = make_request(
        requester=requester,
        status=RequestStatus.APPROVED,
        example="commissioning_extract_pseudonymise",
        purpose_category="planning_commissioning",
        frequency="routine",
        recipient=recipient,
    )
    fields: dict[str, Any] = {
        "name": "Monthly cardiology activity extract",
        "source_asset": "Cardiology patient administration system",
        "asset_owner": created_by,
        "recipient": request.recipient,
        "purpose_category": "planning_commissioning",
        "purpose": "Plan community cardiology services.",
        "data_form": "pseudonymised",
        "art6": "e_public_task",
        "art9": "h_health_social_care",
        "confidentiality_basis": "section_251",
        "transfer_method": "secure_file_transfer",
        "frequency": "routine",
        "schedule": "monthly",
        **overrides,
    }
    flow = DataFlow.objects.create(
        reference=reference_allocate(prefix="DF", year=2026),
        request=request,
        agreement=agreement,
        status=status,
        next_review_on=next_review_on,
        created_by=created_by,
        **fields,
    )
    flow.data_items.set(DataItemType.objects.filter(code__in=["nhs_number", "health_data"]))
    return flow


def make_disclosure(
    *,
    recorded_by: User,
    request: SharingRequest | None = None,
    kind: DisclosureKind = DisclosureKind.DISCLOSURE,
    recipient: Organisation | None = None,
    **overrides: Any,
) -> Disclosure:
    fields: dict[str, Any] = {
        "purpose_category": "police_crime" if request is None else request.purpose_category,
        "information": "Admission and discharge dates for one patient.",
        "disclosed_on": date(2026, 11, 10),
        "art6": "c_legal_obligation" if kind == DisclosureKind.DISCLOSURE else "",
        "art9": "",
        "confidentiality_basis": "overriding_public_interest" if kind == DisclosureKind.DISCLOSURE else "",
        "transfer_method": "secure_email" if kind == DisclosureKind.DISCLOSURE else "",
        "refusal_rationale": "Not necessary for the enquiry." if kind == DisclosureKind.REFUSAL else "",
        **overrides,
    }
    return Disclosure.objects.create(
        reference=reference_allocate(prefix="DL", year=2026),
        kind=kind,
        request=request,
        recipient=recipient
        or (request.recipient if request and request.recipient else OrganisationFactory.create()),
        disclosed_by=recorded_by,
        recorded_by=recorded_by,
        **fields,
    )


SCREENING_ALL_NO = {
    "q1_personal_data": False,
    "q2_sensitive_data": False,
    "q3_unique_identifiers": False,
    "q4_reidentifiable_pseudonymised": False,
    "q5_new_access": False,
    "q6_new_purpose": False,
    "q7_intrusive_technology": False,
    "q8_significant_decisions": False,
    "q9_additional_collection": False,
    "q10_intrusive_contact": False,
}


def make_dpia(
    *, author: User, risks: int = 1, screening_yes: Iterable[str] = ("q1_personal_data",), **overrides: Any
) -> Dpia:
    dpia = Dpia.objects.create(
        reference=reference_allocate(prefix="DPIA", year=2026),
        title=overrides.pop("title", "Cardiology extract"),
        screening={**SCREENING_ALL_NO, **dict.fromkeys(screening_yes, True)},
        processing_description="Monthly pseudonymised extract to the ICB.",
        necessity_assessment="Linked episodes are needed; identities are not.",
        created_by=author,
        **overrides,
    )
    for _ in range(risks):
        DpiaRisk.objects.create(
            dpia=dpia,
            description="Re-identification by linkage.",
            likelihood=2,
            severity=3,
            mitigation="Pseudonymise; key kept by the trust.",
            residual_likelihood=1,
            residual_severity=2,
        )
    return dpia


def make_incident(*, reported_by: User, **overrides: Any) -> Incident:
    fields: dict[str, Any] = {
        "kind": "breach",
        "category": "disclosed_in_error",
        "title": "Discharge letter sent to the wrong GP practice",
        "description": "A discharge letter went to the wrong practice.",
        "aware_at": timezone.now(),
        "likelihood": 3,
        "severity": 2,
        "ico_reportable": True,
        **overrides,
    }
    return Incident.objects.create(
        reference=reference_allocate(prefix="INC", year=2026), reported_by=reported_by, **fields
    )


def make_asset(*, owner: User, status: str = "active", **overrides: Any) -> InformationAsset:
    """An information asset owned by ``owner`` (given the owner role), made straight in the database."""
    role_grant(user=owner, role=Role.INFORMATION_ASSET_OWNER)
    fields: dict[str, Any] = {
        "name": "Cardiology patient administration system",
        "description": "Referrals, appointments and procedures.",
        "business_area": "Cardiology",
        "asset_format": "system",
        "location": "Northshire PAS",
        "data_subjects": "Patients referred to cardiology",
        "data_categories": "Demographics, appointments, diagnoses",
        "special_category": True,
        "sensitivity": "official_sensitive",
        "art6": "e_public_task",
        "art9": "h_health_social_care",
        "confidentiality_basis": "implied_consent",
        "retention_period": "8 years after treatment",
        "retention_authority": "NHS Records Management Code of Practice",
        "security_measures": "Role-based access and audit",
        "next_review_on": timezone.localdate() + datetime.timedelta(days=365),
        **overrides,
    }
    return InformationAsset.objects.create(
        reference=reference_allocate(prefix="IA", year=2026),
        owner=owner,
        status=status,
        amended_at=timezone.now(),
        created_by=owner,
        **fields,
    )
