"""Drafts: made on the first save (once, however often that save is posted) and deletable until submitted."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.urls import reverse

from igportal.roles import Role
from requests_app.models import AuditEvent, Organisation, RequestItem, RequestStatus, SharingRequest
from requests_app.services.sharing import sharing_request_create, sharing_request_start
from tests.conftest import ClientFor, MakeUser
from tests.factories import OrganisationFactory, make_request
from tests.necessity.wizard_data import police_request_steps, start_request


@pytest.fixture
def police(db: None) -> Organisation:
    return OrganisationFactory.create(name="Northshire Constabulary", kind="police")


@pytest.mark.django_db
def test_a_requester_deletes_their_draft_after_confirming_and_the_trail_keeps_it(
    client_for: ClientFor, requester: User, police: Organisation
) -> None:
    client = client_for(requester)
    reference = start_request(client, police_request_steps(police)["purpose"])
    draft = SharingRequest.objects.get(reference=reference)
    detail = client.get(reverse("request_detail", args=[reference])).content.decode()
    assert reverse("request_delete", args=[reference]) in detail

    confirm = client.get(reverse("request_delete", args=[reference]))
    assert confirm.status_code == 200
    assert "Are you sure you want to delete this draft?" in confirm.content.decode()
    assert SharingRequest.objects.filter(pk=draft.pk).exists()

    response = client.post(reverse("request_delete", args=[reference]))
    assert response.status_code == 302 and response["Location"] == reverse("request_list")
    assert not SharingRequest.objects.filter(pk=draft.pk).exists()
    event = AuditEvent.objects.get(action="request.delete_draft")
    assert (event.actor, event.target_label, event.target_id) == (requester, reference, str(draft.pk))
    assert event.detail == {"title": "Admission dates for CID enquiry", "steps_saved": ["purpose"]}
    listing = client.get(reverse("request_list")).content.decode()
    assert f"Draft {reference} (Admission dates for CID enquiry) deleted." in listing


@pytest.mark.django_db
def test_deleting_a_draft_removes_its_items(requester: User, police: Organisation) -> None:
    from requests_app.models import DataItemType
    from requests_app.services.sharing import sharing_request_delete_draft, sharing_request_save_step

    draft = sharing_request_create(requester=requester)
    item = DataItemType.objects.get(code="name")
    sharing_request_save_step(
        sharing_request=draft,
        actor=requester,
        step="data",
        values={"item_types": [item.pk], "data_form": "identifiable"},
        next_step="items",
    )
    assert RequestItem.objects.filter(request=draft).count() == 1
    sharing_request_delete_draft(sharing_request=draft, actor=requester)
    assert not RequestItem.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [RequestStatus.SUBMITTED, RequestStatus.CHANGES_REQUESTED, RequestStatus.REJECTED]
)
def test_a_request_once_submitted_cannot_be_deleted(
    client_for: ClientFor, requester: User, status: RequestStatus
) -> None:
    submitted = make_request(requester=requester, status=status)
    client = client_for(requester)
    assert client.get(reverse("request_delete", args=[submitted.reference])).status_code == 403
    assert client.post(reverse("request_delete", args=[submitted.reference])).status_code == 403
    assert SharingRequest.objects.filter(pk=submitted.pk).exists()
    assert AuditEvent.objects.filter(action="access.denied", detail__wanted="delete draft").count() == 2
    page = client.get(reverse("request_detail", args=[submitted.reference])).content.decode()
    assert reverse("request_delete", args=[submitted.reference]) not in page


@pytest.mark.django_db
def test_nobody_else_can_delete_a_draft(
    client_for: ClientFor, requester: User, other_requester: User, dpo: User
) -> None:
    draft = sharing_request_create(requester=requester)
    for outsider in (other_requester, dpo):
        client = client_for(outsider)
        assert client.post(reverse("request_delete", args=[draft.reference])).status_code == 404
    assert SharingRequest.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_deleting_refuses_other_methods(client_for: ClientFor, requester: User) -> None:
    draft = sharing_request_create(requester=requester)
    assert client_for(requester).put(reverse("request_delete", args=[draft.reference])).status_code == 405


@pytest.mark.django_db
def test_deleting_twice_says_it_is_already_gone(client_for: ClientFor, requester: User) -> None:
    draft = sharing_request_create(requester=requester)
    client = client_for(requester)
    client.post(reverse("request_delete", args=[draft.reference]))
    # The second click of a double click finds nothing to show, as any unknown reference.
    assert client.post(reverse("request_delete", args=[draft.reference])).status_code == 404
    assert AuditEvent.objects.filter(action="request.delete_draft").count() == 1


def _start(
    requester: User, key: uuid.UUID, purpose: dict[str, object], barrier: threading.Barrier, made: list[str]
) -> None:
    try:
        barrier.wait(timeout=10)
        made.append(
            sharing_request_start(
                requester=requester, creation_key=key, step="purpose", values=purpose
            ).reference
        )
    finally:
        connections.close_all()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_first_save_posted_twice_at_the_same_moment_makes_one_draft(make_user: MakeUser) -> None:
    assert connection.vendor == "postgresql"
    requester = make_user(Role.REQUESTER)
    police = OrganisationFactory.create(kind="police")
    purpose = dict(police_request_steps(police)["purpose"])
    purpose |= {"recipient": police.pk, "direct_care": False, "recipient_kind": "police"}
    purpose["recipient_name"] = police.name
    for attempt in range(20):
        key = uuid.uuid4()
        barrier = threading.Barrier(2)
        made: list[str] = []
        threads = [
            threading.Thread(target=_start, args=(requester, key, purpose, barrier, made)) for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(made) == 2 and made[0] == made[1], (attempt, made)
        assert SharingRequest.objects.filter(creation_key=key).count() == 1, attempt
    assert AuditEvent.objects.filter(action="request.create").count() == 20
