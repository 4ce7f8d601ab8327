"""Decision records and ISA documents that never got rendered are rendered by the sweep, once each."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from requests_app.models import (
    AgreementDocument,
    AgreementStatus,
    DecisionRecord,
    OutboxMessage,
    RequestHistory,
    RequestStatus,
)
from requests_app.services.documents import documents_sweep
from requests_app.services.outbox import outbox_relay
from requests_app.services.workflow import transition
from requests_app.tasks import render_agreement_document, render_decision_record
from tests.factories import make_agreement, make_request, sign_for_every_partner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.DOCUMENT_SWEEP_GRACE_SECONDS = 600


def _lose_queued_work() -> None:
    """What a worker that could not render (the forked sandbox under prefork) left: nothing stored."""
    OutboxMessage.objects.all().delete()


def test_a_decision_whose_record_was_never_rendered_gets_one_from_the_sweep_once(
    requester: User, ig_officer: User, caldicott: User
) -> None:
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    transition(request, "approve", actor=ig_officer)
    transition(request, "reject", actor=caldicott, comment="Not necessary for the enquiry.")
    _lose_queued_work()
    decided = RequestHistory.objects.get(action="reject")
    now = timezone.now()

    # Within the grace period the render queued with the decision may still be running.
    assert documents_sweep(now=now).decision_events == []
    later = now + timedelta(seconds=601)
    assert documents_sweep(now=later).decision_events == [decided.pk]
    assert documents_sweep(now=later).decision_events == [decided.pk]  # a second sweep, same minute
    assert list(OutboxMessage.objects.values_list("task", "args")) == [
        (render_decision_record.name, [decided.pk])
    ]
    assert outbox_relay(now=later).handed_over == 1
    record = DecisionRecord.objects.get()
    assert (record.decided_by_event_id, record.version) == (decided.pk, 1)
    assert record.file.read().startswith(b"%PDF-")
    assert documents_sweep(now=later).decision_events == []
    # Moves that decide nothing (the IG approval sent it on to the Caldicott Guardian) owe no record.
    assert DecisionRecord.objects.count() == 1


def test_a_record_rendered_late_keeps_the_number_of_its_decision(
    requester: User, ig_officer: User, caldicott: User
) -> None:
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW, stages=("ig_dpo",))
    transition(request, "reject", actor=ig_officer, comment="Not necessary.")
    first = RequestHistory.objects.get(action="reject")
    # A second decision on the same request, rendered before the first one's lost render is redone.
    second = RequestHistory.objects.create(
        request=request, action="approve", from_status="ig_review", to_status="approved", actor=ig_officer
    )
    _lose_queued_work()
    render_decision_record(second.pk)
    render_decision_record(first.pk)
    assert dict(DecisionRecord.objects.values_list("decided_by_event_id", "version")) == {
        first.pk: 1,
        second.pk: 2,
    }


def test_an_agreement_in_force_without_its_pdf_gets_one_from_the_sweep_once(
    ig_officer: User, caldicott: User
) -> None:
    version = make_agreement(author=ig_officer, status=AgreementStatus.AWAITING_CALDICOTT)
    draft = make_agreement(author=ig_officer)
    transition(version, "approve", actor=caldicott)
    sign_for_every_partner(version)  # in force once the partner, too, has signed
    _lose_queued_work()
    later = timezone.now() + timedelta(seconds=601)

    out = StringIO()
    call_command("render_missing", "--dry-run", stdout=out)
    assert "ISA documents missing (dry run): 0" in out.getvalue()  # still within the grace period
    assert not OutboxMessage.objects.exists()

    missing = documents_sweep(now=later)
    assert missing.agreement_versions == [version.pk] and draft.pk not in missing.agreement_versions
    documents_sweep(now=later)
    assert list(OutboxMessage.objects.values_list("task", "args")) == [
        (render_agreement_document.name, [version.pk])
    ]
    outbox_relay(now=later)
    assert AgreementDocument.objects.get().version == version
    assert documents_sweep(now=later).agreement_versions == []


def test_the_command_queues_what_is_missing(settings: Any, requester: User, ig_officer: User) -> None:
    settings.DOCUMENT_SWEEP_GRACE_SECONDS = 0
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW, stages=("ig_dpo",))
    transition(request, "approve", actor=ig_officer)
    _lose_queued_work()
    decided = RequestHistory.objects.get()
    out = StringIO()
    call_command("render_missing", "--dry-run", stdout=out)
    assert f"Decision records missing (dry run): 1 (workflow events {decided.pk})" in out.getvalue()
    assert not OutboxMessage.objects.exists()
    call_command("render_missing", stdout=out)
    assert f"Decision records queued for rendering: 1 (workflow events {decided.pk})" in out.getvalue()
    assert OutboxMessage.objects.get().args == [decided.pk]
