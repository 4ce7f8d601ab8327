"""Which roles sign which stage is the organisation's policy, within the limits the policies set."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from igportal.roles import Role
from requests_app.models import AuditEvent, Notification, OrganisationPolicy, RequestStatus, SignOff
from requests_app.selectors.queues import queues_for
from requests_app.services.organisations import organisation_policy_update
from requests_app.services.workflow import transition
from requests_app.signers import stage_roles
from requests_app.tasks import notify_request_history
from tests.conftest import ClientFor, MakeUser
from tests.factories import make_request

pytestmark = pytest.mark.django_db
S = RequestStatus


def test_by_default_the_ig_team_the_caldicott_guardian_and_the_siro_sign_their_stages() -> None:
    assert stage_roles("ig_dpo") == {Role.IG_OFFICER, Role.DPO}
    assert stage_roles("caldicott_guardian") == {Role.CALDICOTT_GUARDIAN}
    assert stage_roles("siro") == {Role.SIRO}


def test_when_only_the_dpo_signs_the_ig_stage_an_ig_officer_cannot(
    requester: User, ig_officer: User, dpo: User
) -> None:
    organisation_policy_update(actor=dpo, reason="Our DPO signs every IG review.", ig_stage_roles=["dpo"])
    request = make_request(requester=requester, status=S.IG_REVIEW)

    with pytest.raises(PermissionDenied):
        transition(request, "approve", actor=ig_officer)
    request.refresh_from_db()
    assert request.status == S.IG_REVIEW
    assert AuditEvent.objects.filter(action="access.denied", actor=ig_officer).exists()

    transition(request, "approve", actor=dpo)
    assert request.status == S.AWAITING_CALDICOTT


def test_a_deputy_role_added_to_the_caldicott_stage_signs_it_and_sees_its_queue(
    requester: User, ig_officer: User, make_user: MakeUser, dpo: User, client_for: ClientFor
) -> None:
    deputy = make_user(Role.DPO, username="deputy", first_name="Dev", last_name="Patel")
    assert "caldicott" not in {queue.slug for queue in queues_for(deputy)}
    organisation_policy_update(
        actor=dpo,
        reason="Our DPO is the deputy Caldicott Guardian.",
        caldicott_stage_roles=["caldicott_guardian", "dpo"],
    )
    request = make_request(requester=requester, status=S.IG_REVIEW)
    transition(request, "approve", actor=ig_officer)
    notify_request_history(request.history.latest("pk").pk)

    # The deputy is told, finds the queue, can open the request and sign it.
    assert Notification.objects.filter(recipient=deputy, subject__contains=request.reference).exists()
    fresh_deputy = User.objects.get(pk=deputy.pk)
    assert "caldicott" in {queue.slug for queue in queues_for(fresh_deputy)}
    client = client_for(deputy)
    assert client.get(reverse("queue", args=["caldicott"])).status_code == 200
    assert client.get(reverse("request_detail", args=[request.reference])).status_code == 200
    transition(request, "approve", actor=fresh_deputy, comment="Proportionate and lawful.")
    assert request.status == S.APPROVED
    assert SignOff.objects.get(request=request, stage="caldicott_guardian").signer == deputy


def test_one_person_still_signs_one_stage_whatever_the_policy(
    requester: User, dpo: User, caldicott: User
) -> None:
    organisation_policy_update(
        actor=dpo, reason="The DPO deputises.", caldicott_stage_roles=["caldicott_guardian", "dpo"]
    )
    request = make_request(requester=requester, status=S.IG_REVIEW)
    transition(request, "approve", actor=dpo)

    with pytest.raises(PermissionDenied, match="a different person must sign"):
        transition(request, "approve", actor=User.objects.get(pk=dpo.pk))
    transition(request, "approve", actor=caldicott)
    assert request.status == S.APPROVED


@pytest.mark.parametrize(
    ("field", "roles", "message"),
    [
        ("ig_stage_roles", [], "Choose who signs"),
        ("ig_stage_roles", ["caldicott_guardian"], "cannot be signed by Caldicott Guardian"),
        ("caldicott_stage_roles", ["dpo"], "The Caldicott Guardian always signs"),
        ("siro_stage_roles", ["dpo"], "The SIRO always signs"),
        ("siro_stage_roles", ["siro", "requester"], "cannot be signed by Staff requester"),
        ("caldicott_stage_roles", ["caldicott_guardian", "auditor"], "cannot be signed by Auditor"),
    ],
)
def test_the_policies_limits_are_kept(dpo: User, field: str, roles: list[str], message: str) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        organisation_policy_update(actor=dpo, reason="Trying a change.", **{field: roles})

    assert field in raised.value.message_dict
    assert OrganisationPolicy.objects.count() == 1


def test_the_dpo_changes_the_signers_in_the_browser_and_the_change_is_audited(
    client_for: ClientFor, dpo: User
) -> None:
    client = client_for(dpo)
    form = client.get(reverse("organisation_policy_edit")).content.decode()
    assert "Who signs the Caldicott Guardian stage" in form

    response = client.post(
        reverse("organisation_policy_edit"),
        {
            "consent_max_age_days": "365",
            "large_scale_subject_count": "10000",
            "screen_one_off_requests": "no",
            "siro_signs": "every_dpia",
            "ig_stage_roles": ["dpo", "ig_officer"],
            "caldicott_stage_roles": ["caldicott_guardian", "dpo"],
            "siro_stage_roles": ["siro"],
            "reason": "Our DPO is the deputy Caldicott Guardian from January.",
        },
    )

    assert response.status_code == 302
    policy = OrganisationPolicy.current()
    assert policy.version == 2
    assert policy.ig_stage_roles == ["ig_officer", "dpo"]
    assert policy.caldicott_stage_roles == ["dpo", "caldicott_guardian"]
    event = AuditEvent.objects.get(action="organisation.policy_changed")
    assert event.detail["changed"] == {
        "caldicott_stage_roles": [["caldicott_guardian"], ["dpo", "caldicott_guardian"]]
    }
    page = client.get(reverse("organisation_settings")).content.decode()
    assert "Data Protection Officer, Caldicott Guardian" in page


def test_a_form_with_no_signer_ticked_says_so_and_keeps_the_rest(client_for: ClientFor, dpo: User) -> None:
    response = client_for(dpo).post(
        reverse("organisation_policy_edit"),
        {
            "consent_max_age_days": "90",
            "large_scale_subject_count": "10000",
            "screen_one_off_requests": "no",
            "siro_signs": "every_dpia",
            "ig_stage_roles": ["dpo"],
            "siro_stage_roles": ["siro"],
            "reason": "Quarterly consent checks.",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose who signs the Caldicott Guardian stage." in page
    assert 'value="90"' in page
    assert OrganisationPolicy.objects.count() == 1
