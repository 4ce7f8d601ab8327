"""Delegated sign-off: a deputy signs the officer's stage, on their behalf, for a period that ends alone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from igportal.roles import Role
from requests_app.models import AuditEvent, Delegation, RequestStatus, SignOff
from requests_app.selectors.delegations import acting_roles
from requests_app.services.delegations import delegation_create, delegation_end
from requests_app.services.workflow import transition
from tests.conftest import ClientFor, MakeUser
from tests.factories import make_request

pytestmark = pytest.mark.django_db

S = RequestStatus
TODAY = timezone.localdate


def _delegate(
    officer: User, deputy: User, *, days: int = 5, role: Role = Role.CALDICOTT_GUARDIAN
) -> Delegation:
    return delegation_create(
        officer=officer,
        deputy=deputy,
        role=role.value,
        starts_on=TODAY(),
        ends_on=TODAY() + datetime.timedelta(days=days - 1),
        reason="Annual leave",
    )


def _at_caldicott(requester: User, ig_officer: User) -> Any:
    request = make_request(requester=requester)
    transition(request, "start_review", actor=ig_officer)
    transition(request, "approve", actor=ig_officer)
    assert request.status == S.AWAITING_CALDICOTT
    return request


def test_the_deputys_signature_is_recorded_as_theirs_on_behalf_of_the_officer(
    requester: User, ig_officer: User, caldicott: User, make_user: MakeUser, client_for: ClientFor
) -> None:
    deputy = make_user(Role.REQUESTER, first_name="Dee", last_name="Puty")
    request = _at_caldicott(requester, ig_officer)
    # Before the delegation the deputy cannot even see the request.
    assert client_for(deputy).get(reverse("request_detail", args=[request.reference])).status_code == 404

    _delegate(caldicott, deputy)

    assert Role.CALDICOTT_GUARDIAN in acting_roles(User.objects.get(pk=deputy.pk))
    page = client_for(deputy).get(reverse("request_detail", args=[request.reference]))
    assert page.status_code == 200
    transition(request, "approve", actor=User.objects.get(pk=deputy.pk))
    signoff = SignOff.objects.get(request=request, stage="caldicott_guardian")
    assert (signoff.signer_id, signoff.on_behalf_of_id) == (deputy.pk, caldicott.pk)
    shown = client_for(requester).get(reverse("request_detail", args=[request.reference])).content.decode()
    assert "on behalf of" in shown
    created = AuditEvent.objects.get(action="delegation.created")
    assert created.detail["deputy"] == deputy.pk and created.detail["role"] == "caldicott_guardian"


def test_an_officer_signing_in_their_own_role_signs_for_nobody(
    requester: User, ig_officer: User, caldicott: User
) -> None:
    request = _at_caldicott(requester, ig_officer)
    transition(request, "approve", actor=caldicott)
    assert SignOff.objects.get(stage="caldicott_guardian").on_behalf_of is None


def test_a_delegation_ends_by_itself_after_its_last_day(caldicott: User, make_user: MakeUser) -> None:
    deputy = make_user(Role.REQUESTER)
    _delegate(caldicott, deputy, days=3)

    assert Role.CALDICOTT_GUARDIAN in acting_roles(deputy, on=TODAY() + datetime.timedelta(days=2))
    assert Role.CALDICOTT_GUARDIAN not in acting_roles(deputy, on=TODAY() + datetime.timedelta(days=3))


def test_after_the_delegation_the_deputy_may_not_sign(
    requester: User, ig_officer: User, caldicott: User, make_user: MakeUser
) -> None:
    deputy = make_user(Role.REQUESTER)
    request = _at_caldicott(requester, ig_officer)
    delegation = _delegate(caldicott, deputy)
    # Ran out: moved into the past as if its days had gone by.
    Delegation.objects.filter(pk=delegation.pk).update(
        starts_on=TODAY() - datetime.timedelta(days=10), ends_on=TODAY() - datetime.timedelta(days=1)
    )

    with pytest.raises(PermissionDenied):
        transition(request, "approve", actor=User.objects.get(pk=deputy.pk))
    assert not SignOff.objects.filter(stage="caldicott_guardian").exists()


def test_the_officer_can_end_a_delegation_early(
    requester: User, ig_officer: User, caldicott: User, make_user: MakeUser, client_for: ClientFor
) -> None:
    deputy = make_user(Role.REQUESTER)
    request = _at_caldicott(requester, ig_officer)
    delegation = _delegate(caldicott, deputy)

    response = client_for(caldicott).post(reverse("delegation_end", args=[delegation.pk]))

    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.ended_at is not None
    assert AuditEvent.objects.filter(action="delegation.ended").count() == 1
    with pytest.raises(PermissionDenied):
        transition(request, "approve", actor=User.objects.get(pk=deputy.pk))
    # Nobody else ends it: the deputy's attempt is a 404, as for any delegation that is not theirs to end.
    assert client_for(deputy).post(reverse("delegation_end", args=[delegation.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        delegation_end(delegation=delegation, actor=deputy)


def test_a_deputy_may_not_sign_the_officers_own_request(
    ig_officer: User, caldicott: User, make_user: MakeUser
) -> None:
    deputy = make_user(Role.REQUESTER)
    request = _at_caldicott(caldicott, ig_officer)
    _delegate(caldicott, deputy)

    with pytest.raises(PermissionDenied, match="officer's own"):
        transition(request, "approve", actor=User.objects.get(pk=deputy.pk))


def test_a_delegation_stops_counting_when_the_officer_loses_the_role(
    caldicott: User, make_user: MakeUser
) -> None:
    from igportal.roles import role_revoke

    deputy = make_user(Role.REQUESTER)
    _delegate(caldicott, deputy)
    role_revoke(user=caldicott, role=Role.CALDICOTT_GUARDIAN)

    assert Role.CALDICOTT_GUARDIAN not in acting_roles(User.objects.get(pk=deputy.pk))


def test_what_cannot_be_delegated(caldicott: User, requester: User, make_user: MakeUser) -> None:
    deputy = make_user(Role.REQUESTER)
    with pytest.raises(PermissionDenied):
        _delegate(requester, deputy)
    with pytest.raises(ValidationError) as caught:
        delegation_create(
            officer=caldicott,
            deputy=caldicott,
            role=Role.SIRO.value,
            starts_on=TODAY() - datetime.timedelta(days=1),
            ends_on=TODAY() + datetime.timedelta(days=200),
            reason=" ",
        )
    assert set(caught.value.message_dict) == {"role", "deputy", "starts_on", "ends_on", "reason"}
    _delegate(caldicott, deputy)
    with pytest.raises(ValidationError, match="already delegated"):
        _delegate(caldicott, make_user(Role.REQUESTER))


def test_the_page_delegates_and_lists(caldicott: User, make_user: MakeUser, client_for: ClientFor) -> None:
    deputy = make_user(Role.REQUESTER, username="deputy-one", email="deputy@example.nhs.uk")
    client = client_for(caldicott)
    start, end = TODAY(), TODAY() + datetime.timedelta(days=6)
    data = {
        "role": "caldicott_guardian",
        "deputy": "deputy@example.nhs.uk",
        "starts_on_day": start.day,
        "starts_on_month": start.month,
        "starts_on_year": start.year,
        "ends_on_day": end.day,
        "ends_on_month": end.month,
        "ends_on_year": end.year,
        "reason": "Annual leave",
    }

    response = client.post(reverse("delegation_list"), data)

    assert response.status_code == 302
    assert Delegation.objects.get().deputy == deputy
    listed = client_for(deputy).get(reverse("delegation_list")).content.decode()
    assert "In force" in listed and "Delegate your sign-off" not in listed
    assert client_for(deputy).post(reverse("delegation_list"), data).status_code == 403
    unknown = client_for(caldicott).post(
        reverse("delegation_list"), {**data, "deputy": "nobody-of-that-name"}
    )
    assert unknown.status_code == 200 and "an active portal user" in unknown.content.decode()
