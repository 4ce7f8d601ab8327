from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone

from igportal.accounts.session_store import SessionStore
from igportal.celery import app
from igportal.tasks import clear_expired_sessions
from requests_app.models import UserSession as Session

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_is_configured_for_safe_redelivery() -> None:
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_time_limit > conf.task_soft_time_limit > 0
    # Redis redelivers an unacknowledged task only after this: it must outlast any task run.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_beat_runs_the_reminder_and_delivery_sweeps() -> None:
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"requests_app.tasks.run_all_sweeps", "requests_app.tasks.requeue_deliveries"} <= tasks


def test_the_beat_schedule_names_registered_tasks() -> None:
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.django_db
def test_clearing_expired_sessions_is_safe_to_run_twice() -> None:
    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    fresh = SessionStore()
    fresh.create()
    assert clear_expired_sessions() == 1
    assert clear_expired_sessions() == 0
    assert Session.objects.filter(session_key=fresh.session_key).exists()


@pytest.fixture
def redis_url() -> str:
    # make test picks the URL; parallel runs (worktrees, CI) each pass their own database number.
    return os.environ.get("IGPORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def queued_for_real() -> Iterator[None]:
    """Send tasks to the broker instead of running them inline as the test settings do."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def worker(redis_url: str) -> Iterator[subprocess.Popen[str]]:
    redis.Redis.from_url(redis_url).flushdb()
    env = {
        **os.environ,
        "CELERY_BROKER_URL": redis_url,
        "DATABASE_URL": _test_database_url(),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "igportal", "worker", "--pool=solo", "--loglevel=warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


def _test_database_url() -> str:
    params = connection.settings_dict
    return f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{params['NAME']}"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_task_queued_through_redis_is_run_by_a_real_worker(
    worker: subprocess.Popen[str], redis_url: str, queued_for_real: None
) -> None:
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    sender = app.connection_for_write(redis_url)
    with sender:
        clear_expired_sessions.apply_async(connection=sender)  # type: ignore[call-arg]
    # Still there: only the worker process can remove it.
    assert Session.objects.filter(session_key=expired.session_key).exists()
    deadline = time.monotonic() + 60
    while Session.objects.filter(session_key=expired.session_key).exists():
        assert worker.poll() is None, f"worker died: {worker.stdout.read() if worker.stdout else ''}"
        assert time.monotonic() < deadline, "the worker did not run the task within 60 seconds"
        time.sleep(0.2)
