from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from necessity.rules import RULES_VERSION
from requests_app.models import Assessment, Organisation, RequestStatus, SharingRequest
from tests.conftest import ClientFor
from tests.factories import OrganisationFactory
from tests.necessity.wizard_data import police_request_steps, post_all_steps, post_step, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def police() -> Organisation:
    return OrganisationFactory.create(name="Northshire Constabulary", kind="police")


@pytest.fixture
def draft(client_for: ClientFor, requester: User) -> SharingRequest:
    client_for(requester).post(reverse("request_create"))
    return SharingRequest.objects.get()


def test_starting_a_request_makes_a_numbered_draft_and_opens_the_first_step(
    client_for: ClientFor, requester: User
) -> None:
    response = client_for(requester).post(reverse("request_create"))
    sharing_request = SharingRequest.objects.get()
    assert sharing_request.reference == f"ISR-{timezone.localdate().year}-00001"
    assert sharing_request.status == RequestStatus.DRAFT
    assert response["Location"] == step_url(sharing_request.reference, "purpose")


def test_references_count_up(client_for: ClientFor, requester: User) -> None:
    client = client_for(requester)
    client.post(reverse("request_create"))
    client.post(reverse("request_create"))
    assert sorted(SharingRequest.objects.values_list("reference", flat=True))[-1].endswith("-00002")


def test_starting_a_request_is_post_only(client_for: ClientFor, requester: User) -> None:
    assert client_for(requester).get(reverse("request_create")).status_code == 405


def test_only_requesters_start_requests(client_for: ClientFor, auditor: User) -> None:
    assert client_for(auditor).post(reverse("request_create")).status_code == 404
    assert not SharingRequest.objects.exists()


def test_a_complete_police_request_is_assessed_frozen_and_submitted(
    client_for: ClientFor, requester: User, draft: SharingRequest, police: Organisation
) -> None:
    client = client_for(requester)
    post_all_steps(client, draft.reference, police_request_steps(police))

    review = client.get(reverse("wizard_review", args=[draft.reference])).content.decode()
    assert "Decision by the Caldicott Guardian" in review
    assert "Remove items" in review
    assert "Caldicott Guardian" in review and "Submit for review" in review

    response = client.post(reverse("wizard_review", args=[draft.reference]))
    assert response["Location"] == reverse("request_detail", args=[draft.reference])
    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED
    assert draft.submitted_at is not None
    assessment = Assessment.objects.get(request=draft)
    assert assessment.number == 1
    assert assessment.rules_version == RULES_VERSION
    assert assessment.outcome == "caldicott_decision"
    assert assessment.required_signoffs == ["ig_dpo", "caldicott_guardian"]
    assert assessment.answers["police"]["reference"] == "CR/2026/118822"
    assert [row.action for row in draft.history.all()] == ["submit"]

    detail = client.get(reverse("request_detail", args=[draft.reference])).content.decode()
    assert "Decision by the Caldicott Guardian" in detail
    assert "R-POLICE-CALDICOTT" in detail
    assert "CR/2026/118822" in detail


def test_after_submission_the_answers_cannot_be_changed(
    client_for: ClientFor, requester: User, draft: SharingRequest, police: Organisation
) -> None:
    client = client_for(requester)
    post_all_steps(client, draft.reference, police_request_steps(police))
    client.post(reverse("wizard_review", args=[draft.reference]))
    response = post_step(client, draft.reference, "purpose", police_request_steps(police)["purpose"])
    assert response.status_code == 403
    assert client.post(reverse("wizard_review", args=[draft.reference])).status_code == 403
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize(
    ("step", "field", "message"),
    [
        ("purpose", "title", "Enter a short title for this request"),
        ("purpose", "category", "Choose the kind of purpose"),
        ("purpose", "recipient", "Choose the organisation the information is shared with"),
        ("data", "item_types", "Choose at least one data item"),
        ("data", "approximate_subject_count", "Enter roughly how many people"),
        ("items", "justification__name", "Explain why the name is needed"),
        ("police", "officer", "Enter the requesting officer"),
        ("lawful_basis", "art6", "Choose the Article 6 condition"),
        ("special_category", "art9", "Choose the Article 9 condition"),
        ("necessity", "anonymised_would_serve", "Say whether anonymised or aggregated data could"),
        ("proportionality", "proportionate", "Say whether the intrusion is proportionate"),
        ("transfer", "encrypted", "Say whether it will be encrypted in transit"),
        ("dpia_screening", "q7_intrusive_technology", "Answer screening question 7"),
        ("caldicott", "p3_minimum_necessary__evidence", "Enter the evidence for principle 3"),
    ],
)
def test_each_step_explains_a_missing_answer_on_its_field_and_keeps_the_rest(
    client_for: ClientFor,
    requester: User,
    draft: SharingRequest,
    police: Organisation,
    step: str,
    field: str,
    message: str,
) -> None:
    client = client_for(requester)
    steps = police_request_steps(police)
    post_all_steps(client, draft.reference, steps)
    # A browser sends an empty text box as "" and leaves unticked checkboxes out altogether.
    broken = {name: value for name, value in steps[step].items() if name != field}
    if not isinstance(steps[step][field], list):
        broken[field] = ""
    response = post_step(client, draft.reference, step, broken)
    content = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in content
    assert message.lower() in content.lower()
    assert f'id="id_{field}_error"' in content or f'id="id_{field}_0' in content
    draft.refresh_from_db()
    kept = draft.draft_input[step]
    for name, value in broken.items():
        if value not in ("", []):
            expected = value if isinstance(value, list) else [value]
            assert kept[name] == expected, name


def test_a_bad_answer_is_kept_even_after_logging_out(
    client_for: ClientFor, requester: User, draft: SharingRequest, client: Client
) -> None:
    client_for(requester)
    post_step(client, draft.reference, "purpose", {"title": "Half done", "description": "Started but"})
    client.post(reverse("logout"))
    client_for(requester)
    content = client.get(step_url(draft.reference, "purpose")).content.decode()
    assert 'value="Half done"' in content
    assert "Started but" in content


def test_back_keeps_what_was_typed_on_the_step(
    client_for: ClientFor, requester: User, draft: SharingRequest, police: Organisation
) -> None:
    client = client_for(requester)
    post_step(client, draft.reference, "purpose", police_request_steps(police)["purpose"])
    response = post_step(
        client, draft.reference, "data", {"subjects_description": "Half typed"}, action="back"
    )
    assert response["Location"] == step_url(draft.reference, "purpose")
    content = client.get(step_url(draft.reference, "data")).content.decode()
    assert "Half typed" in content
    purpose = client.get(step_url(draft.reference, "purpose")).content.decode()
    assert 'value="Admission dates for CID enquiry"' in purpose


def test_save_and_come_back_later_resumes_where_the_requester_left(
    client_for: ClientFor, requester: User, draft: SharingRequest, police: Organisation
) -> None:
    client = client_for(requester)
    steps = police_request_steps(police)
    post_step(client, draft.reference, "purpose", steps["purpose"])
    response = post_step(client, draft.reference, "data", steps["data"], action="save_exit")
    assert response["Location"] == reverse("request_list")
    listing = client.get(reverse("request_list")).content.decode()
    assert draft.reference in listing and "Draft" in listing
    detail = client.get(reverse("request_detail", args=[draft.reference])).content.decode()
    assert "Continue this draft" in detail
    assert step_url(draft.reference, "data") in detail


def test_police_questions_are_asked_only_for_police_requests(
    client_for: ClientFor, requester: User, draft: SharingRequest, police: Organisation
) -> None:
    client = client_for(requester)
    steps = police_request_steps(police)
    post_step(client, draft.reference, "purpose", {**steps["purpose"], "category": "planning_commissioning"})
    post_step(client, draft.reference, "data", steps["data"])
    response = post_step(client, draft.reference, "items", steps["items"])
    assert response["Location"] == step_url(draft.reference, "lawful_basis")
    assert client.get(step_url(draft.reference, "police"))["Location"] != step_url(draft.reference, "police")


def test_special_category_questions_only_when_such_data_is_chosen(
    client_for: ClientFor, requester: User, draft: SharingRequest, police: Organisation
) -> None:
    client = client_for(requester)
    steps = police_request_steps(police)
    post_step(client, draft.reference, "purpose", {**steps["purpose"], "category": "planning_commissioning"})
    post_step(
        client, draft.reference, "data", {**steps["data"], "item_types": steps["data"]["item_types"][:1]}
    )
    draft.refresh_from_db()
    assert draft.items.get().item_type.special_category is False
    post_step(client, draft.reference, "items", steps["items"])
    response = post_step(client, draft.reference, "lawful_basis", steps["lawful_basis"])
    assert response["Location"] == step_url(draft.reference, "necessity")


def test_legitimate_relationship_questions_only_for_direct_care(
    client_for: ClientFor, requester: User, draft: SharingRequest, police: Organisation
) -> None:
    client = client_for(requester)
    steps = police_request_steps(police)
    care = {**steps["purpose"], "category": "direct_care", "direct_care": "yes"}
    post_step(client, draft.reference, "purpose", care)
    assert client.get(step_url(draft.reference, "legitimate_relationship")).status_code == 200
    post_step(client, draft.reference, "purpose", steps["purpose"])
    response = client.get(step_url(draft.reference, "legitimate_relationship"))
    assert response.status_code == 302


def test_direct_care_purpose_must_be_answered_as_direct_care(
    client_for: ClientFor, requester: User, draft: SharingRequest, police: Organisation
) -> None:
    purpose = {**police_request_steps(police)["purpose"], "category": "direct_care", "direct_care": "no"}
    response = post_step(client_for(requester), draft.reference, "purpose", purpose)
    assert "You chose direct care as the purpose, so answer yes here." in response.content.decode()


def test_review_lists_the_steps_still_to_do(
    client_for: ClientFor, requester: User, draft: SharingRequest
) -> None:
    content = client_for(requester).get(reverse("wizard_review", args=[draft.reference])).content.decode()
    assert "Complete 'Purpose'" in content
    assert "Submit for review" not in content


def test_submitting_an_unfinished_request_is_refused_with_the_steps_to_do(
    client_for: ClientFor, requester: User, draft: SharingRequest
) -> None:
    response = client_for(requester).post(reverse("wizard_review", args=[draft.reference]))
    assert response.status_code == 400
    assert "Complete the step" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT


def test_a_requester_cannot_open_another_requesters_draft(
    client_for: ClientFor, other_requester: User, draft: SharingRequest
) -> None:
    client = client_for(other_requester)
    assert client.get(step_url(draft.reference, "purpose")).status_code == 404
    assert client.get(reverse("request_detail", args=[draft.reference])).status_code == 404
    assert client.get(reverse("wizard_review", args=[draft.reference])).status_code == 404
    assert client.post(step_url(draft.reference, "purpose"), {"title": "Hijack"}).status_code == 404


@pytest.mark.parametrize("role_fixture", ["ig_officer", "dpo", "caldicott", "siro", "auditor"])
def test_nobody_else_sees_a_draft(
    request: pytest.FixtureRequest, client_for: ClientFor, draft: SharingRequest, role_fixture: str
) -> None:
    client = client_for(request.getfixturevalue(role_fixture))
    assert client.get(reverse("request_detail", args=[draft.reference])).status_code == 404


def test_an_unknown_step_is_not_found(client_for: ClientFor, requester: User, draft: SharingRequest) -> None:
    assert client_for(requester).get(step_url(draft.reference, "nonsense")).status_code == 404


def test_wizard_steps_refuse_other_methods(
    client_for: ClientFor, requester: User, draft: SharingRequest
) -> None:
    client = client_for(requester)
    assert client.put(step_url(draft.reference, "purpose")).status_code == 405
    assert client.delete(reverse("wizard_review", args=[draft.reference])).status_code == 405
