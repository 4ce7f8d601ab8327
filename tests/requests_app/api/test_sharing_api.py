"""Sharing requests through the API: drafted with the wizard's own step forms, submitted, decided."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from requests_app.models import AuditEvent, RequestStatus, SharingRequest
from tests.conftest import MakeUser
from tests.factories import OrganisationFactory, make_request
from tests.requests_app.api.helpers import STEP_ORDER, Api, assert_error, police_answers, token_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/requests/"


def api_for(user: User) -> Api:
    return Api(Client(), token_for(user))


def answers_url(reference: str, step: str) -> str:
    return f"{BASE}{reference}/answers/{step}/"


def draft_through_api(api: Api) -> tuple[str, dict]:
    response = api.post(BASE)
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    answers = police_answers(OrganisationFactory.create())
    for step in STEP_ORDER:
        saved = api.put(answers_url(reference, step), answers[step])
        assert saved.status_code == 200, (step, saved.content)
    return reference, answers


def test_a_requester_drafts_and_submits_a_request_and_reads_the_engine_outcome(requester: User) -> None:
    api = api_for(requester)
    reference, _ = draft_through_api(api)
    submitted = api.post(f"{BASE}{reference}/submit/")
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted"
    assessment = body["assessment"]
    assert assessment["outcome"] == "caldicott_decision"
    assert {reason["rule_id"] for reason in assessment["reasons"]} >= {"R-POLICE-CALDICOTT", "R-ROUTE-DPO"}
    assert {condition["code"] for condition in assessment["conditions"]} >= {"remove_items"}
    assert assessment["required_signoffs"] == ["ig_dpo", "caldicott_guardian"]
    assert body["stages"] == ["ig_dpo", "caldicott_guardian"]
    assert body["can_edit_answers"] is False


def test_a_step_is_saved_as_the_wizard_saves_it(requester: User) -> None:
    api = api_for(requester)
    reference = api.post(BASE).json()["reference"]
    answers = police_answers(OrganisationFactory.create())
    response = api.put(answers_url(reference, "purpose"), answers["purpose"])
    assert response.status_code == 200
    saved = SharingRequest.objects.get(reference=reference)
    assert saved.title == "Admission dates for CID enquiry"
    assert saved.purpose_category == "police_crime"
    assert saved.answers["purpose"]["direct_care"] is False
    assert saved.recipient is not None
    assert saved.answers["purpose"]["recipient_name"] == saved.recipient.name
    read = api.get(answers_url(reference, "purpose")).json()
    assert read["answers"] == saved.answers["purpose"]
    assert read["applies"] is True


def test_a_step_is_refused_with_the_step_forms_own_messages_on_its_fields(requester: User) -> None:
    api = api_for(requester)
    reference = api.post(BASE).json()["reference"]
    purpose = police_answers(OrganisationFactory.create())["purpose"]
    purpose.pop("title")
    purpose["category"] = "direct_care"
    purpose["direct_care"] = False
    error = assert_error(api.put(answers_url(reference, "purpose"), purpose), 400, "invalid")
    assert error["fields"]["title"] == ["Enter a short title for this request"]
    assert error["fields"]["direct_care"] == ["You chose direct care as the purpose, so answer yes here."]
    assert SharingRequest.objects.get(reference=reference).answers == {}


def test_wrong_json_types_and_unknown_fields_are_named(requester: User) -> None:
    api = api_for(requester)
    reference = api.post(BASE).json()["reference"]
    purpose = police_answers(OrganisationFactory.create())["purpose"]
    error = assert_error(
        api.put(
            answers_url(reference, "purpose"),
            {**purpose, "direct_care": "no", "title": True, "colour": "red"},
        ),
        400,
    )
    assert error["fields"] == {
        "direct_care": ["Give true or false."],
        "title": ["Give text or a number, not true or false."],
    }
    error = assert_error(api.put(answers_url(reference, "purpose"), {**purpose, "colour": "red"}), 400)
    assert error["fields"] == {"colour": ["This field is not one of this form's fields."]}
    assert_error(api.put(answers_url(reference, "purpose"), ["not", "an", "object"]), 400)


def test_nested_answers_report_their_dotted_path(requester: User) -> None:
    api = api_for(requester)
    reference, answers = draft_through_api(api)
    items = answers["items"]
    items["name"] = {"justification": "", "essential": True}
    error = assert_error(api.put(answers_url(reference, "items"), items), 400)
    assert error["fields"] == {"name.justification": ["Explain why the name is needed"]}


def test_patch_changes_only_the_fields_given(requester: User) -> None:
    api = api_for(requester)
    reference, _ = draft_through_api(api)
    response = api.patch(answers_url(reference, "purpose"), {"title": "A better title"})
    assert response.status_code == 200, response.content
    saved = SharingRequest.objects.get(reference=reference)
    assert saved.title == "A better title"
    assert saved.answers["purpose"]["urgency"] == "urgent"


def test_a_step_that_does_not_apply_is_a_conflict(requester: User) -> None:
    api = api_for(requester)
    reference = api.post(BASE).json()["reference"]
    answers = police_answers(OrganisationFactory.create())
    purpose = {**answers["purpose"], "category": "planning_commissioning"}
    assert api.put(answers_url(reference, "purpose"), purpose).status_code == 200
    assert_error(api.put(answers_url(reference, "police"), answers["police"]), 409, "step_not_applicable")
    assert_error(api.put(answers_url(reference, "items"), answers["items"]), 409, "items_first")
    assert_error(api.get(answers_url(reference, "nonsense")), 404, "not_found")


def test_submitting_an_unfinished_request_names_the_steps_to_do(requester: User) -> None:
    api = api_for(requester)
    reference = api.post(BASE).json()["reference"]
    error = assert_error(api.post(f"{BASE}{reference}/submit/"), 400, "invalid")
    assert "Complete the step 'Purpose' before you submit." in error["message"]


def test_only_staff_requesters_start_requests(auditor: User) -> None:
    assert_error(api_for(auditor).post(BASE), 403, "permission_denied")


def test_the_list_holds_what_the_user_may_see_filtered_like_the_queues(
    requester: User, other_requester: User, ig_officer: User, make_user: MakeUser
) -> None:
    mine = make_request(requester=requester, status=RequestStatus.SUBMITTED, purpose_category="police_crime")
    draft = make_request(requester=other_requester, status=RequestStatus.DRAFT)
    planning = make_request(
        requester=other_requester, status=RequestStatus.IG_REVIEW, purpose_category="planning_commissioning"
    )
    refs = lambda response: {row["reference"] for row in response.json()["results"]}  # noqa: E731
    assert refs(api_for(requester).get(BASE)) == {mine.reference}
    officer = api_for(ig_officer)
    assert refs(officer.get(BASE)) == {mine.reference, planning.reference}
    assert draft.reference not in refs(officer.get(BASE))
    assert refs(officer.get(BASE + "?purpose=planning_commissioning")) == {planning.reference}
    assert refs(officer.get(BASE + "?status=submitted")) == {mine.reference}
    error = assert_error(officer.get(BASE + "?status=nonsense"), 400, "invalid")
    assert "status" in error["fields"]


def test_the_list_is_paginated_with_a_bounded_page_size(requester: User) -> None:
    for _ in range(3):
        make_request(requester=requester)
    api = api_for(requester)
    page = api.get(BASE + "?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert len(api.get(BASE + "?page_size=1000").json()["results"]) == 3
    assert_error(api.get(BASE + "?page=99"), 404, "not_found")


def test_reading_a_request_is_audited_like_the_page(requester: User, ig_officer: User) -> None:
    request = make_request(requester=requester)
    response = api_for(ig_officer).get(f"{BASE}{request.reference}/")
    assert response.status_code == 200
    assert response.json()["assessment"]["outcome"] == "caldicott_decision"
    assert AuditEvent.objects.filter(
        action="request.view", target_id=str(request.pk), actor=ig_officer
    ).exists()


def test_a_requester_cannot_approve_their_own_request_through_the_api(
    requester: User, make_user: MakeUser
) -> None:
    from igportal.roles import Role

    both = make_user(Role.REQUESTER, Role.IG_OFFICER)
    for user in (requester, both):
        request = make_request(requester=user, status=RequestStatus.IG_REVIEW)
        response = api_for(user).post(f"{BASE}{request.reference}/transitions/", {"name": "approve"})
        assert_error(response, 403, "permission_denied")
        request.refresh_from_db()
        assert request.status == RequestStatus.IG_REVIEW
        assert not request.signoffs.exists()


def test_the_ig_officer_approves_through_the_same_workflow_service(requester: User, ig_officer: User) -> None:
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    api = api_for(ig_officer)
    options = {option["name"] for option in api.get(f"{BASE}{request.reference}/transitions/").json()}
    assert {"approve", "reject", "request_changes"} <= options
    response = api.post(f"{BASE}{request.reference}/transitions/", {"name": "approve", "comment": "Fine."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "awaiting_caldicott"
    history = api.get(f"{BASE}{request.reference}/history/").json()["results"]
    assert history[-1]["action"] == "approve" and history[-1]["actor"]["id"] == ig_officer.pk
    assert AuditEvent.objects.filter(action="request.transition", actor=ig_officer).exists()
    assert AuditEvent.objects.filter(action="api.write", actor=ig_officer).exists()


def test_a_decision_without_its_reasons_names_the_field(requester: User, ig_officer: User) -> None:
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    response = api_for(ig_officer).post(f"{BASE}{request.reference}/transitions/", {"name": "reject"})
    error = assert_error(response, 400, "invalid")
    assert "comment" in error["fields"]
    error = assert_error(
        api_for(ig_officer).post(f"{BASE}{request.reference}/transitions/", {"name": "submit"}), 400
    )
    assert "name" in error["fields"]


def test_someone_acting_first_is_a_409_in_the_error_shape(
    requester: User, ig_officer: User, dpo: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from requests_app.api.views import workflow
    from requests_app.services.workflow import transition

    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)

    def late(sharing_request: SharingRequest, name: str, **kwargs: object) -> object:
        # The DPO decides between the officer's read and the officer's update.
        transition(SharingRequest.objects.get(pk=sharing_request.pk), "reject", actor=dpo, comment="No.")
        return transition(sharing_request, name, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(workflow, "transition", late)
    response = api_for(ig_officer).post(f"{BASE}{request.reference}/transitions/", {"name": "approve"})
    error = assert_error(response, 409, "conflict")
    assert "already rejected by" in error["message"]


def test_comments_are_listed_and_added(requester: User) -> None:
    request = make_request(requester=requester)
    api = api_for(requester)
    added = api.post(f"{BASE}{request.reference}/comments/", {"body": "Any news?"})
    assert added.status_code == 201, added.content
    assert [row["body"] for row in api.get(f"{BASE}{request.reference}/comments/").json()["results"]] == [
        "Any news?"
    ]
    error = assert_error(api.post(f"{BASE}{request.reference}/comments/", {"body": ""}), 400)
    assert error["fields"] == {"body": ["Write a comment first"]}
