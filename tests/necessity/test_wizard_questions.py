"""The questions rules version 2 added are asked only where they apply, through the browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from necessity.rules import DEFAULT_POLICY, one_off_screening_notice
from requests_app.models import Organisation, SharingRequest
from requests_app.services.sharing import sharing_request_create
from tests.factories import OrganisationFactory
from tests.necessity.wizard_data import police_request_steps, post_all_steps, post_step, step_url

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


@pytest.fixture
def police() -> Organisation:
    return OrganisationFactory.create(name="Northshire Constabulary", kind="police")


@pytest.fixture
def draft(requester: User) -> SharingRequest:
    return sharing_request_create(requester=requester)


@pytest.fixture
def client(client_for: ClientFor, requester: User) -> Client:
    return client_for(requester)


def page(client: Client, draft: SharingRequest, step: str) -> str:
    response = client.get(step_url(draft.reference, step))
    assert response.status_code == 200, step
    return str(response.content.decode())


def test_the_legal_duty_step_appears_only_when_the_law_requires_the_disclosure(
    client: Client, draft: SharingRequest, police: Organisation
) -> None:
    steps = police_request_steps(police)
    post_all_steps(client, draft.reference, steps)
    assert client.get(step_url(draft.reference, "legal_duty")).status_code == 302

    statutory = {**steps["lawful_basis"], "confidentiality_basis": "legal_duty_or_court_order"}
    post_step(client, draft.reference, "lawful_basis", statutory)
    assert "Which order, notice or law, and which section?" in page(client, draft, "legal_duty")
    review = client.get(reverse("wizard_review", args=[draft.reference])).content.decode()
    assert "Complete 'Legal duty'" in review

    post_step(
        client,
        draft.reference,
        "legal_duty",
        {
            "kind": "statutory_notice",
            "reference": "Road Traffic Act 1988 s172 notice NP/2026/7",
            "what_is_required": "The name of the driver.",
        },
    )
    review = client.get(reverse("wizard_review", args=[draft.reference])).content.decode()
    assert "R-LEGAL-DUTY" in review
    assert "R-POLICE-CALDICOTT" not in review


def test_the_best_interests_step_asks_the_carers_criteria(
    client: Client, draft: SharingRequest, police: Organisation
) -> None:
    steps = police_request_steps(police)
    post_all_steps(client, draft.reference, steps)
    assert client.get(step_url(draft.reference, "best_interests")).status_code == 302
    best = {
        **steps["lawful_basis"],
        "confidentiality_basis": "best_interests",
        "capacity": "lacks_capacity_no_one_with_authority",
    }
    post_step(client, draft.reference, "lawful_basis", best)

    carer_criterion = "If a carer, is this true? The carer &#x27;cares for&#x27; the person."
    assert carer_criterion in page(client, draft, "best_interests")
    response = post_step(
        client,
        draft.reference,
        "best_interests",
        {"why_in_best_interests": "She gives his medication.", "recipient_is_carer": "yes"},
    )
    assert response.status_code == 400
    assert "Answer yes or no: There are no safeguarding issues apparent." in response.content.decode()


def test_consent_asks_who_gave_it(client: Client, draft: SharingRequest, police: Organisation) -> None:
    steps = police_request_steps(police)
    given = {**steps["lawful_basis"], "consent": "given", "consent_date": "2026-01-05"}
    response = post_step(client, draft.reference, "lawful_basis", given)
    assert response.status_code == 400
    assert "Say who gave, refused or withdrew consent." in response.content.decode()

    response = post_step(
        client, draft.reference, "lawful_basis", {**given, "consent_decided_by": "parental_responsibility"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["lawful_basis"]["consent_decided_by"] == "parental_responsibility"


def test_direct_care_is_not_asked_whether_a_pseudonym_would_do(
    client: Client, draft: SharingRequest, police: Organisation
) -> None:
    steps = police_request_steps(police)
    post_step(client, draft.reference, "purpose", steps["purpose"])
    assert "Could pseudonymised data" in page(client, draft, "necessity")

    care = {**steps["purpose"], "category": "direct_care", "direct_care": "yes"}
    post_step(client, draft.reference, "purpose", care)
    content = page(client, draft, "necessity")
    assert "Could pseudonymised data" not in content
    assert "Could anonymised or aggregated data" not in content
    post_step(client, draft.reference, "necessity", {"reason": "The care home looks after her."})
    draft.refresh_from_db()
    assert draft.answers["necessity"] == {
        "reason": "The care home looks after her.",
        "anonymised_would_serve": None,
        "pseudonymised_would_serve": None,
    }


def test_the_care_team_question_asks_for_safeguards_only_for_unregistered_staff(
    client: Client, draft: SharingRequest, police: Organisation
) -> None:
    steps = police_request_steps(police)
    post_step(
        client,
        draft.reference,
        "purpose",
        {**steps["purpose"], "category": "direct_care", "direct_care": "yes"},
    )
    criteria: dict[str, Any] = {
        name: "no"
        for name in (
            "presents_for_care",
            "agreed_to_referral",
            "accepted_screening_or_immunisation",
            "emergency_consent_not_possible",
            "legal_duty",
            "told_and_did_not_object",
        )
    } | {"accepted_service": "yes"}
    response = post_step(
        client,
        draft.reference,
        "legitimate_relationship",
        {**criteria, "recipient_role": "unregistered_care_staff"},
    )
    assert response.status_code == 400
    assert "Say whether the care staff&#x27;s safeguards are in place." in response.content.decode()

    post_step(
        client,
        draft.reference,
        "legitimate_relationship",
        {**criteria, "recipient_role": "registered_professional", "safeguards_in_place": "no"},
    )
    draft.refresh_from_db()
    assert draft.answers["legitimate_relationship"]["safeguards_in_place"] is None


def test_transfer_questions_follow_the_method_the_processor_and_the_destination(
    client: Client, draft: SharingRequest, police: Organisation
) -> None:
    steps = police_request_steps(police)
    post_step(client, draft.reference, "purpose", steps["purpose"])
    assert "data processing contract" not in page(client, draft, "transfer")

    by_phone = {**steps["transfer"], "method": "telephone", "encrypted": ""}
    assert post_step(client, draft.reference, "transfer", by_phone).status_code == 302
    draft.refresh_from_db()
    assert draft.answers["transfer"]["encrypted"] is None

    by_email = {**steps["transfer"], "method": "ordinary_email", "encrypted": ""}
    response = post_step(client, draft.reference, "transfer", by_email)
    assert "Say whether it will be encrypted in transit." in response.content.decode()

    abroad = {**steps["transfer"], "outside_uk": "yes"}
    response = post_step(client, draft.reference, "transfer", abroad)
    assert "Enter the country." in response.content.decode()
    assert "Choose what makes the transfer lawful." in response.content.decode()

    post_step(client, draft.reference, "purpose", {**steps["purpose"], "recipient_is_processor": "yes"})
    assert "data processing contract" in page(client, draft, "transfer")


def test_the_dpia_screening_page_says_what_the_outcome_will_say_for_a_one_off_request(
    client: Client, draft: SharingRequest, police: Organisation
) -> None:
    steps = police_request_steps(police)
    notice = one_off_screening_notice(DEFAULT_POLICY)
    assert notice is not None
    post_step(client, draft.reference, "purpose", steps["purpose"])
    assert notice in page(client, draft, "dpia_screening").replace("&#x27;", "'")

    post_step(client, draft.reference, "purpose", {**steps["purpose"], "frequency": "routine"})
    assert notice not in page(client, draft, "dpia_screening").replace("&#x27;", "'")

    post_step(client, draft.reference, "purpose", steps["purpose"])
    post_all_steps(
        client,
        draft.reference,
        {**steps, "dpia_screening": {**steps["dpia_screening"], "q1_personal_data": "yes"}},
    )
    review = client.get(reverse("wizard_review", args=[draft.reference])).content.decode()
    assert notice in review.replace("&#x27;", "'")
