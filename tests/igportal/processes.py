"""Real Celery workers, beats and a private Redis for the chaser process tests."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from kombu import pools

from igportal.celery import app

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    params = connection.settings_dict
    return f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{params['NAME']}"


def celery_env(broker_url: str, mail_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "CELERY_BROKER_URL": broker_url,
        "DATABASE_URL": test_database_url(),
        "EMAIL_BACKEND": "tests.support.mail.HoldingFileBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "LOG_LEVEL": "warning",
        **extra,
    }


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A celery process in its own session, so that a kill reaches its pool children too."""
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - this interpreter running celery with the test's own arguments
            [sys.executable, "-m", "celery", "-A", "igportal", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def start_worker(env: dict[str, str], log: Path, *, concurrency: int = 1) -> subprocess.Popen[bytes]:
    return start(
        ["worker", "--pool=prefork", f"--concurrency={concurrency}", "--without-mingle", "--without-gossip"],
        env,
        log,
    )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, log: Path | None = None) -> float:
    """Poll until ``condition`` holds; returns the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise AssertionError(f"{what}: not within {timeout} s\n{tail}")
        time.sleep(0.1)
    return time.monotonic() - started


def sent_message_ids(mail_dir: Path) -> Counter[str]:
    """Message-IDs of every email the file backend wrote, counted."""
    found: Counter[str] = Counter()
    for path in mail_dir.glob("*.log"):
        found.update(re.findall(r"^Message-ID: (\S+)$", path.read_text(errors="replace"), flags=re.MULTILINE))
    return found


def free_port(candidates: range) -> int:
    for port in candidates:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"No free port in {candidates}")


@contextmanager
def publishing_to(broker_url: str) -> Iterator[None]:
    """Tasks queued by this (test) process go to ``broker_url`` instead of running inline."""
    previous = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url=broker_url)
    reset_connections()
    try:
        yield
    finally:
        app.conf.update(previous)
        reset_connections()


def reset_connections() -> None:
    """Drop pooled broker connections: after a broker restart, publish on fresh ones."""
    # Celery builds its connection and producer pools lazily from app.conf; unset, they are rebuilt.
    if app._pool is not None:  # type: ignore[attr-defined]
        app._pool.force_close_all()  # type: ignore[attr-defined]
        app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]
    # kombu also keeps process-wide pools per connection; those of a closed pool must go too.
    pools.reset()
