"""Every record type the schedule sweeps, held to the issue's "Done when", from one table.

Each row makes a finished record of one type carrying a person's details ("Jane Citizen") in its own
fields, its dependent rows and, where it has them, stored documents. The same tests then hold for every
type: it appears for review exactly once past its period (and not before); destruction removes the
personal data and the documents and leaves the destruction record; a legal hold blocks it; an extension
moves it; the register still counts it, by the same status; the audit chain verifies after disposal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from requests_app.models import (
    AgreementDocument,
    AgreementStatus,
    ConsentWithdrawal,
    ConsentWithdrawalNotice,
    DataFlowHistory,
    DataFlowReview,
    DataFlowStatus,
    DecisionRecord,
    DestructionRecord,
    DisposalReview,
    DisposalStatus,
    DpiaStatus,
    IncidentStatus,
    Notification,
    RecordType,
    RequestComment,
    RequestHistory,
    RequestStatus,
    RetentionRule,
    SupportingDocument,
)
from requests_app.models.notifications import DeliveryStatus
from requests_app.retention_schedule import add_months
from requests_app.selectors.dashboard import register_summaries, status_counts
from requests_app.services.audit import audit_record
from requests_app.services.disposal import DISPOSAL_SOURCES, SHELL_SOURCES, ShellSource
from requests_app.services.retention import disposal_candidates, disposal_sweep
from requests_app.services.workflow import transition
from tests.factories import (
    OrganisationFactory,
    make_agreement,
    make_disclosure,
    make_dpia,
    make_flow,
    make_incident,
    make_request,
)

pytestmark = pytest.mark.django_db

JANE = "Jane Citizen"


@dataclass
class Made:
    record: Model
    files: list[tuple[Any, str]]


def _file(owner: Model, field: str = "file") -> tuple[Any, str]:
    stored = getattr(owner, field)
    return stored.storage, stored.name


def sharing_request(user: User) -> Made:
    request = make_request(requester=user, status=RequestStatus.CLOSED, title=f"Admission dates for {JANE}")
    RequestComment.objects.create(request=request, author=user, body=f"{JANE} was admitted twice.")
    RequestHistory.objects.create(
        request=request,
        action="close",
        from_status="approved",
        to_status="closed",
        actor=user,
        comment=f"Shared with the police about {JANE}.",
    )
    document = SupportingDocument.objects.create(
        request=request,
        uploaded_by=user,
        original_name="form.pdf",
        file=ContentFile(f"%PDF-1.4 {JANE}".encode(), name="form.pdf"),
        content_type="application/pdf",
        size=20,
        sha256="0" * 64,
    )
    closing = RequestHistory.objects.filter(request=request).latest("id")
    decision = DecisionRecord.objects.create(
        request=request,
        decided_by_event=closing,
        version=1,
        name="ISR-decision.pdf",
        file=ContentFile(f"%PDF-1.4 decision about {JANE}".encode(), name="decision.pdf"),
        sha256="1" * 64,
        size=30,
    )
    return Made(request, [_file(document), _file(decision)])


def disclosure(user: User) -> Made:
    return Made(
        make_disclosure(
            recorded_by=user,
            disclosed_on=date.today(),
            information=f"{JANE}'s admission dates",
            police_officer=f"DC {JANE}",
            notes=f"Asked by phone about {JANE}",
        ),
        [],
    )


def data_flow(user: User) -> Made:
    flow = make_flow(requester=user, created_by=user, status=DataFlowStatus.ENDED, notes=f"{JANE} opted out")
    DataFlowReview.objects.create(
        flow=flow, reviewed_by=user, note=f"{JANE} complained", next_review_on=date.today()
    )
    DataFlowHistory.objects.create(
        flow=flow,
        action="end",
        from_status="active",
        to_status="ended",
        actor=user,
        comment=f"{JANE} objected",
    )
    return Made(flow, [])


def isa(user: User) -> Made:
    version = make_agreement(
        author=user,
        status=AgreementStatus.EXPIRED,
        data_subjects=f"Patients like {JANE}",
        end_on=date.today(),
    )
    document = AgreementDocument.objects.create(
        version=version,
        name="ISA.pdf",
        file=ContentFile(f"%PDF {JANE}".encode(), name="isa.pdf"),
        sha256="0" * 64,
        size=10,
    )
    return Made(version.agreement, [_file(document)])


def dpia(user: User) -> Made:
    record = make_dpia(author=user, status=DpiaStatus.SIGNED_OFF, dpo_advice=f"Tell {JANE}'s family")
    record.risks.update(description=f"{JANE} could be re-identified")
    return Made(record, [])


def incident(user: User) -> Made:
    return Made(
        make_incident(
            reported_by=user,
            status=IncidentStatus.CLOSED,
            description=f"{JANE}'s letter went astray",
            explanation=f"We told {JANE} by phone",
        ),
        [],
    )


def consent_withdrawal(user: User) -> Made:
    withdrawal = ConsentWithdrawal.objects.create(
        reference="CW-2026-0001",
        subject_reference="JANE-CITIZEN-1",
        withdrawn_on=date.today(),
        notes=f"{JANE} rang",
        recorded_by=user,
    )
    ConsentWithdrawalNotice.objects.create(
        withdrawal=withdrawal,
        organisation=OrganisationFactory.create(),
        email="jane.citizen@example.org",
        told_how=f"Letter to {JANE}",
        notified_at=timezone.now(),
    )
    return Made(withdrawal, [])


def notification(user: User) -> Made:
    return Made(
        Notification.objects.create(
            recipient=user,
            subject=f"About {JANE}",
            body=f"{JANE}'s case moved",
            email="x@example.org",
            message_id="<retention-test@igportal>",
            status=DeliveryStatus.SENT,
        ),
        [],
    )


MAKERS: dict[str, Callable[[User], Made]] = {
    RecordType.SHARING_REQUEST: sharing_request,
    RecordType.DISCLOSURE: disclosure,
    RecordType.DATA_FLOW: data_flow,
    RecordType.ISA: isa,
    RecordType.DPIA: dpia,
    RecordType.INCIDENT: incident,
    RecordType.CONSENT_WITHDRAWAL: consent_withdrawal,
    RecordType.NOTIFICATION: notification,
}
TYPES = pytest.mark.parametrize("record_type", list(MAKERS))


def test_every_generic_source_has_a_row_here_and_every_type_but_two_is_swept() -> None:
    assert {source.record_type for source in SHELL_SOURCES} == set(MAKERS)
    # Sessions and audit events have no source, on purpose (docs/retention.md says why).
    assert set(RecordType.values) - set(DISPOSAL_SOURCES) == {RecordType.SESSION, RecordType.AUDIT_EVENT}


def _source(record_type: str) -> ShellSource:
    source = DISPOSAL_SOURCES[record_type]
    assert isinstance(source, ShellSource)
    return source


def _past(record_type: str) -> date:
    rule = RetentionRule.objects.get(record_type=record_type)
    return add_months(date.today(), rule.period_months) + timedelta(days=2)


def _everything_about(made: Made) -> str:
    """The record and its dependent rows as text: where a person's details would still be."""
    source = _source(_type_of(made))
    rows: list[Any] = [model_to_dict(type(made.record)._default_manager.get(pk=made.record.pk))]
    for dependents in source.dependents:
        rows += list(dependents.model._default_manager.filter(**{dependents.link: made.record.pk}).values())
    for files in source.files:
        rows += list(files.model._default_manager.filter(**{files.link: made.record.pk}).values())
    return json.dumps(rows, default=str)


def _type_of(made: Made) -> str:
    return next(s.record_type for s in SHELL_SOURCES if isinstance(made.record, s.model))


@TYPES
def test_a_record_past_its_period_appears_for_review_exactly_once(record_type: str, dpo: User) -> None:
    made = MAKERS[record_type](dpo)
    reviews = DisposalReview.objects.filter(record_type=record_type)
    disposal_sweep(today=_past(record_type) - timedelta(days=3))
    assert not reviews.exists()
    disposal_sweep(today=_past(record_type))
    disposal_sweep(today=_past(record_type))
    disposal_sweep(today=_past(record_type) + timedelta(days=400))
    review = reviews.get()
    assert (review.record_type, review.object_id, review.status) == (
        record_type,
        made.record.pk,
        DisposalStatus.PENDING,
    )
    assert "Jane" not in review.label


@TYPES
def test_destruction_removes_the_personal_data_and_documents_and_keeps_the_shell(
    record_type: str, dpo: User, django_capture_on_commit_callbacks: Any
) -> None:
    made = MAKERS[record_type](dpo)
    assert JANE in _everything_about(made)
    model = type(made.record)
    before = model_to_dict(model._default_manager.get(pk=made.record.pk))
    count = model._default_manager.count()
    status_field = "status" if hasattr(made.record, "status") else None
    registers = register_summaries(today=date.today(), now=timezone.now())
    counted = status_counts()
    audit_record(action=f"{record_type}.view", actor=dpo, target=made.record)
    disposal_sweep(today=_past(record_type))
    review = DisposalReview.objects.get(record_type=record_type)
    with django_capture_on_commit_callbacks(execute=True):
        transition(review, "destroy", actor=dpo, comment="Past its period.")
    assert JANE not in _everything_about(made) and "JANE" not in _everything_about(made)
    for storage, name in made.files:
        assert not storage.exists(name)
    # The statistical shell: the row is still there, counted under the same status, with its dates.
    after = model_to_dict(model._default_manager.get(pk=made.record.pk))
    assert model._default_manager.count() == count
    if status_field:
        assert after[status_field] == before[status_field]
    # The registers' own statistics (their cards and the counts the database keeps) see no difference.
    assert register_summaries(today=date.today(), now=timezone.now()) == registers
    assert status_counts() == counted
    kept = set(before) - set(_source(record_type).blank)
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
    record = DestructionRecord.objects.get(record_type=record_type)
    assert (record.review, record.record_type, record.approved_by) == (review, record_type, dpo)
    assert record.documents_deleted == len(made.files)
    assert record.audit_events_redacted == 1
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "chain intact" in out.getvalue()


@TYPES
def test_a_legal_hold_blocks_destruction_and_an_extension_moves_it(record_type: str, dpo: User) -> None:
    made = MAKERS[record_type](dpo)
    past = _past(record_type)
    disposal_sweep(today=past)
    review = DisposalReview.objects.get(record_type=record_type)
    transition(review, "hold", actor=dpo, comment="ICO investigation open", hold_kind="ico_investigation")
    with pytest.raises(ValidationError, match="legal hold"):
        transition(review, "destroy", actor=dpo)
    assert JANE in _everything_about(made)
    transition(review, "lift_hold", actor=dpo, comment="The ICO closed its case.")
    transition(
        review,
        "extend",
        actor=dpo,
        comment="Complaint pending",
        extended_until=past + timedelta(days=30),
        today=past,
    )
    assert disposal_sweep(today=past + timedelta(days=30)).resurfaced == 0
    assert disposal_sweep(today=past + timedelta(days=31)).resurfaced == 1
    review.refresh_from_db()
    assert review.status == DisposalStatus.PENDING
    assert not DestructionRecord.objects.exists()


def test_a_notification_still_being_emailed_is_not_listed(dpo: User) -> None:
    made = notification(dpo)
    Notification.objects.filter(pk=made.record.pk).update(status=DeliveryStatus.RETRYING)
    disposal_sweep(today=_past(RecordType.NOTIFICATION))
    assert not DisposalReview.objects.filter(record_type=RecordType.NOTIFICATION).exists()


def test_an_agreement_with_a_version_in_force_is_not_listed(dpo: User) -> None:
    made = isa(dpo)
    make_agreement(author=dpo, agreement=made.record, status=AgreementStatus.ACTIVE)  # type: ignore[arg-type]
    disposal_sweep(today=_past(RecordType.ISA))
    assert not DisposalReview.objects.filter(record_type=RecordType.ISA).exists()


def test_a_consent_withdrawal_not_yet_told_to_every_recipient_is_not_listed(dpo: User) -> None:
    withdrawal = consent_withdrawal(dpo).record
    assert isinstance(withdrawal, ConsentWithdrawal)
    ConsentWithdrawalNotice.objects.create(
        withdrawal=withdrawal, organisation=OrganisationFactory.create(), email="ig@example.org"
    )
    disposal_sweep(today=_past(RecordType.CONSENT_WITHDRAWAL))
    assert not DisposalReview.objects.filter(record_type=RecordType.CONSENT_WITHDRAWAL).exists()


def test_the_sweep_costs_the_same_queries_however_many_records_are_past_their_period(dpo: User) -> None:
    incident(dpo)
    today = _past(RecordType.INCIDENT)
    with CaptureQueriesContext(connection) as one:
        assert len(disposal_candidates(today=today)) == 1
    for _ in range(3):
        incident(dpo)
    with CaptureQueriesContext(connection) as four:
        assert len(disposal_candidates(today=today)) == 4
    # One for the rules, then per swept type one for those already raised and one for the candidates.
    assert len(four) == len(one) == 1 + 2 * len(DISPOSAL_SOURCES)
