"""The newcomer's path, proven: every URL as every demo user on freshly seeded demo data, on the embedded
default (a SQLite file, tasks inline, as `make run` serves it) and on PostgreSQL; every form posted once.

The crawl and its table of expected answers are in tests/smoke/crawl.py; the tables must name every URL
the resolver knows, so a page added later without a crawl entry fails here.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from tests.igportal.test_auth import ALL_URLS
from tests.smoke.crawl import GETS, NO_FORM, POSTS, SETUP_POSTS, crawl

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = {url for _, url in ALL_URLS}


def test_every_url_the_resolver_knows_has_a_crawl_entry() -> None:
    assert PATTERNS - set(GETS) == set(), "add these URLs to GETS in tests/smoke/crawl.py"
    assert set(GETS) - PATTERNS == set(), "these GETS entries name URLs that no longer exist"
    stale = (set(SETUP_POSTS) | set(POSTS) | set(NO_FORM)) - PATTERNS
    assert stale == set(), "these POSTS or NO_FORM entries name URLs that no longer exist"
    assert set(SETUP_POSTS) & set(POSTS) == set()


def _newcomer_env(tmp_path: Path) -> dict[str, str]:
    """What `make run` runs with: no DATABASE_URL or broker of the suite's, a SQLite file, MFA off.

    DEBUG is off as `make run` sets it, so a refusal shows the product's own page, not Django's.
    """
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEBUG": "false",
        "MFA_REQUIRED": "false",
        # The crawl's posts send notifications; on a laptop they would print, here they are kept.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter, this repository's own commands
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def test_the_crawl_on_the_embedded_default_finds_no_500_and_no_technical_page(tmp_path: Path) -> None:
    env = _newcomer_env(tmp_path)
    started = time.monotonic()
    migrate = _run(["manage.py", "migrate", "--noinput"], env)
    assert migrate.returncode == 0, migrate.stderr
    seed = _run(["manage.py", "seed_demo", "--quiet-users"], env)
    assert seed.returncode == 0, seed.stderr
    # The newcomer's console: none of the warnings that used to come with every start.
    for output in (migrate.stdout + migrate.stderr, seed.stdout + seed.stderr):
        assert "W040" not in output and "No hostname" not in output, output
        assert "weasyprint" not in output.lower() and "fontTools" not in output, output[:2000]
    crawled = _run(["-m", "tests.smoke.crawl"], env)
    report = crawled.stdout
    assert crawled.returncode == 0, report + crawled.stderr[-3000:]
    assert " 0 failures" in report, report
    assert int(report.split(" requests")[0].split()[-1]) > 800, report
    print(
        f"SQLite: migrate, seed_demo and {report.splitlines()[0]}; {time.monotonic() - started:.0f} s in all"
    )


@pytest.mark.services
@pytest.mark.django_db
def test_the_same_crawl_on_postgresql(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    assert connection.vendor == "postgresql"
    settings.MEDIA_ROOT = tmp_path
    settings.MFA_REQUIRED = False
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--quiet-users", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        report = crawl()
    assert report.failures == [], "\n".join(report.failures)
    assert report.requests > 800
    print(f"PostgreSQL: seed_demo and {report.requests} requests in {time.monotonic() - started:.0f} s")
