"""Decide which database and broker the test run uses; prints shell `export` lines for `make test`.

PostgreSQL and Redis are required under CI=true (their absence fails the run). Elsewhere,
when neither answers, the run falls back to SQLite and the tests marked `services` are
skipped and counted, and this says so in one line on stderr.
"""

from __future__ import annotations

import os
import shlex
import socket
import sys
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def main() -> int:
    database_url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL
    ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    postgres_up = reachable(database_url, 5432)
    redis_up = reachable(redis_url, 6379)
    exports = {"IGPORTAL_TEST_REDIS_URL": redis_url}
    if postgres_up and redis_up:
        exports |= {"DATABASE_URL": database_url, "IGPORTAL_SERVICES": "available"}
    else:
        missing = " and ".join(
            name
            for name, up in (
                ("PostgreSQL at " + database_url, postgres_up),
                ("Redis at " + redis_url, redis_up),
            )
            if not up
        )
        if ci:
            print(f"make test: CI needs {missing}, which did not answer.", file=sys.stderr)
            return 1
        print(
            f"make test: {missing} not reachable: running on SQLite, service tests skipped (and counted).",
            file=sys.stderr,
        )
        exports |= {"DATABASE_URL": "sqlite:///:memory:", "IGPORTAL_SERVICES": "absent"}
    for name, value in exports.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
