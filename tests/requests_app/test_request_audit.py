from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from igportal.roles import Role
from requests_app.models import AuditEvent, DecisionRecord, RequestHistory, RequestStatus
from requests_app.naming import FORBIDDEN
from requests_app.services.documents import decision_record_render
from requests_app.services.workflow import request_comment_add, transition
from tests.conftest import ClientFor, MakeUser
from tests.factories import make_request

pytestmark = pytest.mark.django_db
S = RequestStatus


def test_every_transition_writes_one_audit_event_beside_its_history_row(
    requester: User, ig_officer: User
) -> None:
    request = make_request(requester=requester)
    transition(request, "start_review", actor=ig_officer)
    event = AuditEvent.objects.get(action="request.transition")
    assert event.actor == ig_officer
    assert event.target_label == request.reference
    assert event.detail["from"] == "submitted" and event.detail["to"] == "ig_review"
    assert event.detail["history_id"] == RequestHistory.objects.get().pk


def test_opening_a_request_is_recorded_with_who_and_from_where(
    requester: User, dpo: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester)
    client_for(dpo).get(reverse("request_detail", args=[request.reference]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="request.view")
    assert (event.actor, event.target_label, event.ip_address) == (dpo, request.reference, "10.1.2.3")


def test_a_guessed_reference_is_refused_and_recorded(
    requester: User, other_requester: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester)
    response = client_for(other_requester).get(reverse("request_detail", args=[request.reference]))
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == other_requester
    assert event.target_label == request.reference
    assert event.detail == {"answered": 404}


def test_a_refused_change_is_recorded(requester: User, client_for: ClientFor) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    response = client_for(requester).get(reverse("wizard_step", args=[request.reference, "purpose"]))
    assert response.status_code == 403
    assert AuditEvent.objects.get(action="access.denied").detail == {
        "answered": 403,
        "wanted": "change answers",
    }


def test_comments_are_recorded(requester: User, ig_officer: User) -> None:
    request = make_request(requester=requester)
    comment = request_comment_add(sharing_request=request, author=ig_officer, body="Please attach the form.")
    assert AuditEvent.objects.get(action="request.comment").detail == {"comment_id": comment.pk}


def _decide(
    requester: User, dpo: User, caldicott: User, capture: Callable[..., AbstractContextManager[object]]
) -> DecisionRecord:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    transition(request, "approve", actor=dpo)
    with capture(execute=True):
        transition(
            request, "approve_with_conditions", actor=caldicott, comment="Fine.", conditions="Dates only."
        )
    return DecisionRecord.objects.get(request=request)


def test_a_decision_is_recorded_as_a_named_pdf_with_its_hash(
    requester: User,
    dpo: User,
    caldicott: User,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    record = _decide(requester, dpo, caldicott, django_capture_on_commit_callbacks)
    content = record.file.read()
    assert content.startswith(b"%PDF")
    assert record.sha256 == hashlib.sha256(content).hexdigest() and record.size == len(content)
    assert re.fullmatch(
        rf"\d{{8}} {record.request.reference} Decision record v1 OFFICIAL SENSITIVE", record.name
    )
    assert not FORBIDDEN & set(record.name)
    # Stored under a generated name, not the reference.
    assert record.request.reference not in record.file.name
    # Text wraps across lines in the PDF; compare with white space folded.
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
    assert record.request.reference in text
    assert "Approved with conditions" in text
    assert "Dates only." in text


def test_rendering_the_same_decision_twice_keeps_one_record(
    requester: User,
    dpo: User,
    caldicott: User,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    record = _decide(requester, dpo, caldicott, django_capture_on_commit_callbacks)
    again = decision_record_render(history_id=record.decided_by_event_id)
    assert again == record
    assert DecisionRecord.objects.count() == 1


def test_the_decision_record_downloads_as_an_attachment_and_the_export_is_audited(
    requester: User,
    dpo: User,
    caldicott: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    record = _decide(requester, dpo, caldicott, django_capture_on_commit_callbacks)
    response = client_for(requester).get(reverse("decision_record_pdf", args=[record.request.reference]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'filename="{record.name}.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == record.file.open("rb").read()  # type: ignore[attr-defined]
    assert AuditEvent.objects.get(action="request.export").detail["sha256"] == record.sha256


def test_the_api_hands_out_the_same_decision_record_and_audits_it_the_same_way(
    requester: User,
    dpo: User,
    caldicott: User,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:

    from tests.requests_app.api.helpers import Api, token_for

    record = _decide(requester, dpo, caldicott, django_capture_on_commit_callbacks)
    url = reverse("api:request_decision_record_pdf", args=[record.request.reference])
    for accept in ("application/pdf", "*/*"):
        response = Api(Client(), token_for(requester)).get(url, headers={"Accept": accept})
        assert response.status_code == 200
        assert f'filename="{record.name}.pdf"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == record.file.open("rb").read()
    assert AuditEvent.objects.filter(action="request.export", detail__via="api").count() == 2


def test_the_request_page_links_the_newest_decision_record_by_its_version(
    requester: User,
    dpo: User,
    caldicott: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    record = _decide(requester, dpo, caldicott, django_capture_on_commit_callbacks)
    url = reverse("request_detail", args=[record.request.reference])
    pdf = reverse("decision_record_pdf", args=[record.request.reference])
    page = client_for(requester).get(url).content.decode()
    assert f'<a href="{pdf}" download>Decision record PDF (version {record.version})</a>' in page
    # A later decision's record is the newest: the page names it, not the first.
    first_version = record.version
    record.pk, record.version = None, first_version + 1
    record.decided_by_event = RequestHistory.objects.create(
        request=record.request, action="approve", from_status="", to_status="", actor=caldicott
    )
    record.save()
    page = client_for(requester).get(url).content.decode()
    assert f"Decision record PDF (version {first_version + 1})" in page
    assert f"(version {first_version})" not in page


def test_an_undecided_request_page_offers_no_pdf(requester: User, client_for: ClientFor) -> None:
    request = make_request(requester=requester, status=RequestStatus.AWAITING_CALDICOTT)
    page = client_for(requester).get(reverse("request_detail", args=[request.reference])).content.decode()
    assert "Printable decision record" in page
    assert "Decision record PDF" not in page


def test_an_undecided_request_has_no_pdf_yet(requester: User, client_for: ClientFor) -> None:
    request = make_request(requester=requester)
    assert (
        client_for(requester).get(reverse("decision_record_pdf", args=[request.reference])).status_code == 404
    )


@pytest.mark.parametrize("role", [Role.DPO, Role.AUDITOR])
def test_the_dpo_and_auditor_read_and_filter_the_audit_trail(
    make_user: MakeUser, client_for: ClientFor, requester: User, ig_officer: User, role: Role
) -> None:
    request = make_request(requester=requester)
    transition(request, "start_review", actor=ig_officer)
    client = client_for(make_user(role))
    everything = client.get(reverse("audit_list")).content.decode()
    assert "request.transition" in everything
    only_logins = client.get(reverse("audit_list"), {"action": "auth."}).content.decode()
    assert "request.transition" not in only_logins
    by_target = client.get(
        reverse("audit_list"), {"target_type": "sharing_request", "target_id": str(request.pk)}
    )
    assert request.reference in by_target.content.decode()


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.IG_OFFICER, Role.CALDICOTT_GUARDIAN, Role.SIRO])
def test_nobody_else_finds_the_audit_trail(make_user: MakeUser, client_for: ClientFor, role: Role) -> None:
    assert client_for(make_user(role)).get(reverse("audit_list")).status_code == 404


def test_the_audit_page_runs_constant_queries(
    auditor: User, requester: User, client_for: ClientFor, django_assert_num_queries
) -> None:
    from requests_app.services.audit import audit_record

    client = client_for(auditor)
    audit_record(action="test.event", actor=requester)
    # the session (read with the user and their roles), the filter's people, the count for the
    # paginator, the page of events, the header's unread count
    with django_assert_num_queries(5):
        response = client.get(reverse("audit_list"))
    assert response.status_code == 200
    assert response.content.decode().count("test.event") == 1
    for _ in range(60):
        audit_record(action="test.event", actor=requester)
    with django_assert_num_queries(5):
        response = client.get(reverse("audit_list"))
    assert response.status_code == 200
    assert response.content.decode().count("test.event") == 50


def test_drafting_and_submitting_are_recorded_step_by_step(requester: User, client_for: ClientFor) -> None:
    from tests.factories import OrganisationFactory
    from tests.necessity.wizard_data import police_request_steps, post_all_steps, start_request

    police = OrganisationFactory.create(kind="police")
    client = client_for(requester)
    reference = start_request(client, police_request_steps(police)["purpose"])
    assert AuditEvent.objects.get(action="request.create").target_label == reference
    post_all_steps(client, reference, police_request_steps(police), from_step="data")
    client.post(reverse("wizard_review", args=[reference]))
    saved_steps = [
        event.detail["step"] for event in AuditEvent.objects.filter(action="request.answers_saved")
    ]
    assert saved_steps[:3] == ["purpose", "data", "items"]
    assessed = AuditEvent.objects.get(action="request.assessed")
    assert assessed.detail["assessment"] == 1 and assessed.detail["outcome"] == "caldicott_decision"
    assert AuditEvent.objects.filter(action="request.transition", target_label=reference).count() == 1
