"""Events written before the chain was keyed still verify after the migration, in a real database
migrated step by step: unkeyed SHA-256 events under 0017, then 0018, then keyed events on top."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.igportal.processes import ROOT

# Run inside the project's settings against the database in DATABASE_URL: the old append path,
# as it was before 0018 (plain SHA-256 over the same canonical form), writing three events.
WRITE_LEGACY_EVENTS = """
import hashlib
from django.db import connection
from django.utils import timezone
from requests_app.models.audit import GENESIS_HASH, canonical_event_json

previous = GENESIS_HASH
with connection.cursor() as cursor:
    for number in range(3):
        moment = timezone.now()
        payload = canonical_event_json(
            occurred_at=moment, actor_id=None, actor_label="", action="system.tick", target_type="",
            target_id="", target_label="", ip_address=None, user_agent="", detail={"n": number},
            previous_hash=previous,
        )
        digest = hashlib.sha256(payload.encode()).hexdigest()
        cursor.execute(
            "INSERT INTO requests_app_auditevent (occurred_at, actor_label, action, target_type, target_id,"
            " target_label, user_agent, detail, previous_hash, hash)"
            " VALUES (%s, '', 'system.tick', '', '', '', '', %s, %s, %s)",
            [moment, '{"n": %d}' % number, previous, digest],
        )
        previous = digest
"""
WRITE_KEYED_EVENTS = """
from requests_app.services.audit import audit_record
for number in range(2):
    audit_record(action="system.tick", detail={"n": 10 + number})
"""


def manage(database_url: str, checkpoints: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "AUDIT_CHECKPOINT_FILE": str(checkpoints)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603 - the arguments are written in this file
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A database of its own, named after this test database, dropped afterwards."""
    params = connection.settings_dict
    name = f"{params['NAME']}_legacy_{uuid.uuid4().hex[:8]}"
    server = f"host={params['HOST'] or '127.0.0.1'} port={params['PORT'] or 5432} user={params['USER']}"
    with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate_across_the_keying(database_url: str, tmp_path: Path) -> None:
    checkpoints = tmp_path / "checkpoints.log"

    def run(*args: str) -> str:
        result = manage(database_url, checkpoints, *args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result.stdout

    run("migrate", "requests_app", "0019_wizard_drafts_and_unlisted_recipient", "--noinput")
    run("shell", "-c", WRITE_LEGACY_EVENTS)
    run("migrate", "--noinput")
    assert run("verify_audit").startswith("3 events, chain intact")
    run("shell", "-c", WRITE_KEYED_EVENTS)
    assert "event 5, 5 events" in run("checkpoint_audit")
    assert run("verify_audit").splitlines() == [
        "5 events, chain intact",
        f"1 checkpoint in {checkpoints}, all matching the chain",
    ]
    keyed = run(
        "shell",
        "-c",
        "from requests_app.models import AuditEvent;"
        " print(list(AuditEvent.objects.order_by('id').values_list('keyed', flat=True)))",
    )
    assert keyed.strip().splitlines()[-1] == "[False, False, False, True, True]"


def test_legacy_events_verify_after_the_migration_on_sqlite(tmp_path: Path) -> None:
    migrate_across_the_keying(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path)


@pytest.mark.services
@pytest.mark.django_db
def test_legacy_events_verify_after_the_migration_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    migrate_across_the_keying(postgres_url, tmp_path)
