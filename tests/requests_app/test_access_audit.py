"""Access requests are audited like every other register: each view, creation, change and move of a
case writes an audit event, and each change and move a row of the case's history; the audit page
finds them by object type."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from requests_app.models import AccessRequest, AccessRequestHistory, AccessRequestStatus, AuditEvent
from tests.conftest import ClientFor
from tests.factories import AccessRequestClarificationFactory, AccessRequestFactory

pytestmark = pytest.mark.django_db

S = AccessRequestStatus


def _dmy(day: object) -> str:
    assert hasattr(day, "day")
    return f"{day.day}/{day.month}/{day.year}"  # type: ignore[attr-defined]


def _events(case: AccessRequest) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="access_request", target_id=str(case.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_logging_viewing_changing_and_moving_a_case_is_audited_and_kept_in_its_history(
    client_for: ClientFor, ig_officer: User
) -> None:
    client = client_for(ig_officer)
    today = timezone.localdate()
    received = today - timedelta(days=3)
    response = client.post(
        reverse("access_request_create"),
        {
            "kind": "sar",
            "received_on": _dmy(received),
            "channel": "email",
            "requester_name": "Sam Jones",
            "requester_email": "sam@example.org",
            "description": "Copies of my records from the memory clinic",
        },
    )
    assert response.status_code == 302
    case = AccessRequest.objects.get()
    assert client.get(reverse("access_request_detail", args=[case.pk])).status_code == 200
    edit = {
        "received_on": _dmy(received),
        "channel": "email",
        "requester_name": "Sam Jones",
        "requester_email": "sam@example.org",
        "requester_phone": "01234 567890",
        "description": "Copies of my records from the memory clinic",
    }
    assert client.post(reverse("access_request_edit", args=[case.pk]), edit).status_code == 302
    asked = client.post(
        reverse("access_request_transition", args=[case.pk, "ask_clarification"]),
        {"on": _dmy(today), "details": "Which clinic, and which years?"},
    )
    assert asked.status_code == 302
    case.refresh_from_db()
    assert case.status == S.AWAITING_CLARIFICATION

    assert _events(case) == [
        "access_request.create",
        "access_request.view",
        "access_request.update",
        "access_request.transition",
    ]
    update = AuditEvent.objects.get(action="access_request.update", target_id=str(case.pk))
    # The fields changed, never their values: those are the requester's personal data.
    assert update.detail["fields"] == ["requester_phone"]
    assert "01234" not in str(update.detail)
    history = list(AccessRequestHistory.objects.filter(access_request=case).order_by("id"))
    assert [(h.action, h.from_status, h.to_status, h.actor) for h in history] == [
        ("create", S.RECEIVED, S.RECEIVED, ig_officer),
        ("update", S.RECEIVED, S.RECEIVED, ig_officer),
        ("ask_clarification", S.RECEIVED, S.AWAITING_CLARIFICATION, ig_officer),
    ]
    assert history[1].comment == "Changed: Requester's phone."
    assert history[2].comment == "Which clinic, and which years?"
    page = client.get(reverse("access_request_detail", args=[case.pk])).content.decode()
    assert "Which clinic, and which years?" in page


def test_a_refused_move_is_audited_and_changes_nothing(client_for: ClientFor, ig_officer: User) -> None:
    case = AccessRequestFactory.create(status=S.IN_PROGRESS)
    response = client_for(ig_officer).post(reverse("access_request_transition", args=[case.pk, "start"]))
    assert response.status_code == 200
    assert "you cannot start work on it now" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    refused = AuditEvent.objects.get(action="access_request.transition_refused")
    assert (refused.target_id, refused.actor, refused.detail["action"]) == (str(case.pk), ig_officer, "start")
    assert not AccessRequestHistory.objects.filter(access_request=case).exists()


def test_the_clarification_pause_and_its_answer_are_both_in_the_history(ig_officer: User) -> None:
    from requests_app.services.access import access_request_transition

    today = timezone.localdate()
    case = AccessRequestFactory.create(status=S.AWAITING_CLARIFICATION, received_on=today - timedelta(days=9))
    AccessRequestClarificationFactory.create(access_request=case, asked_on=today - timedelta(days=5))
    resumed = access_request_transition(
        case, "record_clarification", actor=ig_officer, on=today - timedelta(days=1)
    )
    assert resumed.status == S.IN_PROGRESS
    extended = access_request_transition(
        resumed, "extend", actor=ig_officer, details="Many years of records", told_on=today
    )
    assert extended.status == S.EXTENDED
    assert list(
        AccessRequestHistory.objects.filter(access_request=case)
        .order_by("id")
        .values_list("action", "to_status")
    ) == [("record_clarification", S.IN_PROGRESS), ("extend", S.EXTENDED)]
    assert _events(case) == ["access_request.transition", "access_request.transition"]


def test_the_audit_page_filters_access_request_events(
    client_for: ClientFor, ig_officer: User, dpo: User
) -> None:
    case = AccessRequestFactory.create(status=S.RECEIVED)
    other = AccessRequestFactory.create(status=S.RECEIVED)
    client_for(ig_officer).get(reverse("access_request_detail", args=[case.pk]))
    client_for(ig_officer).get(reverse("access_request_detail", args=[other.pk]))
    response = client_for(dpo).get(
        reverse("audit_list"), {"target_type": "access_request", "target_id": str(case.pk)}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("access_request.view") == 1
    assert case.reference in content and other.reference not in content
    assert '<option value="access_request"' in content
