"""The audit trail for the DPO and auditors, and the rules engine as a stateless endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from requests_app.models import AuditEvent
from requests_app.services.audit import audit_record
from tests.requests_app.api.helpers import Api, assert_error, token_for

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


@pytest.mark.parametrize("reader", ["dpo", "auditor"])
def test_the_dpo_and_auditors_read_the_audit_trail_filtered(
    request: pytest.FixtureRequest, requester: User, reader: str
) -> None:
    audit_record(action="request.view", actor=requester, target_type="sharing_request", target_id="7")
    audit_record(action="auth.login", actor=requester)
    api = Api(Client(), token_for(request.getfixturevalue(reader)))
    rows = api.get(f"/api/v1/audit-events/?actor={requester.pk}&action=request.").json()["results"]
    assert [row["action"] for row in rows] == ["request.view"]
    assert rows[0]["hash"] == AuditEvent.objects.get(pk=rows[0]["id"]).hash
    error = assert_error(
        api.get("/api/v1/audit-events/?occurred_from=2026-02-02&occurred_to=2026-01-01"), 400
    )
    assert error["fields"] == {"occurred_to": ["The last day must be the same as or after the first day"]}


@pytest.mark.parametrize("example", sorted(path.stem for path in EXAMPLES.glob("*.json")))
def test_assess_gives_the_engines_result_for_each_worked_example(requester: User, example: str) -> None:
    document = json.loads((EXAMPLES / f"{example}.json").read_text())
    response = Api(Client(), token_for(requester)).post(
        f"/api/v1/assess?today={document['today']}", document["answers"]
    )
    assert response.status_code == 200, response.content
    result = response.json()
    expected = document["expected"]
    assert result["outcome"] == expected["outcome"]
    assert [rule["rule_id"] for rule in result["rules_fired"]] == expected["rules_fired"]
    assert result["required_signoffs"] == expected["required_signoffs"]
    assert not AuditEvent.objects.filter(action="api.write").exists()


def test_assess_names_each_bad_answer_by_its_path(requester: User) -> None:
    document = json.loads((EXAMPLES / "police_admission_dates.json").read_text())
    answers = document["answers"]
    answers["purpose"]["category"] = "astrology"
    del answers["transfer"]
    error = assert_error(Api(Client(), token_for(requester)).post("/api/v1/assess", answers), 400, "invalid")
    assert "purpose.category" in error["fields"] and "transfer" in error["fields"]
    assert_error(Api(Client(), token_for(requester)).post("/api/v1/assess?today=soon", answers), 400)
