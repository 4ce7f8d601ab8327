"""Access requests through the API: the register's filters, the case forms and services, the deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from requests_app.models import AccessRequest
from tests.factories import AccessRequestFactory
from tests.requests_app.api.helpers import Api, assert_error, token_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/access-requests/"


def api_for(user: User) -> Api:
    return Api(Client(), token_for(user))


def new_case(**changes: object) -> dict:
    today = timezone.localdate()
    return {
        "kind": "foi",
        "received_on": today.isoformat(),
        "channel": "email",
        "requester_name": "Pat Jones",
        "requester_email": "pat@example.org",
        "description": "Spending on agency staff in 2025.",
        **changes,
    }


def test_an_officer_logs_a_case_and_reads_its_due_date_with_the_working(ig_officer: User) -> None:
    api = api_for(ig_officer)
    created = api.post(BASE, new_case())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"].startswith("FOI-")
    case = AccessRequest.objects.get(pk=body["id"])
    assert case.due_on is not None
    assert body["due_on"] == case.due_on.isoformat()
    deadline = body["deadline"]
    assert deadline["state"] == "running" and deadline["due"] == case.due_on.isoformat()
    assert deadline["working"]["due"] == deadline["due"]
    assert deadline["working"]["steps"] and deadline["headline"].startswith("Due ")
    assert "start" in body["available_actions"]


def test_a_case_is_validated_by_the_pages_form_and_service(ig_officer: User) -> None:
    api = api_for(ig_officer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    error = assert_error(api.post(BASE, new_case(requester_email="", received_on=tomorrow)), 400)
    assert error["fields"]["received_on"] == ["The date received cannot be in the future."]
    error = assert_error(api.post(BASE, new_case(received_on="2999-01-01")), 400)
    assert error["fields"]["received_on"][0].startswith(
        "The date you received the request must be between 1 January 1990 and"
    )
    error = assert_error(api.post(BASE, new_case(requester_email="")), 400)
    assert error["fields"] == {
        "requester_email": ["Give at least one way to reach the requester: email, phone or address."]
    }
    error = assert_error(api.post(BASE, new_case(kind="nonsense", channel=["email"])), 400)
    assert set(error["fields"]) == {"channel"}


def test_patch_changes_only_what_is_given_and_transitions_use_the_service(ig_officer: User) -> None:
    case = AccessRequestFactory.create(kind="sar", received_on=date(2025, 9, 3))
    api = api_for(ig_officer)
    changed = api.patch(f"{BASE}{case.pk}/", {"description": "Everything since 2019."})
    assert changed.status_code == 200, changed.content
    case.refresh_from_db()
    assert case.description == "Everything since 2019." and case.requester_name.startswith("Requester")
    moved = api.post(f"{BASE}{case.pk}/transitions/", {"name": "verify_identity", "on": "2025-09-04"})
    error = assert_error(moved, 400)
    assert error["fields"] == {"method": ["Choose how identity was verified."]}
    moved = api.post(
        f"{BASE}{case.pk}/transitions/", {"name": "verify_identity", "on": "2025-09-04", "method": "photo_id"}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "in_progress"
    error = assert_error(api.post(f"{BASE}{case.pk}/transitions/", {"name": "fly"}), 400)
    assert "name" in error["fields"]


def test_the_register_is_filtered_like_its_page(ig_officer: User) -> None:
    foi = AccessRequestFactory.create(kind="foi")
    sar = AccessRequestFactory.create(kind="sar")
    api = api_for(ig_officer)
    assert {row["reference"] for row in api.get(BASE + "?kind=foi").json()["results"]} == {foi.reference}
    assert {row["reference"] for row in api.get(BASE + f"?q={sar.reference}").json()["results"]} == {
        sar.reference
    }
    error = assert_error(api.get(BASE + "?due_within=-1"), 400)
    assert error["fields"] == {"due_within": ["Enter 0 or more working days."]}


def test_the_auditor_reads_cases_but_changes_none(auditor: User) -> None:
    case = AccessRequestFactory.create()
    api = api_for(auditor)
    assert api.get(f"{BASE}{case.pk}/").status_code == 200
    assert_error(api.post(BASE, new_case()), 403, "permission_denied")
    assert_error(api.patch(f"{BASE}{case.pk}/", {"description": "x"}), 403, "permission_denied")
