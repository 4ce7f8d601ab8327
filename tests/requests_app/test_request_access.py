"""Need-to-know: every request URL answers 404 to everyone who may not see the request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from igportal.roles import Role
from requests_app.models import RequestStatus, SharingRequest
from requests_app.services.workflow import transition
from tests.conftest import ClientFor, MakeUser
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def request_urls(sharing_request: SharingRequest) -> list[tuple[str, str]]:
    """Every URL that names a request, with the method a browser uses for it."""
    ref = sharing_request.reference
    return [
        ("get", reverse("request_detail", args=[ref])),
        ("get", reverse("decision_record", args=[ref])),
        ("get", reverse("decision_record_pdf", args=[ref])),
        ("get", reverse("assessment_detail", args=[ref, 1])),
        ("get", reverse("wizard_step", args=[ref, "purpose"])),
        ("post", reverse("wizard_step", args=[ref, "purpose"])),
        ("get", reverse("wizard_review", args=[ref])),
        ("post", reverse("wizard_review", args=[ref])),
        ("post", reverse("request_decide", args=[ref])),
        ("post", reverse("request_transition", args=[ref, "withdraw"])),
        ("post", reverse("request_add_stage", args=[ref])),
        ("post", reverse("request_assign", args=[ref])),
        ("post", reverse("request_add_partner", args=[ref])),
        ("post", reverse("request_comment", args=[ref])),
        ("get", reverse("request_delete", args=[ref])),
        ("post", reverse("request_delete", args=[ref])),
        ("post", reverse("document_upload", args=[ref])),
        ("get", reverse("document_download", args=[ref, 1])),
        # The API: the same getter, so the same 404 for whoever may not see the request.
        ("get", reverse("api:request_detail", args=[ref])),
        ("get", reverse("api:request_answers", args=[ref, "purpose"])),
        ("put", reverse("api:request_answers", args=[ref, "purpose"])),
        ("patch", reverse("api:request_answers", args=[ref, "purpose"])),
        ("post", reverse("api:request_submit", args=[ref])),
        ("get", reverse("api:request_history", args=[ref])),
        ("get", reverse("api:request_decision_record_pdf", args=[ref])),
        ("get", reverse("api:request_transitions", args=[ref])),
        ("post", reverse("api:request_transitions", args=[ref])),
        ("get", reverse("api:request_comments", args=[ref])),
        ("post", reverse("api:request_comments", args=[ref])),
        ("get", reverse("request_disclosure", args=[ref])),
        ("post", reverse("request_disclosure", args=[ref])),
        ("get", reverse("request_flow", args=[ref])),
        ("post", reverse("request_flow", args=[ref])),
        ("get", reverse("request_assets", args=[ref])),
        ("post", reverse("request_assets", args=[ref])),
    ]


def test_every_request_url_is_listed() -> None:
    """A new URL with a reference in it must be added to request_urls (and so to the checks below)."""
    from django.urls import get_resolver

    def walk(patterns: list, prefix: str = "", namespace: str = "") -> list[str]:
        found = []
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                inner = f"{pattern.namespace}:" if getattr(pattern, "namespace", None) else namespace
                found += walk(pattern.url_patterns, route, inner)
            elif "<str:reference>" in route:
                found.append(namespace + pattern.name)
        return found

    listed = {"request_detail", "decision_record", "decision_record_pdf", "assessment_detail"}
    listed |= {"wizard_step", "wizard_review", "document_upload", "document_download"}
    listed |= {
        "request_decide",
        "request_transition",
        "request_add_stage",
        "request_assign",
        "request_add_partner",
        "request_comment",
        "request_delete",
    }
    listed |= {
        "api:request_detail",
        "api:request_answers",
        "api:request_submit",
        "api:request_history",
        "api:request_decision_record_pdf",
        "api:request_transitions",
        "api:request_comments",
        "request_disclosure",
        "request_flow",
        "request_assets",
    }
    assert set(walk(get_resolver().url_patterns)) == listed


@pytest.fixture
def outsiders(make_user: MakeUser) -> dict[str, User]:
    return {
        "other requester": make_user(Role.REQUESTER),
        "ig officer": make_user(Role.IG_OFFICER),
        "dpo": make_user(Role.DPO),
        "caldicott": make_user(Role.CALDICOTT_GUARDIAN),
        "siro": make_user(Role.SIRO),
        "auditor": make_user(Role.AUDITOR),
        "no role": make_user(),
    }


def _assert_not_found(client: Client, sharing_request: SharingRequest, who: str) -> None:
    for method, url in request_urls(sharing_request):
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{who}: {method.upper()} {url} answered {response.status_code}"
        if url.startswith("/api/"):
            assert response.json()["error"]["code"] == "not_found", url


def test_a_draft_is_invisible_to_everyone_but_its_requester(
    requester: User, outsiders: dict[str, User], client_for: ClientFor
) -> None:
    draft = make_request(requester=requester, status=RequestStatus.DRAFT)
    for who, user in outsiders.items():
        _assert_not_found(client_for(user), draft, who)


def test_a_request_in_ig_review_is_invisible_to_the_caldicott_guardian_siro_and_others(
    requester: User, outsiders: dict[str, User], client_for: ClientFor
) -> None:
    in_review = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    for who in ("other requester", "caldicott", "siro", "no role"):
        _assert_not_found(client_for(outsiders[who]), in_review, who)


def test_the_caldicott_guardian_sees_a_request_once_it_reaches_their_stage_and_after(
    requester: User, outsiders: dict[str, User], client_for: ClientFor
) -> None:
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    transition(request, "approve", actor=outsiders["ig officer"])
    transition(request, "approve", actor=outsiders["caldicott"])
    assert request.status == RequestStatus.APPROVED
    detail = reverse("request_detail", args=[request.reference])
    assert client_for(outsiders["caldicott"]).get(detail).status_code == 200
    _assert_not_found(client_for(outsiders["siro"]), request, "siro")


def test_an_unknown_reference_is_not_found(requester: User, client_for: ClientFor) -> None:
    assert client_for(requester).get(reverse("request_detail", args=["ISR-2026-99999"])).status_code == 404


@pytest.mark.parametrize("who", ["ig officer", "dpo", "auditor"])
def test_reviewers_by_role_and_the_auditor_read_submitted_requests(
    requester: User, outsiders: dict[str, User], client_for: ClientFor, who: str
) -> None:
    request = make_request(requester=requester)
    assert (
        client_for(outsiders[who]).get(reverse("request_detail", args=[request.reference])).status_code == 200
    )


def test_the_auditor_reads_but_changes_nothing(
    requester: User, outsiders: dict[str, User], client_for: ClientFor
) -> None:
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    client = client_for(outsiders["auditor"])
    assert (
        client.post(reverse("request_decide", args=[request.reference]), {"decision": "approve"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("request_transition", args=[request.reference, "withdraw"]), {"comment": "x"}
        ).status_code
        == 403
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.IG_REVIEW
