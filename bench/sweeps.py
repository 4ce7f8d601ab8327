"""Time the reminder sweeps' claim against raw SQL on an already seeded PostgreSQL database (issue 10).

For every reminder source with due, unclaimed milestones it times, median of ``rounds``:

- the product's claim of all of them as a sweep makes it: ``milestones_claim`` in batches of
  ``CHASER_BATCH_SIZE``, each batch in its own ``atomic()`` (here a savepoint), until a batch comes
  back short;
- the single raw ``WITH due AS (SELECT ... FOR UPDATE SKIP LOCKED LIMIT n) UPDATE ... RETURNING`` that
  claims the same rows: same filter, same order, same locks;

and, once, a whole ``sweep_run`` (plan, claim, re-check, notifications) for context. Every
measurement runs in a transaction that is rolled back, so the data is left as it was and each round
claims the same rows; the emails a sweep would queue are queued on commit, so none are sent. Between
runs, outside a transaction, the milestone table is vacuumed so that rolled-back row versions do not
slow whichever method comes next. The methods take turns going first.

Django must be set up against the seeded database before ``measure_sweeps`` is called.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from requests_app.models import ReminderMilestone
from requests_app.reminders import REMINDER_SOURCES
from requests_app.services.reminders import milestones_claim, sweep_run

T = TypeVar("T")

# The names for the sweeps; a source not named here is reported under its own key.
SWEEP_OF_SOURCE = {
    "isa_reviews": "review",
    "flow_reviews": "review",
    "dpia_reviews": "review",
    "access_requests": "deadline",
    "signoffs": "signoff",
    "consent": "consent",
}


def measure_sweeps(
    *, rounds: int = 5, log: Callable[[str], object] = print, today: date | None = None
) -> list[dict[str, Any]]:
    """One row per reminder source with milestones due by ``today`` (default: the local date) and
    unclaimed: ``sweep``, ``source``, ``rows`` (how many each claim takes), ``product_median_s``,
    ``raw_median_s``, ``ratio`` (product over raw), ``full_sweep_s``, and what that whole sweep
    claimed and notified (``full_sweep_claimed``, ``full_sweep_notifications``)."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The sweep benchmark compares against PostgreSQL's UPDATE ... RETURNING.")
    if rounds < 1:
        raise ValueError("rounds must be at least 1.")
    today = today or timezone.localdate()
    results: list[dict[str, Any]] = []
    for key in REMINDER_SOURCES:
        due = ReminderMilestone.objects.filter(source=key, claimed_at=None, due_on__lte=today)
        expected = list(due.order_by("due_on", "id").values_list("pk", flat=True))
        if not expected:
            continue
        log(f"{key}: {len(expected):,} due and unclaimed, {rounds} round(s)")
        methods: dict[str, Callable[[], list[int]]] = {
            "product": partial(_product_claim, key, today),
            "raw": partial(_raw_claim, key, today, len(expected)),
        }
        timings: dict[str, list[float]] = {name: [] for name in methods}
        for round_number in range(rounds):
            names = list(methods)[round_number % 2 :] + list(methods)[: round_number % 2]
            for name in names:
                seconds, claimed = _rolled_back(methods[name])
                # The product's rows come back oldest first; the raw statement picks them in the same
                # order but returns them in none, so its ids are compared as a set.
                same = claimed == expected if name == "product" else sorted(claimed) == sorted(expected)
                if not same:
                    raise RuntimeError(
                        f"{key}: the {name} claim took {len(claimed):,} rows, not the "
                        f"{len(expected):,} due, oldest first."
                    )
                timings[name].append(seconds)
        full_seconds, outcome = _rolled_back(partial(_full_sweep, key, today))
        product, raw = statistics.median(timings["product"]), statistics.median(timings["raw"])
        row = {
            "sweep": SWEEP_OF_SOURCE.get(key, key),
            "source": key,
            "rows": len(expected),
            "product_median_s": product,
            "raw_median_s": raw,
            "ratio": product / raw,
            "full_sweep_s": full_seconds,
            "full_sweep_claimed": outcome[0],
            "full_sweep_notifications": outcome[1],
        }
        log(
            f"{key}: product {product * 1000:.1f} ms, raw {raw * 1000:.1f} ms, ratio {product / raw:.2f}; "
            f"whole sweep {full_seconds:.2f} s ({outcome[0]:,} claimed, {outcome[1]:,} notifications)"
        )
        results.append(row)
    return results


def _rolled_back(work: Callable[[], T]) -> tuple[float, T]:
    """Time ``work`` inside a transaction that is then rolled back; vacuum afterwards when possible."""
    with transaction.atomic():
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(ReminderMilestone._meta.db_table)}")
    return seconds, result


def _product_claim(source: str, today: date) -> list[int]:
    """Claim as a sweep does: a batch per transaction until one comes back short."""
    now = timezone.now()
    batch_size = settings.CHASER_BATCH_SIZE
    claimed: list[int] = []
    while True:
        with transaction.atomic():
            rows = milestones_claim(source=source, today=today, now=now, batch_size=batch_size)
        claimed += [row.pk for row in rows]
        if len(rows) < batch_size:
            return claimed


def _raw_claim(source: str, today: date, limit: int) -> list[int]:
    """The same claim in one statement, returning as plain tuples the columns the product's claim
    returns (what a sweep reads to notify: id, source, object, milestone, due date, outcome); no models.
    """
    meta = ReminderMilestone._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column = {field.name: quote(field.column) for field in meta.concrete_fields}
    pk, due_on, claimed_at = column[meta.pk.name], column["due_on"], column["claimed_at"]
    returned = ", ".join(
        f"m.{column[name]}" for name in ("id", "source", "object_id", "milestone", "due_on", "outcome")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH due AS (
                SELECT {pk} FROM {table}
                WHERE {column["source"]} = %s AND {claimed_at} IS NULL AND {due_on} <= %s
                ORDER BY {due_on}, {pk} LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            UPDATE {table} AS m SET {claimed_at} = %s, {column["claim_token"]} = %s
            FROM due WHERE m.{pk} = due.{pk} AND m.{claimed_at} IS NULL
            RETURNING {returned}
            """,  # noqa: S608 - names from the model's _meta, quoted; every value is a parameter
            [source, today, limit, timezone.now(), uuid.uuid4()],
        )
        return [row[0] for row in cursor.fetchall()]


def _full_sweep(source: str, today: date) -> tuple[int, int]:
    result = sweep_run(kind=source, today=today, now=timezone.now())
    return result.claimed, result.notifications
