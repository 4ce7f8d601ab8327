"""Withdrawal of consent fans out: every affected flow marked, every recipient organisation told once."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from requests_app.models import (
    AuditEvent,
    ConsentWithdrawal,
    ConsentWithdrawalNotice,
    DeliveryStatus,
    DisclosureKind,
    Notification,
)
from requests_app.services.consent import consent_notice_told, consent_withdrawal_record
from requests_app.tasks import notify_consent_withdrawal, send_notification
from tests.conftest import ClientFor
from tests.factories import OrganisationFactory, make_disclosure, make_flow
from tests.requests_app.registers import csv_rows

pytestmark = pytest.mark.django_db
Capture = Callable[..., AbstractContextManager[Any]]
CONSENT: dict[str, Any] = {
    "art6": "a_consent",
    "art9": "a_explicit_consent",
    "confidentiality_basis": "explicit_consent",
}
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def test_a_withdrawal_marks_every_affected_flow_and_tells_each_recipient_once(
    requester: User, ig_officer: User, django_capture_on_commit_callbacks: Capture
) -> None:
    trust = OrganisationFactory.create(name="Northshire Community Trust", contact_email="ig@trust.example")
    council = OrganisationFactory.create(name="Northshire County Council", contact_email="ig@council.example")
    silent = OrganisationFactory.create(name="Oak Lodge Care Home", contact_email="")
    to_trust = make_flow(requester=requester, created_by=ig_officer, recipient=trust, **CONSENT)
    to_council = make_flow(requester=requester, created_by=ig_officer, recipient=council, **CONSENT)
    unaffected = make_flow(requester=requester, created_by=ig_officer, recipient=trust, **CONSENT)
    also_to_trust = make_disclosure(recorded_by=ig_officer, recipient=trust, art6="a_consent")
    to_care_home = make_disclosure(
        recorded_by=ig_officer, recipient=silent, confidentiality_basis="explicit_consent"
    )

    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = consent_withdrawal_record(
            actor=ig_officer,
            subject_reference="Local ID 8812",
            withdrawn_on=YESTERDAY,
            flows=[to_trust, to_council],
            disclosures=[also_to_trust, to_care_home],
        )

    for flow in (to_trust, to_council):
        flow.refresh_from_db()
        assert flow.needs_reassessment
        assert withdrawal.reference in flow.reassessment_reason
    unaffected.refresh_from_db()
    assert not unaffected.needs_reassessment
    # One notice per organisation, however many flows and disclosures it received.
    notices = {
        notice.organisation.name: notice for notice in withdrawal.notices.select_related("organisation")
    }
    assert set(notices) == {trust.name, council.name, silent.name}
    assert sorted(message.to[0] for message in mail.outbox) == ["ig@council.example", "ig@trust.example"]
    to_the_trust = next(message for message in mail.outbox if message.to == ["ig@trust.example"])
    assert to_trust.reference in to_the_trust.body and also_to_trust.reference in to_the_trust.body
    assert to_council.reference not in to_the_trust.body
    assert "Local ID 8812" in to_the_trust.body and "another condition" in to_the_trust.body
    assert ConsentWithdrawalNotice.objects.get(pk=notices[trust.name].pk).notified_at is not None
    assert ConsentWithdrawalNotice.objects.get(pk=notices[silent.name].pk).notified_at is None
    event = AuditEvent.objects.get(action="consent_withdrawal.create")
    assert event.detail["organisations_told"] == 2 and event.detail["organisations_without_contact"] == 1


def test_the_notice_task_sends_once_however_often_it_runs(requester: User, ig_officer: User) -> None:
    partner = OrganisationFactory.create(contact_email="ig@partner.example")
    flow = make_flow(requester=requester, created_by=ig_officer, recipient=partner, **CONSENT)
    withdrawal = consent_withdrawal_record(
        actor=ig_officer, subject_reference="Local ID 1", withdrawn_on=YESTERDAY, flows=[flow]
    )
    notice = withdrawal.notices.get()
    assert notify_consent_withdrawal.delay(notice.pk).get() == 1
    assert notify_consent_withdrawal.delay(notice.pk).get() == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_is_a_notification_retried_from_the_database(
    requester: User, ig_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = OrganisationFactory.create(contact_email="ig@partner.example")
    flow = make_flow(requester=requester, created_by=ig_officer, recipient=partner, **CONSENT)
    withdrawal = consent_withdrawal_record(
        actor=ig_officer, subject_reference="Local ID 1", withdrawn_on=YESTERDAY, flows=[flow]
    )
    notice = withdrawal.notices.get()

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise ConnectionError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    # No broker retry: the failure is recorded on the notice's notification, as for every email.
    assert notify_consent_withdrawal.apply(args=(notice.pk,), throw=True).get() == 0
    notice.refresh_from_db()
    assert notice.notified_at is None
    notification = Notification.objects.get(consent_notice=notice)
    assert notification.recipient is None and notification.email == "ig@partner.example"
    assert notification.status == DeliveryStatus.RETRYING and "mail server down" in notification.last_error
    assert notification.message_id.startswith(f"<consent.{notice.pk}.{partner.pk}@")
    monkeypatch.undo()
    # The delivery sweep's task sends it once its wait is over, with the same Message-ID.
    assert send_notification.delay(notification.pk).get() == DeliveryStatus.SENT
    notice.refresh_from_db()
    assert notice.notified_at is not None
    assert [message.extra_headers["Message-ID"] for message in mail.outbox] == [notification.message_id]
    assert notify_consent_withdrawal.delay(notice.pk).get() == 0 and len(mail.outbox) == 1


def test_only_flows_and_disclosures_that_relied_on_consent_are_accepted(
    requester: User, ig_officer: User
) -> None:
    public_task = make_flow(requester=requester, created_by=ig_officer)
    refusal = make_disclosure(recorded_by=ig_officer, kind=DisclosureKind.REFUSAL)
    with pytest.raises(ValidationError) as caught:
        consent_withdrawal_record(
            actor=ig_officer,
            subject_reference="Local ID 1",
            withdrawn_on=YESTERDAY,
            flows=[public_task],
            disclosures=[refusal],
        )
    assert caught.value.message_dict == {
        "flows": [f"{public_task.reference} does not rely on consent."],
        "disclosures": [f"{refusal.reference} did not rely on consent."],
    }
    with pytest.raises(ValidationError, match="Choose the data flows or disclosures"):
        consent_withdrawal_record(actor=ig_officer, subject_reference="Local ID 1", withdrawn_on=YESTERDAY)
    assert not ConsentWithdrawal.objects.exists()


@pytest.mark.parametrize("reference", ["943 476 5919", "9434765919", "riya@example.org", "NS1 4AB", " "])
def test_the_person_is_named_only_by_a_pseudonymous_reference(
    requester: User, ig_officer: User, reference: str
) -> None:
    flow = make_flow(requester=requester, created_by=ig_officer, **CONSENT)
    with pytest.raises(ValidationError) as caught:
        consent_withdrawal_record(
            actor=ig_officer, subject_reference=reference, withdrawn_on=YESTERDAY, flows=[flow]
        )
    assert "subject_reference" in caught.value.message_dict


def test_only_the_ig_team_records_a_withdrawal(requester: User, ig_officer: User, auditor: User) -> None:
    flow = make_flow(requester=requester, created_by=ig_officer, **CONSENT)
    for outsider in (requester, auditor):
        with pytest.raises(PermissionDenied):
            consent_withdrawal_record(
                actor=outsider, subject_reference="Local ID 1", withdrawn_on=YESTERDAY, flows=[flow]
            )


def test_an_organisation_without_a_contact_is_recorded_as_told_another_way(
    requester: User, ig_officer: User
) -> None:
    silent = OrganisationFactory.create(contact_email="")
    flow = make_flow(requester=requester, created_by=ig_officer, recipient=silent, **CONSENT)
    withdrawal = consent_withdrawal_record(
        actor=ig_officer, subject_reference="Local ID 1", withdrawn_on=YESTERDAY, flows=[flow]
    )
    notice = withdrawal.notices.get()
    assert notify_consent_withdrawal.delay(notice.pk).get() == 0
    with pytest.raises(ValidationError):
        consent_notice_told(notice=notice, actor=ig_officer, how="")
    consent_notice_told(notice=notice, actor=ig_officer, how="Phoned their IG lead, 21 Nov.")
    notice.refresh_from_db()
    assert notice.told_how == "Phoned their IG lead, 21 Nov." and notice.notified_at is not None
    with pytest.raises(ValidationError, match="already been told"):
        consent_notice_told(notice=notice, actor=ig_officer, how="Again.")


# --- pages -----------------------------------------------------------------------------------------------


def test_the_ig_team_records_a_withdrawal_through_the_page(
    requester: User, ig_officer: User, client_for: ClientFor, django_capture_on_commit_callbacks: Capture
) -> None:
    partner = OrganisationFactory.create(contact_email="ig@partner.example")
    flow = make_flow(requester=requester, created_by=ig_officer, recipient=partner, **CONSENT)
    not_consent = make_flow(requester=requester, created_by=ig_officer)
    client = client_for(ig_officer)
    form = client.get(reverse("consent_withdrawal_create")).content.decode()
    # Only what relied on consent is offered.
    assert flow.reference in form and not_consent.reference not in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("consent_withdrawal_create"),
            {
                "subject_reference": "Local ID 8812",
                "withdrawn_on": YESTERDAY.strftime("%d/%m/%Y"),
                "flows": [flow.pk],
            },
        )
    withdrawal = ConsentWithdrawal.objects.get()
    assert response["Location"] == reverse("consent_withdrawal_detail", args=[withdrawal.pk])
    assert len(mail.outbox) == 1
    page = client.get(response["Location"]).content.decode()
    assert "Emailed to ig@partner.example" in page
    flow_page = client.get(reverse("flow_detail", args=[flow.pk])).content.decode()
    assert "Reassess this flow" in flow_page


def test_a_pseudonymous_reference_that_is_an_nhs_number_is_refused_on_the_page(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    flow = make_flow(requester=requester, created_by=ig_officer, **CONSENT)
    response = client_for(ig_officer).post(
        reverse("consent_withdrawal_create"),
        {
            "subject_reference": "943 476 5919",
            "withdrawn_on": YESTERDAY.strftime("%d/%m/%Y"),
            "flows": [flow.pk],
        },
    )
    assert response.status_code == 200
    assert "Use a pseudonymous reference" in response.content.decode()
    assert not ConsentWithdrawal.objects.exists()


def test_recording_how_a_recipient_without_email_was_told_through_the_page(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    flow = make_flow(
        requester=requester,
        created_by=ig_officer,
        recipient=OrganisationFactory.create(contact_email=""),
        **CONSENT,
    )
    withdrawal = consent_withdrawal_record(
        actor=ig_officer, subject_reference="Local ID 1", withdrawn_on=YESTERDAY, flows=[flow]
    )
    notice = withdrawal.notices.get()
    client = client_for(ig_officer)
    url = reverse("consent_notice_told", args=[withdrawal.pk, notice.pk])
    assert (
        "tell them another way"
        in client.get(reverse("consent_withdrawal_detail", args=[withdrawal.pk])).content.decode()
    )
    missing = client.post(url, {"how": ""})
    assert missing.status_code == 400 and "Enter how they were told" in missing.content.decode()
    assert client.post(url, {"how": "By letter."}).status_code == 302
    notice.refresh_from_db()
    assert notice.told_how == "By letter."


def test_the_withdrawals_csv_names_what_each_affected_and_who_was_told(
    requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    told = OrganisationFactory.create(name="Told Trust", contact_email="ig@told.example")
    silent = OrganisationFactory.create(name="Silent Home", contact_email="")
    flow = make_flow(requester=requester, created_by=ig_officer, recipient=told, **CONSENT)
    other = make_flow(requester=requester, created_by=ig_officer, recipient=silent, **CONSENT)
    withdrawal = consent_withdrawal_record(
        actor=ig_officer, subject_reference="Local ID 77", withdrawn_on=YESTERDAY, flows=[flow, other]
    )
    notify_consent_withdrawal.delay(withdrawal.notices.get(organisation=told).pk)
    rows = csv_rows(client_for(dpo).get(reverse("consent_withdrawal_export"), {"q": "Local ID 77"}))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (
        row["Reference"] == withdrawal.reference and row["Person (pseudonymous reference)"] == "Local ID 77"
    )
    assert row["Data flows marked for reassessment"] == "; ".join(sorted([flow.reference, other.reference]))
    assert (row["Organisations told"], row["Organisations not yet told"]) == ("Told Trust", "Silent Home")
    assert AuditEvent.objects.get(action="consent_withdrawal.export").detail["rows"] == 1
