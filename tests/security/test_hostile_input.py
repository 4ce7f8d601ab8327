"""Hostile input is refused before it reaches the database: NUL characters and lone surrogates (400
on every form, address and API body), junk and oversized wizard input, dates and counts out of range,
and JSON nested deeper than anyone writes it. Each of these answered 500 or was stored whole before."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from igportal.bounds import latest_date
from necessity.forms import PurposeForm
from requests_app.models import AccessRequest, AuditEvent, Incident, SharingRequest
from tests.conftest import ClientFor
from tests.factories import OrganisationFactory, make_request
from tests.necessity.wizard_data import police_request_steps
from tests.requests_app.api.helpers import Api, token_for

pytestmark = pytest.mark.django_db

NUL = "\x00"
LONE_SURROGATE = "\\ud800"  # as JSON spells it; json.loads turns it into an unpaired code point
# The 400 page of a refused request (an invalid wizard step is also answered 400, with the form).
REFUSED = "Something was wrong with that request"


def refused(response: Any) -> bool:
    return response.status_code == 400 and REFUSED in response.content.decode()


def _draft(client: Client) -> SharingRequest:
    """A draft with a valid first step, made through the wizard's first page as a requester makes it."""
    purpose = police_request_steps(OrganisationFactory.create(kind="police"))["purpose"]
    key = str(uuid.uuid4())
    client.post(reverse("request_create"), {**purpose, "creation_key": key, "action": "save_exit"})
    draft = SharingRequest.objects.get()
    SharingRequest.objects.filter(pk=draft.pk).update(answers={}, draft_input={})
    draft.refresh_from_db()
    return draft


def _text_fields(step_data: dict[str, Any]) -> list[str]:
    """The free-text answers of a step: those that are not a choice, a number or a list."""
    return [
        name
        for name, value in step_data.items()
        if isinstance(value, str) and " " in value and not value.isdigit()
    ]


def test_a_nul_in_any_wizard_text_field_is_refused_and_nothing_is_stored(
    requester: User, client_for: ClientFor
) -> None:
    client = client_for(requester)
    draft = _draft(client)
    steps = police_request_steps(OrganisationFactory.create(kind="police"))
    tried = 0
    for step, data in steps.items():
        for name in _text_fields(data):
            hostile = {**data, name: f"before{NUL}after", "action": "continue"}
            response = client.post(reverse("wizard_step", args=[draft.reference, step]), hostile)
            assert refused(response), (step, name, response.status_code)
            tried += 1
    assert tried >= 15, "the wizard's text fields were not all reached"
    draft.refresh_from_db()
    assert (draft.answers, draft.draft_input) == ({}, {})


def test_a_nul_in_a_field_name_or_a_choice_is_refused(requester: User, client_for: ClientFor) -> None:
    client = client_for(requester)
    draft = _draft(client)
    url = reverse("wizard_step", args=[draft.reference, "purpose"])
    assert refused(client.post(url, {f"title{NUL}": "x"}))
    assert refused(client.post(url, {"category": f"police_crime{NUL}"}))
    draft.refresh_from_db()
    assert draft.draft_input == {}


def test_a_nul_in_a_request_reference_in_the_address_is_refused(
    requester: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester)
    client = client_for(requester)
    assert refused(client.get(f"/requests/{request.reference}%00/"))
    assert refused(client.get(reverse("request_list"), {"q": f"ISR{NUL}"}))
    api = Api(Client(), token_for(requester))
    response = api.get(f"/api/v1/requests/{request.reference}%00/")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "malformed_input")


def test_a_nul_in_the_query_string_of_an_api_call_is_refused_in_the_api_error_shape(requester: User) -> None:
    api = Api(Client(), token_for(requester))
    response = api.get(f"/api/v1/requests/?status=draft{NUL}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_input"


def test_a_lone_surrogate_or_a_nul_in_api_json_is_refused(requester: User) -> None:
    api = Api(Client(), token_for(requester))
    reference = api.post("/api/v1/requests/").json()["reference"]
    url = f"/api/v1/requests/{reference}/answers/purpose/"
    answers = police_request_steps(OrganisationFactory.create(kind="police"))["purpose"]
    for spelling in (LONE_SURROGATE, "\\u0000"):
        body = json.dumps({**answers, "title": "placeholder"}).replace("placeholder", f"Title {spelling}")
        response = api.client.put(url, body, content_type="application/json", headers=api.headers)
        assert response.status_code == 400, (spelling, response.content)
        assert "cannot be stored" in response.json()["error"]["message"]
    assert SharingRequest.objects.get(reference=reference).answers == {}


def test_json_nested_5000_deep_is_refused_with_400(requester: User) -> None:
    api = Api(Client(), token_for(requester))
    reference = api.post("/api/v1/requests/").json()["reference"]
    url = f"/api/v1/requests/{reference}/answers/purpose/"
    body = "[" * 5000 + "]" * 5000
    response = api.client.put(url, body, content_type="application/json", headers=api.headers)
    assert response.status_code == 400
    assert "nested more than 16 levels" in response.json()["error"]["message"]
    shallow = json.dumps({"title": [[[["x"]]]]})
    response = api.client.put(url, shallow, content_type="application/json", headers=api.headers)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"title"}


def test_a_2mb_field_and_900_junk_fields_are_not_kept_in_the_draft(
    requester: User, client_for: ClientFor
) -> None:
    client = client_for(requester)
    draft = _draft(client)
    junk = {f"junk{number}": "x" for number in range(900)}
    posted = {
        "title": "",  # invalid, so the step keeps what was typed
        "description": "d" * (2 * 1024 * 1024),
        "category": "c" * 5000,
        "urgency": "urgent",
        **junk,
        "action": "continue",
    }
    response = client.post(reverse("wizard_step", args=[draft.reference, "purpose"]), posted)
    assert response.status_code == 400 and "Enter a short title for this request" in response.content.decode()
    draft.refresh_from_db()
    kept = draft.draft_input["purpose"]
    assert set(kept) == {"title", "description", "urgency"}
    assert kept["urgency"] == ["urgent"]
    description = PurposeForm.base_fields["description"]
    assert isinstance(description, forms.CharField) and description.max_length is not None
    assert len(kept["description"][0]) == description.max_length
    assert len(json.dumps(draft.draft_input)) < 5000
    assert "c" * 101 not in json.dumps(draft.draft_input)


def _incident(**changes: str) -> dict[str, str]:
    return {
        "kind": "breach",
        "category": "disclosed_in_error",
        "title": "Letter sent to the wrong practice",
        "description": "A discharge letter went to the wrong GP practice.",
        "aware_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        "likelihood": "3",
        "severity": "2",
        "ico_reportable": "yes",
        **changes,
    }


def test_people_affected_beyond_a_database_integer_is_a_form_error_not_a_500(
    ig_officer: User, client_for: ClientFor
) -> None:
    client = client_for(ig_officer)
    response = client.post(reverse("incident_create"), _incident(people_affected="2147483648"))
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100000000" in response.content.decode()
    assert not Incident.objects.exists()
    assert client.post(reverse("incident_create"), _incident(people_affected="250")).status_code == 302
    assert Incident.objects.get().people_affected == 250


def test_an_incident_dated_in_year_one_is_refused_with_a_message(
    ig_officer: User, client_for: ClientFor
) -> None:
    response = client_for(ig_officer).post(reverse("incident_create"), _incident(aware_at="01/01/0001 10:00"))
    assert response.status_code == 200
    assert not Incident.objects.exists()


def test_an_audit_filter_of_9999_12_31_says_what_is_wrong_instead_of_failing(
    dpo: User, client_for: ClientFor
) -> None:
    client = client_for(dpo)
    page = client.get(reverse("audit_list"), {"occurred_to": "9999-12-31", "occurred_from": "9999-12-30"})
    assert page.status_code == 200
    assert "The last day must be between 1 January 1990 and" in page.content.decode()
    api = Api(Client(), token_for(dpo, scope="read"))
    response = api.get("/api/v1/audit-events/?occurred_to=9999-12-31")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["occurred_to"][0].startswith("The last day must be between")


def test_an_access_request_received_in_year_one_is_refused(ig_officer: User, client_for: ClientFor) -> None:
    api = Api(Client(), token_for(ig_officer))
    body = {
        "kind": "sar",
        "received_on": "0001-01-01",
        "channel": "email",
        "requester_name": "Pat Jones",
        "requester_email": "pat@example.org",
        "description": "My records.",
    }
    response = api.post("/api/v1/access-requests/", body)
    assert response.status_code == 400, response.content
    a_year_ahead = latest_date(1, timezone.localdate())
    assert response.json()["error"]["fields"]["received_on"] == [
        f"The date you received the request must be between 1 January 1990 and {a_year_ahead:%-d %B %Y}."
    ]
    page = client_for(ig_officer).post(reverse("access_request_create"), {**body, "received_on": "1/1/0001"})
    assert page.status_code == 200
    assert "The date you received the request must be between 1 January 1990" in page.content.decode()
    assert not AccessRequest.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="access").exists()
