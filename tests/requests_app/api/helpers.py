"""Calling the API in tests: tokens made through the service, JSON in and out, and valid step answers."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from requests_app.models import Organisation
from requests_app.services.api_tokens import api_token_create
from tests.necessity.wizard_data import CALDICOTT_IDS, DPIA_IDS, POLICE_ITEMS, item_pks


def token_for(user: User, scope: str = "write") -> str:
    return api_token_create(user=user, name="test", scope=scope, mfa_verified=True).plaintext


class Api:
    """The test client speaking JSON, with a Bearer token (or the session when ``token`` is None)."""

    def __init__(self, client: Client, token: str | None = None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, url: str, body: Any = None, **extra: Any) -> Any:
        kwargs: dict[str, Any] = {"headers": {**self.headers, **extra.pop("headers", {})}, **extra}
        if body is not None and method not in {"get", "delete"}:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(url, **kwargs)

    def get(self, url: str, **extra: Any) -> Any:
        return self.call("get", url, **extra)

    def post(self, url: str, body: Any = None, **extra: Any) -> Any:
        return self.call("post", url, body if body is not None else {}, **extra)

    def put(self, url: str, body: Any, **extra: Any) -> Any:
        return self.call("put", url, body, **extra)

    def patch(self, url: str, body: Any, **extra: Any) -> Any:
        return self.call("patch", url, body, **extra)

    def delete(self, url: str, **extra: Any) -> Any:
        return self.call("delete", url, **extra)


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is the one error shape with this status (and code); returns its ``error`` object."""
    assert response.status_code == status, (response.status_code, response.content[:2000])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}, error
    assert error["status"] == status
    assert error["message"]
    if code is not None:
        assert error["code"] == code, error
    return dict(error)


def police_answers(recipient: Organisation) -> dict[str, dict[str, Any]]:
    """Valid answers for every step of a police request, as the API takes them (the saved-answer JSON)."""
    return {
        "purpose": {
            "title": "Admission dates for CID enquiry",
            "description": "Police request for the inpatient dates of a named patient.",
            "function_served": "Establishing where a suspect was at the time of a serious assault.",
            "category": "police_crime",
            "direct_care": False,
            "urgency": "urgent",
            "frequency": "one_off",
            "direction": "outbound",
            "recipient": recipient.pk,
            "recipient_is_processor": False,
            "background": "Written request form received by secure email.",
        },
        "data": {
            "subjects_description": "One named patient.",
            "approximate_subject_count": 1,
            "data_form": "identifiable",
            "confidential_patient_information": True,
            "deceased": False,
            "item_types": [int(pk) for pk in item_pks(*POLICE_ITEMS)],
        },
        "items": {
            code: {"justification": f"The police asked for the {code}.", "essential": True}
            for code in POLICE_ITEMS
        },
        "police": {
            "officer": "DC J Smith 4471, Northshire Constabulary",
            "reference": "CR/2026/118822",
            "information_requested": "Admission and discharge dates and diagnosis in October 2026.",
            "enquiry_description": "Assault causing grievous bodily harm on 14 October 2026.",
            "involves_patient_information": True,
            "exemption_cited": "dpa_sch2_part1_para2",
            "seriousness": "serious",
            "necessary_items": ["name", "date_of_birth", "admission_dates"],
        },
        "lawful_basis": {
            "art6": "e_public_task",
            "confidentiality_basis": "overriding_public_interest",
            "capacity": "adult_with_capacity",
            "consent": "not_sought",
            "consent_decided_by": None,
            "consent_date": None,
            "how_informed": "Not told: telling the patient could prejudice the investigation.",
            "objections_raised": False,
            "objection_details": None,
            "national_data_opt_out_applied": False,
        },
        "special_category": {"art9": "g_substantial_public_interest"},
        "necessity": {
            "anonymised_would_serve": False,
            "pseudonymised_would_serve": False,
            "reason": "The police need to know whether this person was in hospital.",
        },
        "proportionality": {
            "impact_on_people": "A hospital stay is disclosed to the police.",
            "public_interest_served": "Detection of a serious crime.",
            "proportionate": True,
            "reason": "Dates only, for a serious offence.",
        },
        "transfer": {
            "method": "secure_email",
            "encrypted": True,
            "retention_period": "Police case file rules (MOPI).",
            "onward_sharing": False,
            "onward_sharing_details": None,
            "existing_isa_reference": None,
            "existing_dpia_reference": None,
            "outside_uk": False,
            "destination_country": None,
            "international_safeguard": None,
        },
        "dpia_screening": dict.fromkeys(DPIA_IDS, False),
        "caldicott": {
            principle: {"confirmed": True, "evidence": f"Evidence for {principle}."}
            for principle in CALDICOTT_IDS
        },
    }


STEP_ORDER = (
    "purpose",
    "data",
    "items",
    "police",
    "lawful_basis",
    "special_category",
    "necessity",
    "proportionality",
    "transfer",
    "dpia_screening",
    "caldicott",
)
