"""An audited page view's append, outside any transaction: three statements, and the chain let go.

The page holds the chain for its database session from the statement that reads the head to the one
that lets it go, which also looks for events others left waiting meanwhile (services/audit.py,
migration 0039). The chain's guarantees are those of ``test_audit_sequencer.py``; these pin the
shape of the append and the hand-over between a page view and a writer that found it holding the chain.
"""

from __future__ import annotations

import threading
from io import StringIO
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from requests_app.models import AuditEvent, PendingAuditEvent
from requests_app.services import audit
from requests_app.services.audit import AUDIT_APPEND_LOCK, audit_record
from tests.igportal.processes import test_database_url as database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue().splitlines()[0]


def chain_is_free_elsewhere() -> bool:
    with psycopg.connect(database_url(), autocommit=True) as other:
        row = other.execute("SELECT pg_try_advisory_xact_lock(%s)", [AUDIT_APPEND_LOCK]).fetchone()
    return bool(row and row[0])


def test_a_page_view_outside_a_transaction_is_appended_in_three_statements() -> None:
    audit_record(action="system.start")
    with CaptureQueriesContext(connection) as queries:
        event = audit_record(action="register.view", detail={"register": "data_flows"})
    statements = [query["sql"] for query in queries.captured_queries]
    # 1. the chain's lock, tried, with the head's hash  2. the insert, which commits  3. the lock let go,
    # with a look for events left waiting
    assert len(statements) == 3, statements
    assert statements[0].startswith("SELECT requests_app_audit_take_chain(")
    assert statements[1].startswith('INSERT INTO "requests_app_auditevent"')
    assert statements[2].startswith("SELECT requests_app_audit_release_chain(")
    assert event.pk is not None and event.previous_hash == AuditEvent.objects.get(action="system.start").hash
    assert chain_is_free_elsewhere()
    assert verify() == "2 events, chain intact"


def test_a_failed_append_still_lets_the_chain_go() -> None:
    audit_record(action="system.start")
    ghost = User(pk=999_999, username="nobody")  # no such row: the actor's foreign key refuses the insert
    with pytest.raises(IntegrityError):
        audit_record(action="request.view", actor=ghost)
    assert chain_is_free_elsewhere()
    audit_record(action="system.stop")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["system.start", "system.stop"]
    assert verify() == "2 events, chain intact"


def test_an_event_left_waiting_while_a_page_view_held_the_chain_is_chained_when_it_lets_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    holding, release = threading.Event(), threading.Event()
    append = audit._append
    errors: list[BaseException] = []

    def slow_append(*args: Any, **kwargs: Any) -> AuditEvent:
        if threading.current_thread() is threading.main_thread():
            holding.set()
            assert release.wait(timeout=30)
        return append(*args, **kwargs)

    monkeypatch.setattr(audit, "_append", slow_append)

    def other_page_view() -> None:
        try:
            assert holding.wait(timeout=30)
            # Finds the chain held by the page view below: its event waits, committed, and it goes on.
            waiting = audit_record(action="request.view", detail={"by": "second"})
            assert waiting.pk is None
            assert PendingAuditEvent.objects.count() == 1
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()
            release.set()

    thread = threading.Thread(target=other_page_view)
    thread.start()
    audit_record(action="request.view", detail={"by": "first"})
    thread.join(timeout=30)
    assert errors == []
    # The first page view's release saw the waiting event and chained it: no beat, no later append.
    assert not PendingAuditEvent.objects.exists()
    assert [event.detail["by"] for event in AuditEvent.objects.all()] == ["first", "second"]
    assert verify() == "2 events, chain intact"


def test_behind_a_transaction_pooler_each_append_takes_a_transaction_of_its_own(settings: Any) -> None:
    settings.AUDIT_SESSION_LOCK = False
    audit_record(action="system.start")
    with CaptureQueriesContext(connection) as queries:
        audit_record(action="register.view")
    statements = [query["sql"] for query in queries.captured_queries]
    assert "BEGIN" in statements and "COMMIT" in statements
    assert not any("release_chain" in statement for statement in statements)
    assert chain_is_free_elsewhere()
    assert verify() == "2 events, chain intact"


def test_a_page_that_fails_after_recording_its_viewing_keeps_the_event() -> None:
    def page() -> None:
        audit_record(action="register.view", detail={"register": "data_flows"})
        raise RuntimeError("the template failed")

    with pytest.raises(RuntimeError):
        page()
    connection.close()  # as the failed request's connection may be: the event was committed already
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["register.view"]
    assert verify() == "1 events, chain intact"


def test_letting_go_of_a_chain_this_connection_does_not_hold_is_reported_not_silent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # As behind a transaction-mode pooler with DB_SESSION_LOCKS on: the take went over another server
    # connection, so this one has nothing to let go, and the chain stays held over there.
    with caplog.at_level("ERROR", logger="requests_app.services.audit"):
        assert audit._release_the_chain("default") is True  # the sequencer is asked to run
    assert "DB_SESSION_LOCKS=false" in caplog.text
    caplog.clear()
    # Held and let go normally: nothing reported, and whether events wait is answered.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [AUDIT_APPEND_LOCK])
    assert audit._release_the_chain("default") is False
    assert not caplog.text
    assert chain_is_free_elsewhere()
