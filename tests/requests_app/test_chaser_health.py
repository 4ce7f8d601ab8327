"""The operators' report: each sweep's last completed run, the broker and its queue."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import redis
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from requests_app.models import SweepRun
from requests_app.reminders import REMINDER_SOURCES
from requests_app.services.reminders import sweep_run
from tests.conftest import ClientFor

pytestmark = pytest.mark.django_db


def _health(*args: str) -> str:
    out = StringIO()
    call_command("chaser_health", *args, stdout=out)
    return out.getvalue()


def test_every_sweep_kind_is_reported_with_the_age_of_its_last_completed_run() -> None:
    now = timezone.now()
    SweepRun.objects.create(
        kind="signoffs", today=now.date(), started_at=now, finished_at=now - timedelta(minutes=5)
    )
    report = _health()
    for kind in [*REMINDER_SOURCES, "deliveries"]:
        assert f"sweep {kind}:" in report
    assert "sweep signoffs: 5 min ago" in report
    assert "sweep consent: never completed" in report
    assert "broker: none configured (tasks run inline)" in report
    assert "emails: 0 pending" in report


def test_a_failed_run_after_the_last_good_one_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    sweep_run(kind="consent", today=timezone.localdate(), now=timezone.now())

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("register unavailable")

    monkeypatch.setattr(REMINDER_SOURCES["consent"], "candidates", broken)
    with pytest.raises(RuntimeError):
        sweep_run(kind="consent", today=timezone.localdate(), now=timezone.now() + timedelta(seconds=1))
    assert "last run failed: RuntimeError: register unavailable" in _health()


def test_a_sweep_older_than_the_limit_fails_the_check() -> None:
    with pytest.raises(CommandError, match="access_requests has not completed within 60 minutes"):
        _health("--max-age-minutes", "60")


def test_an_unreachable_broker_fails_the_check(settings: Any) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6399/0"  # a private port nothing listens on
    with pytest.raises(CommandError, match="the broker is unreachable"):
        _health()


@pytest.mark.services
def test_the_queue_length_is_read_from_the_broker(settings: Any) -> None:
    url = os.environ.get("IGPORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    settings.CELERY_BROKER_URL = url
    client = redis.Redis.from_url(url)
    client.delete("celery", "celery\x06\x163", "unacked")
    client.rpush("celery", "a", "b")
    client.rpush("celery\x06\x163", "c")
    try:
        assert "broker: reachable; queue length 3, 0 unacknowledged" in _health()
    finally:
        client.delete("celery", "celery\x06\x163")


def test_the_dpo_sees_the_operators_page(dpo: User, client_for: ClientFor) -> None:
    response = client_for(dpo).get(reverse("chaser_health"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Access request deadlines" in page and "Email deliveries" in page
    assert "In the portal only (no email address)" in page
    assert "No broker is configured" in page


def test_a_superuser_sees_the_operators_page(make_user: Callable[..., User], client_for: ClientFor) -> None:
    assert client_for(make_user(is_superuser=True)).get(reverse("chaser_health")).status_code == 200


@pytest.mark.parametrize("role_fixture", ["requester", "ig_officer", "auditor", "caldicott"])
def test_nobody_else_learns_the_operators_page_exists(
    role_fixture: str, request: pytest.FixtureRequest, client_for: ClientFor
) -> None:
    assert client_for(request.getfixturevalue(role_fixture)).get(reverse("chaser_health")).status_code == 404


def test_the_operators_page_only_answers_get(dpo: User, client_for: ClientFor) -> None:
    assert client_for(dpo).post(reverse("chaser_health")).status_code == 405


@pytest.mark.parametrize("model", ["remindermilestone", "notification", "sweeprun"])
def test_operators_can_look_up_chaser_records_in_the_admin_but_not_change_them(
    model: str, make_user: Callable[..., User], client_for: ClientFor
) -> None:
    client = client_for(make_user(is_superuser=True, is_staff=True))
    assert client.get(reverse(f"admin:requests_app_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:requests_app_{model}_add")).status_code == 403
