"""The chasers with real processes: workers killed mid-send, Redis restarted, two beats at once.

Each test runs real ``celery`` subprocesses against Redis and the test PostgreSQL database and
reads the emails the file backend wrote, by Message-ID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.contrib.auth.models import User
from django.utils import timezone

from igportal.roles import Role
from requests_app.models import (
    AccessRequestKind,
    AccessRequestStatus,
    DeliveryStatus,
    Notification,
    ReminderMilestone,
    RequestStatus,
    SweepRun,
)
from requests_app.services.reminders import sweep_run
from tests.conftest import MakeUser
from tests.factories import AccessRequestFactory, make_request
from tests.igportal.processes import (
    celery_env,
    free_port,
    publishing_to,
    reset_connections,
    sent_message_ids,
    start,
    start_worker,
    stop,
    wait_for,
)
from tests.requests_app.chasing import entered

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("IGPORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def processes(transactional_db: None) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Every process a test starts is stopped before the database is emptied."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        stop(process, signal.SIGKILL)


def _due_today(handler: User) -> Notification:
    """An access request due today, swept: one notification for its handler, its email queued."""
    AccessRequestFactory.create(
        kind=AccessRequestKind.FOI,
        status=AccessRequestStatus.IN_PROGRESS,
        handler=handler,
        due_on=timezone.localdate(),
    )
    sweep_run(kind="access_requests", today=timezone.localdate(), now=timezone.now())
    return Notification.objects.get(recipient=handler)


def _status(notification: Notification) -> str:
    notification.refresh_from_db()
    return notification.status


def test_a_worker_killed_mid_send_loses_no_reminder_once_a_new_worker_starts(
    processes: list[subprocess.Popen[bytes]], redis_url: str, make_user: MakeUser, tmp_path: Path
) -> None:
    hold = tmp_path / "hold"
    hold.touch()
    log = tmp_path / "workers.log"
    # The new worker treats a message unacknowledged for 5 s as abandoned (production: 15 minutes).
    quick = {
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CELERY_TASK_TIME_LIMIT": "4",
        "CELERY_TASK_SOFT_TIME_LIMIT": "3",
    }
    env = celery_env(redis_url, tmp_path, IGPORTAL_TEST_MAIL_HOLD=str(hold), **quick)
    first = start_worker(env, log)
    processes.append(first)
    with publishing_to(redis_url):
        notification = _due_today(make_user(Role.IG_OFFICER))
    wait_for(Path(f"{hold}.reached").exists, timeout=30, what="the worker reached the send", log=log)
    delivered_at = time.monotonic()

    os.killpg(first.pid, signal.SIGKILL)  # the whole worker, main process and pool child, mid-send
    first.wait(timeout=10)
    hold.unlink()
    assert _status(notification) == DeliveryStatus.SENDING
    assert not sent_message_ids(tmp_path)

    # Redis hands the unacknowledged message on once it is older than the visibility timeout.
    time.sleep(max(0.0, delivered_at + 5.5 - time.monotonic()))
    processes.append(start_worker(env, log))
    wait_for(lambda: _status(notification) == DeliveryStatus.SENT, timeout=40, what="the resend", log=log)
    assert sent_message_ids(tmp_path) == {notification.message_id: 1}
    assert notification.attempts == 2


def test_a_pool_process_killed_after_handing_over_the_email_resends_it_with_the_same_message_id(
    processes: list[subprocess.Popen[bytes]], redis_url: str, make_user: MakeUser, tmp_path: Path
) -> None:
    hold = tmp_path / "hold"
    hold.touch()
    log = tmp_path / "worker.log"
    env = celery_env(
        redis_url, tmp_path, IGPORTAL_TEST_MAIL_HOLD=str(hold), IGPORTAL_TEST_MAIL_HOLD_AFTER_WRITE="1"
    )
    worker = start_worker(env, log)
    processes.append(worker)
    with publishing_to(redis_url):
        notification = _due_today(make_user(Role.IG_OFFICER))
    reached = Path(f"{hold}.reached")
    wait_for(reached.exists, timeout=30, what="the worker reached the send", log=log)
    assert sent_message_ids(tmp_path) == {notification.message_id: 1}

    # The pool process dies inside the send window: the mail server has the email, the row says sending.
    child = int(Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()[0])
    hold.unlink()
    os.kill(child, signal.SIGKILL)
    # acks_late with task_reject_on_worker_lost puts the message back at once for a new pool process.
    wait_for(lambda: _status(notification) == DeliveryStatus.SENT, timeout=40, what="the resend", log=log)
    assert sent_message_ids(tmp_path) == {notification.message_id: 2}
    assert notification.attempts == 2


def test_after_redis_restarts_a_newly_queued_task_runs_within_60_seconds(
    processes: list[subprocess.Popen[bytes]], make_user: MakeUser, tmp_path: Path
) -> None:
    port = free_port(range(6391, 6400))
    server_args = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    server = _redis_server(server_args)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for(lambda: _answers(url), timeout=10, what="the private redis-server")
        log = tmp_path / "worker.log"
        processes.append(start_worker(celery_env(url, tmp_path), log))
        with publishing_to(url):
            before = _due_today(make_user(Role.IG_OFFICER))
            wait_for(
                lambda: _status(before) == DeliveryStatus.SENT, timeout=30, what="the first task", log=log
            )

            server.terminate()
            server.wait(timeout=10)
            time.sleep(1)
            server = _redis_server(server_args)
            wait_for(lambda: _answers(url), timeout=10, what="the restarted redis-server")
            reset_connections()
            after = _due_today(make_user(Role.IG_OFFICER))
            took = wait_for(
                lambda: _status(after) == DeliveryStatus.SENT,
                timeout=60,
                what="the task after the restart",
                log=log,
            )
        assert took < 60
        assert sent_message_ids(tmp_path) == {before.message_id: 1, after.message_id: 1}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _redis_server(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603 - fixed command


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def test_two_beats_started_at_once_produce_one_reminder_per_milestone(
    processes: list[subprocess.Popen[bytes]],
    redis_url: str,
    make_user: MakeUser,
    requester: User,
    dpo: User,
    tmp_path: Path,
) -> None:
    handler = make_user(Role.IG_OFFICER)
    today = timezone.localdate()
    for days in (0, -1, -8, 1):
        AccessRequestFactory.create(
            kind=AccessRequestKind.FOI,
            status=AccessRequestStatus.IN_PROGRESS,
            handler=handler,
            due_on=today + timedelta(days=days),
        )
    for _ in range(3):
        request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
        entered(request, RequestStatus.IG_REVIEW, timezone.now() - timedelta(days=30))
    env = celery_env(redis_url, tmp_path, CHASER_SWEEP_SECONDS="1", CHASER_DELIVERY_SWEEP_SECONDS="1")
    log = tmp_path / "celery.log"
    processes.append(start_worker(env, log, concurrency=2))
    beat_logs = [tmp_path / f"beat-{n}.log" for n in (1, 2)]
    beats = [
        start(["beat", "--schedule", str(tmp_path / f"beat-{n}"), "--loglevel", "info"], env, beat_log)
        for n, beat_log in enumerate(beat_logs, start=1)
    ]
    processes.extend(beats)

    def swept_often() -> bool:
        runs = SweepRun.objects.filter(kind="signoffs", finished_at__isnull=False).count()
        return runs >= 8 and not Notification.objects.exclude(status=DeliveryStatus.SENT).exists()

    wait_for(swept_often, timeout=60, what="eight completed sweeps and every email sent", log=log)
    for beat, beat_log in zip(beats, beat_logs, strict=True):
        assert beat.poll() is None, beat_log.read_text()[-3000:]
        stop(beat)
        # Both beats really scheduled the sweeps, each many times over.
        assert beat_log.read_text().count("Sending due task chase-reminders") >= 3
    time.sleep(2)  # let the last queued sweeps finish

    milestones = ReminderMilestone.objects.filter(claimed_at__isnull=False)
    # 4 access requests (the one due tomorrow owes its 2-working-day reminder) and 3 sign-offs
    # nudged and escalated.
    assert milestones.count() == 4 + 3 * 2
    notifications = Notification.objects.all()
    assert notifications.count() == len(sent_message_ids(tmp_path)) >= milestones.count()
    assert set(sent_message_ids(tmp_path).values()) == {1}
    assert sent_message_ids(tmp_path).keys() == set(notifications.values_list("message_id", flat=True))
