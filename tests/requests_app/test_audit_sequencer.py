"""Audited page views never wait for the audit chain (issue 24), and the chain stays whole.

A writer that finds the chain held leaves its event waiting (``PendingAuditEvent``) and goes on;
the sequencer chains it once it is committed. The chain's own checks (``test_audit.py``,
``tests/security/test_audit_insider.py``) are unchanged and still pass.
"""

from __future__ import annotations

import threading
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from igportal.celery import app as celery_app
from requests_app.models import AuditEvent, PendingAuditEvent
from requests_app.services.audit import AUDIT_APPEND_LOCK, audit_record, audit_sequence
from requests_app.tasks import sequence_audit
from tests.igportal.processes import test_database_url as database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue().splitlines()[0]


def chain_held_elsewhere() -> psycopg.Connection:
    """Another connection holding the chain, as a long transaction that appended to it would."""
    other = psycopg.connect(database_url())
    other.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_APPEND_LOCK])
    return other


def test_a_writer_that_finds_the_chain_held_does_not_wait_and_its_event_is_chained_later() -> None:
    audit_record(action="system.start")
    other = chain_held_elsewhere()
    try:
        with connection.cursor() as cursor:
            # Were it to wait for the chain, this would fail rather than hang.
            cursor.execute("SET lock_timeout = '2s'")
        waiting = audit_record(action="request.view", target_label="ISR-2026-00001")
        assert waiting.pk is None
        assert list(PendingAuditEvent.objects.values_list("action", flat=True)) == ["request.view"]
        assert AuditEvent.objects.count() == 1
    finally:
        other.rollback()
        other.close()
    audit_record(action="system.stop")  # the next append, once committed, chains what was waiting
    assert not PendingAuditEvent.objects.exists()
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "system.start",
        "system.stop",
        "request.view",
    ]
    assert verify() == "3 events, chain intact"


def test_an_event_left_waiting_is_chained_when_the_holder_commits() -> None:
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                audit_record(action="request.update", detail={"by": "holder"})
                holding.set()
                assert release.wait(timeout=30)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert holding.wait(timeout=30)
    audit_record(action="request.view", detail={"by": "page view"})  # committed, chain still held
    assert PendingAuditEvent.objects.count() == 1
    release.set()
    thread.join(timeout=30)
    assert errors == []
    # The holder's own check after its commit chained it: no beat, no later append needed.
    assert not PendingAuditEvent.objects.exists()
    assert [event.detail["by"] for event in AuditEvent.objects.all()] == ["holder", "page view"]
    assert verify() == "2 events, chain intact"


def test_an_event_whose_transaction_rolls_back_is_never_chained() -> None:
    other = chain_held_elsewhere()
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(action="request.view")
            raise RuntimeError("the page failed")
    finally:
        other.rollback()
        other.close()
    assert audit_sequence() == 0
    assert not AuditEvent.objects.exists() and not PendingAuditEvent.objects.exists()


def test_beat_chains_what_is_left_waiting() -> None:
    assert celery_app.conf.beat_schedule["sequence-audit"]["task"] == "requests_app.tasks.sequence_audit"
    other = chain_held_elsewhere()
    try:
        with transaction.atomic():
            audit_record(action="request.view")
            # As if the process died between its commit and its own attempt to chain the event.
            transaction.get_connection().run_on_commit = []
    finally:
        other.rollback()
        other.close()
    assert PendingAuditEvent.objects.count() == 1
    assert sequence_audit.apply().get() == 1
    assert not PendingAuditEvent.objects.exists()
    assert verify() == "1 events, chain intact"


def test_many_writers_at_once_keep_one_chain_with_every_event() -> None:
    writers, per_writer = 6, 20
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            barrier.wait(timeout=10)
            for number in range(per_writer):
                with transaction.atomic():
                    audit_record(action="request.view", detail={"writer": writer, "n": number})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert not PendingAuditEvent.objects.exists()
    assert verify() == f"{writers * per_writer} events, chain intact"
    recorded = {(event.detail["writer"], event.detail["n"]) for event in AuditEvent.objects.all()}
    assert recorded == {(writer, number) for writer in range(writers) for number in range(per_writer)}
