"""The organisation's rules policy: versioned by the DPO, validated, audited, and recorded on assessments."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from igportal.roles import Role
from necessity.rules import RULES_VERSION, Policy
from requests_app.models import AuditEvent, OrganisationPolicy, RequestStatus, SiroSignOff
from requests_app.services.organisations import organisation_policy_update
from requests_app.services.sharing import sharing_request_create
from tests.factories import OrganisationFactory, make_request
from tests.necessity.wizard_data import police_request_steps, post_all_steps

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
MakeUser = Callable[..., User]

# Who signs each stage, as the form shows the defaults (every box that is ticked is posted).
DEFAULT_SIGNERS = {
    "ig_stage_roles": ["ig_officer", "dpo"],
    "caldicott_stage_roles": ["caldicott_guardian"],
    "siro_stage_roles": ["siro"],
}
STRICTER = {
    "consent_max_age_days": "90",
    "large_scale_subject_count": "5000",
    "screen_one_off_requests": "yes",
    "siro_signs": SiroSignOff.HIGH_RISK_ONLY,
    **DEFAULT_SIGNERS,
    "reason": "The board asked for consent to be re-checked every quarter.",
}


def test_the_first_version_is_the_engines_defaults() -> None:
    first = OrganisationPolicy.current()

    assert first.version == 1
    assert first.policy == Policy()


def test_the_dpo_saves_a_new_version_and_the_old_one_stays(client_for: ClientFor, dpo: User) -> None:
    response = client_for(dpo).post(reverse("organisation_policy_edit"), STRICTER)

    assert response.status_code == 302
    assert response["Location"] == reverse("organisation_settings")
    second = OrganisationPolicy.current()
    assert second.version == 2
    assert second.created_by == dpo
    assert second.policy == Policy(
        consent_max_age_days=90,
        large_scale_subject_count=5000,
        screen_one_off_requests=True,
        siro_signs_every_dpia=False,
    )
    assert OrganisationPolicy.objects.get(version=1).policy == Policy()
    event = AuditEvent.objects.get(action="organisation.policy_changed")
    assert event.actor == dpo
    assert event.detail["version"] == 2
    assert event.detail["changed"]["consent_max_age_days"] == [365, 90]
    page = client_for(dpo).get(reverse("organisation_settings")).content.decode()
    assert "The board asked for consent to be re-checked every quarter." in page
    assert "Only DPIAs whose residual risk is high" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consent_max_age_days", "0"),
        ("consent_max_age_days", "3651"),
        ("large_scale_subject_count", "0"),
        ("siro_signs", "nobody"),
        ("reason", "   "),
    ],
)
def test_a_policy_that_would_leave_the_engine_unusable_is_refused(
    client_for: ClientFor, dpo: User, field: str, value: str
) -> None:
    response = client_for(dpo).post(reverse("organisation_policy_edit"), {**STRICTER, field: value})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert OrganisationPolicy.objects.count() == 1


def test_the_service_refuses_what_the_engine_cannot_use(dpo: User) -> None:
    with pytest.raises(ValidationError, match="between 1 and 3650"):
        organisation_policy_update(actor=dpo, reason="Typo.", consent_max_age_days=0)
    assert OrganisationPolicy.objects.count() == 1


def test_saving_without_a_change_is_refused(client_for: ClientFor, dpo: User) -> None:
    unchanged = {
        "consent_max_age_days": "365",
        "large_scale_subject_count": "10000",
        "screen_one_off_requests": "no",
        "siro_signs": SiroSignOff.EVERY_DPIA,
        **DEFAULT_SIGNERS,
        "reason": "Saved again.",
    }
    response = client_for(dpo).post(reverse("organisation_policy_edit"), unchanged)

    assert response.status_code == 200
    assert "Nothing changed" in response.content.decode()
    assert OrganisationPolicy.objects.count() == 1


@pytest.mark.parametrize(
    "role", [Role.REQUESTER, Role.IG_OFFICER, Role.CALDICOTT_GUARDIAN, Role.SIRO, Role.AUDITOR]
)
def test_only_the_dpo_changes_the_policy(client_for: ClientFor, make_user: MakeUser, role: Role) -> None:
    client = client_for(make_user(role))

    assert client.get(reverse("organisation_policy_edit")).status_code == 404
    assert client.post(reverse("organisation_policy_edit"), STRICTER).status_code == 404
    assert OrganisationPolicy.objects.count() == 1


def test_the_policy_page_is_get_and_post_only(client_for: ClientFor, dpo: User) -> None:
    assert client_for(dpo).put(reverse("organisation_policy_edit")).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_at_once_each_get_their_own_version(dpo: User, make_user: MakeUser) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time, so the race cannot happen there")
    second_dpo = make_user(Role.DPO)
    OrganisationPolicy.current()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def save(actor: User, days: int) -> None:
        try:
            start.wait()
            organisation_policy_update(actor=actor, reason=f"{days} days.", consent_max_age_days=days)
        except BaseException as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(dpo, 90)),
        threading.Thread(target=save, args=(second_dpo, 30)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    versions = list(
        OrganisationPolicy.objects.order_by("version").values_list("version", "consent_max_age_days")
    )
    assert [version for version, _ in versions] == [1, 2, 3]
    assert {days for _, days in versions[1:]} == {90, 30}


def test_an_assessment_records_the_policy_in_force_and_the_request_page_shows_both(
    client_for: ClientFor, requester: User, dpo: User
) -> None:
    organisation_policy_update(actor=dpo, reason="Quarterly consent checks.", consent_max_age_days=90)
    client = client_for(requester)
    draft = sharing_request_create(requester=requester)
    police = OrganisationFactory.create(name="Northshire Constabulary", kind="police")
    post_all_steps(client, draft.reference, police_request_steps(police))
    review = client.get(reverse("wizard_review", args=[draft.reference])).content.decode()
    assert f"rules version {RULES_VERSION}, organisation policy version 2" in review

    client.post(reverse("wizard_review", args=[draft.reference]))

    assessment = draft.assessments.get()
    assert assessment.policy_id == 2
    detail = client.get(reverse("request_detail", args=[draft.reference])).content.decode()
    assert f"rules version {RULES_VERSION}, organisation policy version 2" in detail


def test_an_assessment_decided_under_rules_version_1_is_shown_as_it_was_decided(
    client_for: ClientFor, requester: User
) -> None:
    sharing_request = make_request(
        requester=requester,
        status=RequestStatus.IG_REVIEW,
        example="safeguarding_referral",
        purpose_category="safeguarding",
    )
    assessment = sharing_request.assessments.get()
    # What rules version 1 stored: its own answer names and its own wording, never re-run.
    answers: dict[str, Any] = dict(assessment.answers)
    answers["safeguarding"] = {"concern": "Bruising.", "risk_of_serious_harm": True}
    result: dict[str, Any] = dict(assessment.result, rules_version="2026.11.1")
    result["rules_fired"] = [
        {
            "rule_id": "R-SAFEGUARDING-SHARE-NOW",
            "effect": "share_now",
            "message": "A child or adult is at risk of serious harm: share the information now.",
            "citation": "[004 6.2]; [003 legal considerations]; [002 principle 7]",
            "overridden": False,
        }
    ]
    type(assessment).objects.filter(pk=assessment.pk).update(
        answers=answers, result=result, rules_version="2026.11.1", policy=None
    )

    page = (
        client_for(requester)
        .get(reverse("request_detail", args=[sharing_request.reference]))
        .content.decode()
    )

    assert "rules version 2026.11.1; assessed before organisation policies were versioned" in page
    assert "A child or adult is at risk of serious harm: share the information now." in page
    assert "[004 6.2]; [003 legal considerations]" in page
