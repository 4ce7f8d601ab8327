from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from necessity.rules import RULES_VERSION
from requests_app.models import Assessment, AuditEvent, Organisation, RequestStatus, SharingRequest
from requests_app.services.sharing import sharing_request_create
from tests.conftest import ClientFor
from tests.factories import OrganisationFactory
from tests.necessity.wizard_data import (
    police_request_steps,
    post_all_steps,
    post_step,
    start_request,
    step_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def police() -> Organisation:
    return OrganisationFactory.create(name="Northshire Constabulary", kind="police")


@pytest.fixture
def draft(requester: User) -> SharingRequest:
    return sharing_request_create(requester=requester)


def _purpose(recipient: Organisation) -> dict[str, str]:
    return police_request_steps(recipient)["purpose"]


def test_opening_a_new_request_stores_nothing_until_the_first_save(
    client_for: ClientFor, requester: User
) -> None:
    client = client_for(requester)
    for _ in range(2):
        page = client.get(reverse("request_create"))
        assert page.status_code == 200
        assert "New sharing request · Step 1 of 9" in page.content.decode()
    assert not SharingRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="request.create").exists()


def test_the_first_save_makes_a_numbered_draft_with_its_answers_and_opens_the_next_step(
    client_for: ClientFor, requester: User, police: Organisation
) -> None:
    reference = start_request(client_for(requester), _purpose(police))
    sharing_request = SharingRequest.objects.get()
    assert reference == sharing_request.reference == f"ISR-{timezone.localdate().year}-00001"
    assert sharing_request.status == RequestStatus.DRAFT
    assert sharing_request.answers["purpose"]["title"] == "Admission dates for CID enquiry"
    assert sharing_request.current_step == "data"


def test_the_same_first_step_posted_twice_makes_one_draft(
    client_for: ClientFor, requester: User, police: Organisation
) -> None:
    client = client_for(requester)
    key = str(uuid.uuid4())
    first = start_request(client, _purpose(police), key=key)
    second = start_request(client, {**_purpose(police), "title": "Second click"}, key=key)
    assert first == second
    assert SharingRequest.objects.get().title == "Second click"
    assert AuditEvent.objects.filter(action="request.create").count() == 1
    # A fresh form (a new "Start") is a new request.
    assert start_request(client, _purpose(police)).endswith("-00002")


def test_a_first_step_with_errors_makes_nothing_and_keeps_its_key(
    client_for: ClientFor, requester: User
) -> None:
    key = str(uuid.uuid4())
    response = client_for(requester).post(
        reverse("request_create"), {"title": "Half typed", "creation_key": key, "action": "continue"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter what the information is for" in page
    assert f'name="creation_key" value="{key}"' in page
    assert 'value="Half typed"' in page
    assert not SharingRequest.objects.exists()


def test_save_and_come_back_later_on_a_first_step_with_errors_keeps_what_was_typed(
    client_for: ClientFor, requester: User
) -> None:
    response = client_for(requester).post(
        reverse("request_create"),
        {"title": "Half typed", "creation_key": str(uuid.uuid4()), "action": "save_exit"},
    )
    assert response["Location"] == reverse("request_list")
    draft = SharingRequest.objects.get()
    assert draft.answers == {}
    assert draft.draft_input["purpose"]["title"] == ["Half typed"]


def test_a_first_step_without_its_key_is_a_bad_request(
    client_for: ClientFor, requester: User, police: Organisation
) -> None:
    response = client_for(requester).post(
        reverse("request_create"), {**_purpose(police), "creation_key": "not-a-key", "action": "continue"}
    )
    assert response.status_code == 400
    assert not SharingRequest.objects.exists()


def test_one_persons_key_never_opens_another_persons_draft(
    client_for: ClientFor, requester: User, other_requester: User, police: Organisation
) -> None:
    key = str(uuid.uuid4())
    mine = start_request(client_for(requester), _purpose(police), key=key)
    theirs = start_request(client_for(other_requester), _purpose(police), key=key)
    assert mine != theirs
    assert SharingRequest.objects.get(reference=theirs).requester == other_requester


def test_starting_a_request_refuses_other_methods(client_for: ClientFor, requester: User) -> None:
    assert client_for(requester).put(reverse("request_create")).status_code == 405


def test_only_requesters_start_requests(client_for: ClientFor, auditor: User) -> None:
    assert client_for(auditor).get(reverse("request_create")).status_code == 404
    response = client_for(auditor).post(
        reverse("request_create"), {"creation_key": str(uuid.uuid4()), "action": "save_exit"}
    )
    assert response.status_code == 404
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


def test_the_step_count_stays_the_same_when_steps_appear_or_disappear(
    client_for: ClientFor, requester: User, draft: SharingRequest, police: Organisation
) -> None:
    client = client_for(requester)
    steps = police_request_steps(police)

    def caption(step: str) -> str:
        page = client.get(step_url(draft.reference, step)).content.decode()
        start = page.index('<span class="nhsuk-caption-l">')
        return page[start : page.index("</span>", start)].split("·")[1].strip()

    assert caption("purpose") == "Step 1 of 9"
    post_step(client, draft.reference, "purpose", steps["purpose"])
    post_step(client, draft.reference, "data", steps["data"])
    # A police request adds a page to the data section; the count does not change.
    assert caption("police") == "Step 2 of 9: Data"
    assert caption("transfer") == "Step 6 of 9"
    non_personal = {**steps["data"], "data_form": "non_personal"}
    post_step(client, draft.reference, "data", non_personal)
    # Data not about people needs no lawful basis: the sections are skipped, not renumbered.
    assert caption("transfer") == "Step 6 of 9"
    nav = client.get(step_url(draft.reference, "transfer")).content.decode()
    assert nav.count("(not needed for this request)") == 3
    review = client.get(reverse("wizard_review", args=[draft.reference])).content.decode()
    assert "Step 9 of 9" in review


def test_a_recipient_not_yet_a_partner_can_be_named_for_the_ig_team_to_add(
    client_for: ClientFor, requester: User, police: Organisation
) -> None:
    client = client_for(requester)
    purpose = {**police_request_steps(police)["purpose"], "recipient": ""}
    response = client.post(reverse("request_create"), {**purpose, "creation_key": str(uuid.uuid4())})
    assert response.status_code == 400
    assert (
        "Choose the organisation the information is shared with, or enter its name"
        in response.content.decode()
    )

    unlisted = {**purpose, "recipient_not_listed": "Eastshire Hospice", "recipient_kind": "care_provider"}
    reference = start_request(client, unlisted)
    draft = SharingRequest.objects.get(reference=reference)
    assert draft.recipient is None and draft.recipient_unlisted == "Eastshire Hospice"
    assert draft.answers["purpose"]["recipient_name"] == "Eastshire Hospice"
    assert draft.answers["purpose"]["recipient_kind"] == "care_provider"
    page = client.get(reverse("request_detail", args=[reference])).content.decode()
    assert "Eastshire Hospice (not yet a partner: the IG team will add it)" in page

    both = {**unlisted, "recipient": str(police.pk)}
    again = client.post(step_url(reference, "purpose"), {**both, "action": "continue"})
    assert "not both" in again.content.decode()
    client.post(
        step_url(reference, "purpose"), {**police_request_steps(police)["purpose"], "action": "continue"}
    )
    draft.refresh_from_db()
    assert (draft.recipient, draft.recipient_unlisted) == (police, "")


def test_public_health_is_a_purpose_and_every_long_answer_has_a_limit(
    client_for: ClientFor, requester: User
) -> None:
    page = client_for(requester).get(reverse("request_create")).content.decode()
    assert 'value="public_health"' in page
    assert page.count('data-module="nhsuk-character-count" data-maxlength="1200"') == 3
    too_long = {"description": "x" * 1201, "creation_key": str(uuid.uuid4())}
    response = client_for(requester).post(reverse("request_create"), too_long)
    assert "Your answer must be 1,200 characters or fewer" in response.content.decode()


def test_the_caldicott_step_asks_each_principle_in_the_2020_wording(
    client_for: ClientFor, requester: User, draft: SharingRequest
) -> None:
    page = client_for(requester).get(step_url(draft.reference, "caldicott")).content.decode()
    for wording in (
        "Is principle 2 met? Use confidential information only when it is necessary.",
        "Is principle 5 met? Everyone who has access to confidential information should be aware of their "
        "responsibilities.",
        "Is principle 8 met? Inform patients and service users about how their confidential information "
        "is used.",
    ):
        assert wording in page
    assert "absolutely necessary" not in page and "his or her" not in page


def test_every_yes_no_asks_one_question(
    client_for: ClientFor, requester: User, draft: SharingRequest
) -> None:
    """A Yes/No answers one question: its legend holds exactly one question mark, and it is a question."""
    from necessity.steps import STEPS

    for step in STEPS:
        form = step.form_class()
        for name, field in form.fields.items():
            choices = list(getattr(field, "choices", None) or [])
            if [value for value, _ in choices] == ["yes", "no"]:
                label = str(field.label)
                assert label.count("?") == 1, (step.name, name, label)
    page = client_for(requester).get(step_url(draft.reference, "dpia_screening")).content.decode()
    assert (
        "3. Will the sharing involve the sharing of identifiers which are unique to an individual or "
        "household?</legend>" in page
    )
    assert "e.g., Hospital Number, NHS Number" in page
