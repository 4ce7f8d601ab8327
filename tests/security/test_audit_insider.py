"""An insider cannot quietly trim the audit trail.

The application's database role cannot switch the triggers off, truncate, update or delete. Someone
with the tables' owner's rights can (the tests run as the owner), so for them ``verify_audit``
checks the keyed chain against the checkpoints kept outside the database and reports a deleted tail,
a rewrite with the chain re-hashed, and a truncation. Each of these said "chain intact" before.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from igportal.celery import app as celery_app
from requests_app.audit_chain import personal_digest
from requests_app.models import AuditEvent
from requests_app.models.audit import GENESIS_HASH, audit_key, canonical_event_json
from requests_app.services.audit import audit_record
from requests_app.tasks import checkpoint_audit
from tests.igportal.processes import (
    publishing_to,
    reset_connections,
    start_worker,
    stop,
    wait_for,
)
from tests.igportal.processes import test_database_url as database_url_for_processes
from tests.igportal.test_env import REAL_KEY, _load_settings

pytestmark = [pytest.mark.django_db, pytest.mark.services]
APPEND_ONLY = "requests_app_auditevent_append_only"
NO_TRUNCATE = "requests_app_auditevent_no_truncate"


@contextmanager
def as_owner_with_triggers_off(*triggers: str) -> Iterator[None]:
    """What the tables' owner can do and the application's role cannot: switch the triggers off."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for trigger in triggers:
            cursor.execute(f"ALTER TABLE requests_app_auditevent DISABLE TRIGGER {trigger}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for trigger in triggers:
                cursor.execute(f"ALTER TABLE requests_app_auditevent ENABLE TRIGGER {trigger}")


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def checkpoint() -> str:
    out = StringIO()
    call_command("checkpoint_audit", stdout=out)
    return out.getvalue()


def events(count: int) -> list[AuditEvent]:
    return [audit_record(action="request.view", target_label=f"ISR-2026-{n:05}") for n in range(count)]


def rehash_from(event_id: int, *, keyed: bool) -> None:
    """Recompute every hash from ``event_id`` on, as an insider covering a change would."""
    previous = (
        AuditEvent.objects.filter(id__lt=event_id).order_by("-id").values_list("hash", flat=True).first()
    )
    with connection.cursor() as cursor:
        for event in AuditEvent.objects.filter(id__gte=event_id).order_by("id"):
            event.previous_hash = previous or GENESIS_HASH
            event.keyed = keyed
            # Unique previous_hash: move the old values aside first.
            cursor.execute(
                "UPDATE requests_app_auditevent SET previous_hash = %s, hash = %s WHERE id = %s",
                [f"x{event.id}".ljust(64, "x"), f"y{event.id}".ljust(64, "y"), event.id],
            )
            new_hash = event.compute_hash()
            cursor.execute(
                "UPDATE requests_app_auditevent SET previous_hash = %s, hash = %s, keyed = %s WHERE id = %s",
                [event.previous_hash, new_hash, keyed, event.id],
            )
            previous = new_hash


def rehash_one(event_id: int) -> None:
    """Give one legacy event a fresh plain SHA-256 over its (changed) contents, linked to its predecessor."""
    previous = (
        AuditEvent.objects.filter(id__lt=event_id).order_by("-id").values_list("hash", flat=True).first()
    )
    event = AuditEvent.objects.get(id=event_id)
    event.previous_hash = previous or GENESIS_HASH
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_auditevent SET previous_hash = %s, hash = %s WHERE id = %s",
            [f"x{event.id}".ljust(64, "x"), f"y{event.id}".ljust(64, "y"), event.id],
        )
        cursor.execute(
            "UPDATE requests_app_auditevent SET previous_hash = %s, hash = %s WHERE id = %s",
            [event.previous_hash, event.compute_hash(), event.id],
        )


# --- the chain is keyed ------------------------------------------------------------------------------------


def test_every_new_event_is_keyed_with_the_key_from_settings(settings) -> None:
    event = audit_record(action="request.view")
    assert event.keyed
    assert event.hash != hashlib.sha256(event.canonical_json().encode()).hexdigest()
    assert event.compute_hash() == event.hash
    settings.AUDIT_HMAC_KEY = "another-key-that-an-insider-might-guess-0123"
    with pytest.raises(CommandError, match=f"broken at event {event.id}: its contents do not match"):
        verify()


def test_a_rewrite_rehashed_without_the_key_is_found_by_the_chain_alone() -> None:
    trail = events(4)
    with as_owner_with_triggers_off(APPEND_ONLY), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_auditevent SET action = 'request.export' WHERE id = %s", [trail[1].id]
        )
        # Re-hashed with plain SHA-256, the only hash an insider without the key can make.
        rehash_from(trail[1].id, keyed=False)
    with pytest.raises(CommandError) as raised:
        verify()
    assert f"event {trail[1].id}" in str(raised.value)
    assert raised.value.returncode == 1


def test_events_written_before_the_chain_was_keyed_still_verify_and_are_covered_by_the_first_keyed_one() -> (
    None
):
    legacy = events(3)
    with as_owner_with_triggers_off(APPEND_ONLY):
        # As the migration left them: the same rows, read as unkeyed (their plain SHA-256 hash).
        rehash_from(legacy[0].id, keyed=False)
    keyed = events(2)
    assert verify().startswith("5 events, chain intact")
    with as_owner_with_triggers_off(APPEND_ONLY), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_auditevent SET action = 'request.export' WHERE id = %s", [legacy[1].id]
        )
        # Re-hash the legacy events up to the first keyed one, which still links to the old hash:
        # making it link would need the key.
        for event in legacy[1:]:
            rehash_one(event.id)
    with pytest.raises(CommandError, match=f"broken at event {keyed[0].id}: it does not link"):
        verify()


def test_an_unkeyed_event_after_keyed_ones_is_refused() -> None:
    trail = events(3)
    with as_owner_with_triggers_off(APPEND_ONLY), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_auditevent SET action = 'request.export' WHERE id = %s", [trail[2].id]
        )
        rehash_from(trail[2].id, keyed=False)
    with pytest.raises(CommandError, match=f"event {trail[2].id}: it carries an unkeyed hash after keyed"):
        verify()


def test_production_refuses_the_development_audit_key(tmp_path: Path) -> None:
    production = {"IGPORTAL_ENV": "production", "SECRET_KEY": REAL_KEY, "ALLOWED_HOSTS": "ig.example.nhs.uk"}
    checkpoints = str(tmp_path / "checkpoints.log")
    result = _load_settings(**production, AUDIT_CHECKPOINT_FILE=checkpoints)
    assert "Production needs its own audit chain key" in result.stderr
    result = _load_settings(
        **production, AUDIT_CHECKPOINT_FILE=checkpoints, AUDIT_HMAC_KEY=settings.AUDIT_HMAC_KEY
    )
    assert "Production needs its own audit chain key" in result.stderr
    key_file = tmp_path / "audit_hmac_key"
    key_file.write_text(secrets.token_urlsafe(48))
    result = _load_settings(
        **production, AUDIT_CHECKPOINT_FILE=checkpoints, AUDIT_HMAC_KEY_FILE=str(key_file)
    )
    assert result.returncode == 0, result.stderr
    result = _load_settings(**production, AUDIT_HMAC_KEY_FILE=str(key_file))
    assert "AUDIT_CHECKPOINT_FILE must be set" in result.stderr


# --- checkpoints outside the database -----------------------------------------------------------------------


def test_the_checkpoint_is_a_beat_task_and_a_command_that_appends_one_signed_line_per_new_head() -> None:
    schedule = celery_app.conf.beat_schedule["checkpoint-audit"]
    assert schedule["task"] == "requests_app.tasks.checkpoint_audit"
    path: Path = settings.AUDIT_CHECKPOINT_FILE
    trail = events(3)
    assert "Would append" in call_command_output("checkpoint_audit", "--dry-run")
    assert not path.exists() or path.read_text() == ""
    assert checkpoint_audit.delay().get() == trail[-1].id
    assert checkpoint_audit.delay().get() is None  # nothing new: nothing written
    assert "No new audit events" in checkpoint()
    lines = path.read_text().splitlines()
    assert len(lines) == 1 and f'"last_id":{trail[-1].id}' in lines[0] and '"count":3' in lines[0]
    more = events(2)
    assert f"event {more[-1].id}, 5 events" in checkpoint()
    assert len(path.read_text().splitlines()) == 2
    assert verify().splitlines() == [
        "5 events, chain intact",
        f"2 checkpoints in {path}, all matching the chain",
    ]


def call_command_output(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_verify_finds_a_deleted_last_event() -> None:
    trail = events(4)
    checkpoint()
    with as_owner_with_triggers_off(APPEND_ONLY), connection.cursor() as cursor:
        cursor.execute("DELETE FROM requests_app_auditevent WHERE id = %s", [trail[-1].id])
    with pytest.raises(
        CommandError, match=f"ends at event {trail[-2].id}.*up to {trail[-1].id}.*deleted"
    ) as raised:
        verify()
    assert raised.value.returncode == 1


def test_verify_finds_deleted_events_even_after_new_ones_were_written() -> None:
    trail = events(4)
    checkpoint()
    with as_owner_with_triggers_off(APPEND_ONLY), connection.cursor() as cursor:
        cursor.execute("DELETE FROM requests_app_auditevent WHERE id >= %s", [trail[2].id])
    events(2)  # the chain goes on from the trimmed head, so it links
    with pytest.raises(CommandError, match=f"event {trail[-1].id}, the newest at the checkpoint.*missing"):
        verify()


def test_verify_finds_a_rewrite_of_an_old_event_with_the_chain_rehashed_with_the_key() -> None:
    trail = events(5)
    checkpoint()
    with as_owner_with_triggers_off(APPEND_ONLY), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_auditevent SET action = 'request.export' WHERE id = %s", [trail[1].id]
        )
        rehash_from(trail[1].id, keyed=True)
    with pytest.raises(CommandError, match=f"rewritten: up to event {trail[-1].id} it no longer matches"):
        verify()


def test_truncate_is_refused_even_for_the_owner_until_the_trigger_is_switched_off() -> None:
    events(3)
    checkpoint()
    with (
        pytest.raises(DatabaseError, match="TRUNCATE on requests_app_auditevent is refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE requests_app_auditevent")
    assert AuditEvent.objects.count() == 3
    with as_owner_with_triggers_off(NO_TRUNCATE), connection.cursor() as cursor:
        cursor.execute("TRUNCATE requests_app_auditevent")
    with pytest.raises(
        CommandError, match=r"truncated: it is empty, but the checkpoint of .* recorded 3 events"
    ):
        verify()


def test_an_altered_checkpoint_line_is_reported() -> None:
    events(2)
    checkpoint()
    path: Path = settings.AUDIT_CHECKPOINT_FILE
    path.write_text(path.read_text().replace('"count":2', '"count":1'))
    with pytest.raises(
        CommandError, match=r"checkpoint file .* cannot be trusted: Checkpoint line 1: its signature"
    ):
        verify()


def test_a_checkpoint_never_vouches_for_a_chain_already_broken() -> None:
    events(3)
    checkpoint()
    more = events(2)
    with as_owner_with_triggers_off(APPEND_ONLY), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_auditevent SET action = 'request.export' WHERE id = %s", [more[0].id]
        )
    with pytest.raises(CommandError, match=f"broken at event {more[0].id}"):
        checkpoint()
    assert len(Path(settings.AUDIT_CHECKPOINT_FILE).read_text().splitlines()) == 1


def test_the_canonical_form_is_what_the_hash_covers() -> None:
    event = audit_record(action="request.view", detail={"n": 1})
    assert event.canonical_json() == canonical_event_json(
        occurred_at=event.occurred_at,
        actor_id=None,
        actor_label="",
        action="request.view",
        target_type="",
        target_id="",
        target_label="",
        ip_address=None,
        user_agent="",
        detail={"n": 1},
        previous_hash=GENESIS_HASH,
        personal_digest=personal_digest("", {"n": 1}, key=audit_key()),
    )
    # The label and detail are covered through their digest, so a disposal can blank them.
    assert '"detail"' not in event.canonical_json()


# --- the application's role ----------------------------------------------------------------------------


@pytest.fixture
def app_role() -> Iterator[tuple[str, str]]:
    """An application role named for this test database, granted as production grants it."""
    database = connection.settings_dict["NAME"]
    role, password = f"igportal_app_{database}", secrets.token_urlsafe(16)
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {quoted} LOGIN PASSWORD %s", [password])
        else:
            cursor.execute(f"ALTER ROLE {quoted} LOGIN PASSWORD %s", [password])
    try:
        yield role, password
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {quoted}")
            cursor.execute(f"DROP ROLE {quoted}")


@pytest.mark.django_db(transaction=True)
def test_the_applications_role_cannot_switch_triggers_off_truncate_or_delete(
    app_role: tuple[str, str],
) -> None:
    role, password = app_role
    events(2)
    assert "only SELECT, INSERT" in call_command_output("grant_app_role", role)
    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        dbname=database["NAME"],
        user=role,
        password=password,
        autocommit=True,
    ) as app:
        assert app.execute("SELECT count(*) FROM requests_app_auditevent").fetchone() == (2,)
        refused = {
            f"ALTER TABLE requests_app_auditevent DISABLE TRIGGER {APPEND_ONLY}": "must be owner",
            "ALTER TABLE requests_app_auditevent DISABLE TRIGGER ALL": "must be owner",
            "TRUNCATE requests_app_auditevent": "permission denied",
            "DELETE FROM requests_app_auditevent": "permission denied",
            "UPDATE requests_app_auditevent SET action = 'x'": "permission denied",
            "SET session_replication_role = replica": "permission denied",
            f"DROP TRIGGER {NO_TRUNCATE} ON requests_app_auditevent": "must be owner",
        }
        for statement, error in refused.items():
            with pytest.raises(psycopg.Error, match=error):
                app.execute(statement)
        # What the application does need still works: it reads and writes its other tables.
        assert app.execute("SELECT count(*) FROM auth_user").fetchone() is not None
        privileges = app.execute(
            "SELECT has_table_privilege(current_user, 'requests_app_auditevent', 'INSERT'),"
            " has_table_privilege(current_user, 'requests_app_sharingrequest', 'UPDATE')"
        ).fetchone()
        assert privileges == (True, True)
    assert verify().startswith("2 events, chain intact")


@pytest.mark.django_db(transaction=True)
def test_the_grant_refuses_a_role_that_owns_the_tables() -> None:
    owner = connection.settings_dict["USER"]
    with pytest.raises(CommandError, match=r"superuser|owns tables"):
        call_command("grant_app_role", owner, stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_appends_the_checkpoint_where_the_settings_say(tmp_path: Path) -> None:
    """As Compose runs it: a prefork worker takes the beat's task from Redis and writes the file."""
    broker_url = os.environ.get("IGPORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    redis.Redis.from_url(broker_url).flushdb()
    checkpoints = tmp_path / "checkpoints.log"
    trail = events(3)
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker_url,
        "DATABASE_URL": database_url_for_processes(),
        "AUDIT_CHECKPOINT_FILE": str(checkpoints),
        "LOG_LEVEL": "warning",
    }
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        with publishing_to(broker_url):
            checkpoint_audit.delay()
        wait_for(
            lambda: checkpoints.exists() and checkpoints.read_text() != "",
            timeout=60,
            what="the worker's checkpoint",
            log=log,
        )
    finally:
        stop(worker)
        reset_connections()
    lines = checkpoints.read_text().splitlines()
    assert len(lines) == 1 and f'"last_id":{trail[-1].id}' in lines[0]
    with override_settings(AUDIT_CHECKPOINT_FILE=checkpoints):
        assert verify().splitlines()[1] == f"1 checkpoint in {checkpoints}, all matching the chain"
