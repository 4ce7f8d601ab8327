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
    Assessment,
    Organisation,
    OrganisationKind,
    RequestStatus,
    SharingRequest,
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
        frequency="one_off",
        direction="outbound",
        data_form="identifiable",
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
