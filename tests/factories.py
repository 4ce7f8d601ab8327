from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from igportal.roles import Role, role_grant
from requests_app.models import (
    AccessRequest,
    AccessRequestChannel,
    AccessRequestClarification,
    AccessRequestKind,
    Organisation,
    OrganisationKind,
)

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
