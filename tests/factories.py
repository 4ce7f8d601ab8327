from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from igportal.roles import Role, role_grant
from requests_app.models import Organisation, OrganisationKind

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
