"""The sweep benchmark measures real claims of the due rows, per source, and leaves the data as it was."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bench.sweeps import measure_sweeps
from requests_app.models import Notification, ReminderMilestone, SweepRun
from tests.requests_app.chasing import at

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True), pytest.mark.slow]
TODAY = date(2026, 3, 9)
DUE_PER_SOURCE = {"isa_reviews": 70, "flow_reviews": 40, "access_requests": 60, "signoffs": 30}


def _seed() -> None:
    """Per source: the due, unclaimed rows, and around them rows no claim may take (claimed already,
    not yet due). Consent and DPIA reviews have none due, so they are not measured."""
    rows = []
    for source, due in DUE_PER_SOURCE.items():
        rows += [
            ReminderMilestone(
                source=source, object_id=n, milestone=f"due-{n}", due_on=TODAY - timedelta(n % 9)
            )
            for n in range(due)
        ]
        rows += [
            ReminderMilestone(
                source=source,
                object_id=n,
                milestone=f"sent-{n}",
                due_on=TODAY - timedelta(30),
                claimed_at=at(TODAY - timedelta(30)),
                outcome=ReminderMilestone.Outcome.NOTIFIED,
            )
            for n in range(20)
        ]
    rows += [
        ReminderMilestone(source="consent", object_id=n, milestone=f"later-{n}", due_on=TODAY + timedelta(1))
        for n in range(20)
    ]
    ReminderMilestone.objects.bulk_create(rows)


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        ReminderMilestone.objects.order_by("id").values_list("id", "claimed_at", "claim_token", "outcome")
    )


def test_each_source_with_due_rows_is_timed_against_raw_sql_and_nothing_is_kept(settings: Any) -> None:
    settings.CHASER_BATCH_SIZE = 25  # so that the product's claim takes several batches, as at scale
    _seed()
    before = _snapshot()
    logged: list[str] = []
    rows = measure_sweeps(rounds=3, log=logged.append, today=TODAY)
    assert [(row["sweep"], row["source"], row["rows"]) for row in rows] == [
        ("deadline", "access_requests", 60),
        ("signoff", "signoffs", 30),
        ("review", "isa_reviews", 70),
        ("review", "flow_reviews", 40),
    ]
    for row in rows:
        assert row["product_median_s"] > 0 and row["raw_median_s"] > 0
        assert row["ratio"] == row["product_median_s"] / row["raw_median_s"]
        assert row["full_sweep_s"] > 0
        # The objects behind these rows do not exist: the sweep claims them all and tells nobody.
        assert (row["full_sweep_claimed"], row["full_sweep_notifications"]) == (row["rows"], 0)
    assert len(logged) == 2 * len(rows)
    assert _snapshot() == before
    assert not SweepRun.objects.exists()
    assert not Notification.objects.exists()


def test_a_source_with_nothing_due_is_not_measured() -> None:
    ReminderMilestone.objects.create(
        source="consent", object_id=1, milestone="later", due_on=TODAY + timedelta(1)
    )
    assert measure_sweeps(rounds=1, log=lambda line: None, today=TODAY) == []
