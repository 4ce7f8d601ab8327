"""Two web instances and two workers on one PostgreSQL and one Redis (issue 24), driven together.

Each gunicorn instance and each Celery worker is its own process on its own loopback port, as on
separate machines sharing the database, the broker and the media volume (``docs/deployment.md``).
A session made through one instance is good on the other; a deactivation made anywhere refuses the
person's next request on both; a reminder swept by both workers at once is sent exactly once; and
the audit chain all of them appended to is whole.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from igportal.accounts.session_store import SessionStore
from igportal.accounts.sessions import session_start
from igportal.roles import Role
from requests_app.models import AccessRequestKind, AccessRequestStatus, Notification, PendingAuditEvent
from requests_app.tasks import run_sweep
from tests.conftest import MakeUser
from tests.factories import AccessRequestFactory, make_request
from tests.igportal.processes import (
    ROOT,
    celery_env,
    free_port,
    publishing_to,
    sent_message_ids,
    start_worker,
    stop,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("IGPORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def processes(transactional_db: None) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        stop(process, signal.SIGKILL)


def start_web(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - the venv's gunicorn with the test's own arguments
            [gunicorn, "igportal.wsgi:application", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def get(port: int, path: str, cookie: str | None = None) -> tuple[int, str, str]:
    """Status, Location and body of a GET to the instance on ``port``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "localhost"}
    if cookie:
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, response.getheader("Location") or "", body


def signed_in(user: User) -> str:
    """A session as a password login leaves it (the person needs no second factor); its key."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "igportal.accounts.backends.LocalPasswordBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session_start(store)
    store.create()
    assert store.session_key is not None
    return store.session_key


def answers(port: int) -> bool:
    try:
        return get(port, reverse("login"))[0] == 200
    except OSError:
        return False


def test_two_web_instances_and_two_workers_share_sessions_refusals_reminders_and_the_audit_chain(
    processes: list[subprocess.Popen[bytes]], redis_url: str, make_user: MakeUser, tmp_path: Path
) -> None:
    asker = make_user(Role.REQUESTER, username="kim")
    handler = make_user(Role.IG_OFFICER, username="ivy")
    entry = make_request(requester=asker)
    media = tmp_path / "media"
    media.mkdir()
    env = celery_env(redis_url, tmp_path, MEDIA_ROOT=str(media), ALLOWED_HOSTS="localhost")
    log = tmp_path / "processes.log"
    ports = [free_port(range(18710, 18760)), 0]
    processes.append(start_web(env, ports[0], log))
    ports[1] = free_port(range(ports[0] + 1, 18800))
    processes.append(start_web(env, ports[1], log))
    processes += [start_worker(env, log), start_worker(env, log)]
    for port in ports:
        wait_for(partial(answers, port), timeout=60, what=f"gunicorn on {port}", log=log)

    # One session, either instance.
    cookie = signed_in(asker)
    for port in ports:
        status, _, body = get(port, reverse("request_list"), cookie)
        assert status == 200 and entry.reference in body, (port, status)

    # Reminders: both workers sweep at once; the due access request is claimed and sent once.
    AccessRequestFactory.create(
        kind=AccessRequestKind.FOI,
        status=AccessRequestStatus.IN_PROGRESS,
        handler=handler,
        due_on=timezone.localdate(),
    )
    with publishing_to(redis_url):
        for _ in range(4):
            run_sweep.delay("access_requests")
    reminders = Notification.objects.filter(recipient=handler)
    wait_for(reminders.exists, timeout=60, what="the reminder", log=log)
    wait_for(lambda: bool(sent_message_ids(tmp_path)), timeout=60, what="its email", log=log)
    wait_for(lambda: redis.Redis.from_url(redis_url).llen("celery") == 0, timeout=60, what="the queue")
    time.sleep(3)  # the last sweeps taken off the queue finish
    notification = reminders.get()  # one, not four
    assert sent_message_ids(tmp_path) == {notification.message_id: 1}

    # A deactivation (however made) refuses the person's next request on every instance.
    User.objects.filter(pk=asker.pk).update(is_active=False)
    for port in ports:
        status, location, _ = get(port, reverse("request_list"), cookie)
        assert status == 302 and location.startswith(reverse("login")), (port, status, location)

    # Every page view above was audited by one instance or the other, into one whole chain.
    wait_for(lambda: not PendingAuditEvent.objects.exists(), timeout=30, what="the audit sequencer")
    call_command("verify_audit")
