from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from igportal.roles import Role, roles_of
from requests_app.management.commands.seed_demo import DEMO_PASSWORD
from requests_app.models import (
    AccessRequest,
    AgreementDocument,
    AgreementStatus,
    AgreementVersion,
    AuditEvent,
    DataFlow,
    DataFlowStatus,
    Disclosure,
    DisclosureKind,
    Dpia,
    DpiaStatus,
    Incident,
    Notification,
    Organisation,
    OrganisationSettings,
    RequestHistory,
    RequestStatus,
    SharingRequest,
)

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_user_per_role_and_prints_them() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    held = {role for user in User.objects.all() for role in roles_of(user)}
    assert held == set(Role)
    assert all(User.objects.get(username=name).check_password(DEMO_PASSWORD) for name in ("dpo", "requester"))
    assert "caldicott" in out.getvalue()
    assert Organisation.objects.filter(kind="police").exists()
    assert OrganisationSettings.load().caldicott_guardian == User.objects.get(username="caldicott")


def test_seed_demo_can_run_twice() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.count() == len(Role)


def test_seed_demo_puts_a_few_entries_in_each_register_once(
    settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    agreement = AgreementVersion.objects.get(status=AgreementStatus.ACTIVE)
    # The joint agreement is out for signature with its two partners and us, its signing copy hashed.
    joint = AgreementVersion.objects.get(status=AgreementStatus.AWAITING_SIGNATURES)
    assert joint.signatures.count() == 3 and len(joint.signing_sha256) == 64
    assert (
        agreement.status == AgreementStatus.ACTIVE
        and AgreementDocument.objects.filter(version=agreement).exists()
    )
    # In force only because every party signed the copy it read: us (the Caldicott Guardian) and the trust.
    signed = {
        (signature.signed_organisation, signature.signed_name, signature.status, signature.pdf_sha256)
        for signature in agreement.signatures.all()
    }
    portal = OrganisationSettings.load()
    assert signed == {
        (portal.name, "Clare Evans", "signed", agreement.signing_sha256),
        ("Northshire Community Trust", "Ivy Green", "signed", agreement.signing_sha256),
    }
    assert set(agreement.parties.values_list("name", flat=True)) == {"Northshire Community Trust"}
    flows = {flow.name: flow for flow in DataFlow.objects.all()}
    assert {flow.status for flow in flows.values()} == {DataFlowStatus.ACTIVE}
    assert all(flow.agreement == agreement.agreement for flow in flows.values())
    today = timezone.localdate()
    assert flows["Weekly stroke pathway activity"].next_review_on < today
    assert flows["Monthly cardiology activity extract"].next_review_on > today
    shared = Disclosure.objects.get(kind=DisclosureKind.DISCLOSURE, police_officer__gt="")
    assert shared.is_police and shared.request is not None
    assert shared.request.status == RequestStatus.CLOSED
    refused = Disclosure.objects.get(kind=DisclosureKind.REFUSAL)
    assert refused.refusal_rationale and refused.request is not None
    assert refused.request.status == RequestStatus.REJECTED
    # The GP referral went on the patient's consent, since withdrawn: the practice is to be told.
    consented = Disclosure.objects.get(confidentiality_basis="explicit_consent")
    assert consented.consent_withdrawals.get().notices.get().organisation == consented.recipient
    assert Dpia.objects.get().status == DpiaStatus.AWAITING_SIRO
    assert sorted(Incident.objects.values_list("kind", "ico_reportable")) == [
        ("breach", True),
        ("near_miss", False),
    ]
    # Every state a request can be in, so each queue and each status on the requester's list shows.
    assert set(SharingRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    # Access requests: one due within days, one overdue.
    due = [case.due_on for case in AccessRequest.objects.exclude(status__in=["responded", "closed"])]
    assert any(on is not None and 0 <= (on - today).days <= 7 for on in due)
    assert any(on is not None and on < today for on in due)
    # The sweeps ran: the reminders owed today are already in someone's notifications.
    assert Notification.objects.filter(milestone__isnull=False).exists()
    counts = [
        model.objects.count()
        for model in (SharingRequest, AgreementVersion, DataFlow, Disclosure, Dpia, Incident, AccessRequest)
    ]
    call_command("seed_demo", stdout=StringIO())
    assert [
        model.objects.count()
        for model in (SharingRequest, AgreementVersion, DataFlow, Disclosure, Dpia, Incident, AccessRequest)
    ] == counts


def test_seed_demo_refuses_production() -> None:
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="refuses to run"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_seed_demo_fills_each_reviewers_queue_once() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    statuses = list(SharingRequest.objects.values_list("status", flat=True))
    # One waiting for IG triage, one for the Caldicott Guardian, one decided and one draft; the
    # registers' own demo requests come on top, and a second run adds nothing.
    assert {"submitted", "awaiting_caldicott", "approved", "draft"} <= set(statuses)
    made = len(statuses)
    call_command("seed_demo", stdout=StringIO())
    assert SharingRequest.objects.count() == made
    # Every demo decision went through the workflow service, so history and audit are real.
    assert AuditEvent.objects.filter(action="request.transition").count() == RequestHistory.objects.count()
