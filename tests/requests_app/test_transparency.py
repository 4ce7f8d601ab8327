"""The public transparency page: active flows only, and nothing but its whitelisted fields."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from django.urls import reverse

from requests_app.models import (
    AgreementStatus,
    AuditEvent,
    DataFlow,
    DataFlowStatus,
    OrganisationSettings,
    SharingAgreement,
)
from tests.conftest import ClientFor
from tests.factories import OrganisationFactory, make_agreement, make_flow
from tests.igportal.test_security_headers import INLINE_HANDLER, INLINE_SCRIPT, INLINE_STYLE

pytestmark = pytest.mark.django_db

NAME = "Bethany Quarrington"
NHS_NUMBER = "943 476 5919"
SECRET = f"{NAME} NHS {NHS_NUMBER} born 12/03/1961 internal note"


def _seed_every_free_text_field(instance: models.Model) -> None:
    """Write the secret into every text field and every JSON field of the row."""
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.choices or getattr(field, "unique", False):
            continue
        if isinstance(field, models.CharField | models.TextField) and not isinstance(
            field, models.EmailField
        ):
            setattr(instance, field.attname, SECRET[: field.max_length] if field.max_length else SECRET)
        elif isinstance(field, models.JSONField):
            setattr(instance, field.attname, {"purpose": {"description": SECRET}, "note": SECRET})
    instance.save()


def test_the_page_is_public_and_lists_active_flows_in_words(ig_officer: User, requester: User) -> None:
    trust = OrganisationFactory.create(name="Northshire Community Trust")
    active = make_flow(requester=requester, created_by=ig_officer, recipient=trust)
    for status in (DataFlowStatus.AWAITING_ISA, DataFlowStatus.SUSPENDED, DataFlowStatus.ENDED):
        make_flow(
            requester=requester,
            created_by=ig_officer,
            status=status,
            recipient=OrganisationFactory.create(name=f"Hidden {status}"),
        )
    response = Client().get(reverse("transparency"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Northshire Community Trust" in content
    assert "Planning or commissioning" in content
    assert "Pseudonymised: NHS number, Health data (diagnoses, conditions, treatment)" in content
    assert (
        "It is part of the work the law gives us as a public body "
        '<span class="nhsuk-body-s portal-citation">(UK GDPR Art 6(1)(e) public task)</span>'
    ) in content
    assert "It is needed to provide or manage health or social care" in content
    assert "(UK GDPR Art 9(2)(h) health or social care)" in content
    assert 'href="https://www.nhs.uk/your-nhs-data-matters/"' in content
    assert "OFFICIAL SENSITIVE" not in content
    assert "Routine (regular flow), monthly; secure file transfer" in content
    assert "1 active data flow" in content and "Hidden" not in content
    assert active.reference not in content
    for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
        assert not pattern.search(content)
    # Reading a public page is not an event of anyone's.
    assert not AuditEvent.objects.exists()


def test_no_free_text_from_flows_requests_or_agreements_reaches_the_page(
    ig_officer: User, requester: User
) -> None:
    version = make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE)
    flow = make_flow(requester=requester, created_by=ig_officer, agreement=version.agreement)
    _seed_every_free_text_field(flow)
    _seed_every_free_text_field(flow.request)
    for assessment in flow.request.assessments.all():
        _seed_every_free_text_field(assessment)
    _seed_every_free_text_field(version)
    SharingAgreement.objects.filter(pk=version.agreement_id).update(title=SECRET)
    # The people and the partner's contact behind the flow are never named either.
    for person in (requester, ig_officer):
        person.first_name, person.last_name, person.email = NAME.split()[0], NAME.split()[1], "bq@example.org"
        person.save()
    flow.recipient.contact_name = NAME
    flow.recipient.save()
    assert DataFlow.objects.get(pk=flow.pk).notes == SECRET

    content = Client().get(reverse("transparency")).content.decode()
    assert flow.recipient.name in content
    for leak in (
        NAME,
        "Bethany",
        "Quarrington",
        NHS_NUMBER,
        "9434765919",
        "12/03/1961",
        "internal note",
        "bq@example.org",
    ):
        assert leak not in content, leak


def test_an_officer_who_has_not_passed_mfa_still_sees_the_public_page(dpo: User) -> None:
    client = Client()
    client.force_login(dpo)
    assert client.get(reverse("transparency")).status_code == 200


def test_the_page_refuses_post() -> None:
    assert Client().post(reverse("transparency")).status_code == 405


def test_no_flows_says_so() -> None:
    assert (
        "We have no routine data flows at present." in Client().get(reverse("transparency")).content.decode()
    )


def test_it_reads_only_the_published_columns(
    ig_officer: User, requester: User, django_assert_num_queries: object
) -> None:
    flow = make_flow(requester=requester, created_by=ig_officer)
    OrganisationSettings.load()
    # the organisation's name, the flows' whitelisted columns, their data items' names
    with django_assert_num_queries(3):  # type: ignore[operator]
        response = Client().get(reverse("transparency"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "1 active data flow" in content
    assert str(flow.recipient) in content


def test_the_page_names_the_dpo_and_how_to_contact_them(dpo: User) -> None:
    dpo.first_name, dpo.last_name, dpo.email = "Dana", "Okafor", "dpo@northshire.nhs.uk"
    dpo.save()
    settings = OrganisationSettings.load()
    settings.dpo = dpo
    settings.save()
    content = Client().get(reverse("transparency")).content.decode()
    assert "Our Data Protection Officer is Dana Okafor." in content.replace("\n", " ")
    assert 'href="mailto:dpo@northshire.nhs.uk"' in content


def test_other_pages_keep_their_marking(client_for: ClientFor, requester: User) -> None:
    assert "OFFICIAL SENSITIVE" in client_for(requester).get(reverse("home")).content.decode()
