from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from igportal.env import Env

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "k9#Lw2!vQz7@pX4$mN8&rT1*yB6^hJ3%cF5(dG0)sA-eU=iO+lK_" * 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("YES", True), ("off", False), ("0", False), ("", False)],
)
def test_flag_reads_the_usual_spellings(raw: str, expected: bool) -> None:
    assert Env({"X": raw}).flag("X", default=False) is expected


@pytest.mark.parametrize(
    ("method", "raw", "message"),
    [
        ("flag", "maybe", "X='maybe' is not a boolean"),
        ("integer", "ten", "X='ten' is not a whole number"),
        ("items", "a,,b", "has an empty entry"),
    ],
)
def test_malformed_values_fail_loudly_naming_the_variable(method: str, raw: str, message: str) -> None:
    env = Env({"X": raw})
    with pytest.raises(ImproperlyConfigured, match=message):
        if method == "flag":
            env.flag("X", default=False)
        elif method == "integer":
            env.integer("X", 1)
        else:
            env.items("X")


def test_integer_outside_its_range_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="below the minimum of 1"):
        Env({"PORT": "0"}).integer("PORT", 25, minimum=1)


def test_choice_must_be_one_of_the_listed_values() -> None:
    with pytest.raises(ImproperlyConfigured, match="must be one of: development, production"):
        Env({"MODE": "staging"}).choice("MODE", "development", ("development", "production"))


def test_required_value_without_default_is_an_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        Env({}).text("SECRET_KEY")


def test_secret_is_read_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    assert Env({"SECRET_KEY_FILE": str(secret)}).text("SECRET_KEY") == "from-a-file"


def test_secret_file_that_cannot_be_read_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        Env({"SECRET_KEY_FILE": str(tmp_path / "missing")}).text("SECRET_KEY")


def test_value_and_file_together_are_ambiguous(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="not both"):
        Env({"SECRET_KEY": "a", "SECRET_KEY_FILE": str(tmp_path)}).text("SECRET_KEY")


def _load_settings(**environ: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly this environment."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "igportal.settings", **environ}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _load_settings(IGPORTAL_ENV="production", ALLOWED_HOSTS="ig.example.nhs.uk")
    assert result.returncode != 0
    assert "Production needs a real SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key() -> None:
    result = _load_settings(IGPORTAL_ENV="production", SECRET_KEY="short", ALLOWED_HOSTS="ig.example.nhs.uk")
    assert "Production needs a real SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _load_settings(IGPORTAL_ENV="production", SECRET_KEY=REAL_KEY)
    assert result.returncode != 0
    assert "Production needs ALLOWED_HOSTS" in result.stderr


def test_production_refuses_debug() -> None:
    result = _load_settings(
        IGPORTAL_ENV="production", SECRET_KEY=REAL_KEY, ALLOWED_HOSTS="ig.example.nhs.uk", DEBUG="true"
    )
    assert "DEBUG must be false in production" in result.stderr


def test_production_starts_with_a_real_key_and_hosts() -> None:
    result = _load_settings(
        IGPORTAL_ENV="production",
        SECRET_KEY=REAL_KEY,
        ALLOWED_HOSTS="ig.example.nhs.uk",
        AUDIT_HMAC_KEY=REAL_KEY[::-1],
        AUDIT_CHECKPOINT_FILE="/var/lib/igportal/audit/checkpoints.log",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_malformed_database_url_is_an_error_at_start_up() -> None:
    result = _load_settings(DATABASE_URL="notadatabase://x")
    assert result.returncode != 0
    assert "DATABASE_URL is not a database URL" in result.stderr


def test_malformed_number_in_the_environment_stops_start_up() -> None:
    result = _load_settings(EMAIL_PORT="twenty-five")
    assert "EMAIL_PORT='twenty-five' is not a whole number" in result.stderr


def test_without_a_broker_tasks_run_inline_and_with_one_they_are_queued() -> None:
    inline = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django\n"
            "django.setup()\n"
            "from igportal.celery import app\n"
            "@app.task(name='ping')\n"
            "def ping():\n"
            "    return 'pong'\n"
            "print(ping.delay().get(), app.conf.task_always_eager, app.conf.broker_url)",
        ],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "igportal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    queued = subprocess.run(
        [
            sys.executable,
            "-c",
            "from igportal.celery import app; print(app.conf.task_always_eager, app.conf.broker_url)",
        ],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # Inline: the producer Celery still takes comes from the in-process transport, so kombu does not
    # warn about a missing AMQP host.
    assert inline.stdout.strip() == "pong True memory://localhost/"
    assert "No hostname" not in inline.stderr, inline.stderr
    assert queued.stdout.strip() == "False redis://127.0.0.1:6379/3"


def test_day_counts_are_whole_days_largest_first_without_repeats() -> None:
    assert Env({"X": "7, 30,14,7"}).day_counts("X", (1,)) == (30, 14, 7)
    assert Env({}).day_counts("X", (2, 5)) == (5, 2)


@pytest.mark.parametrize(
    ("raw", "message"), [("5,soon", "'soon' is not a whole number"), ("0", "at least 1")]
)
def test_day_counts_refuse_what_is_not_a_number_of_days(raw: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        Env({"X": raw}).day_counts("X", (1,))


def test_the_visibility_timeout_must_outlast_the_task_time_limit() -> None:
    result = _load_settings(CELERY_VISIBILITY_TIMEOUT="300")
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT must be above CELERY_TASK_TIME_LIMIT" in result.stderr
