"""Sweeps: insert the reminder milestones that have fallen due, claim them in bounded batches, notify.

Exactly once, however many sweeps run: a milestone row is unique per (source, object, milestone),
and a claim is one conditional ``UPDATE`` of unclaimed rows, so two sweeps can never both claim one.
Claiming, re-checking that the reminder is still owed and making the notifications is one
transaction: a crash loses nothing (the claim rolls back with it), and the emails are queued only
once it has committed. On PostgreSQL the claim is one ``UPDATE ... RETURNING`` statement; on SQLite
(development) the same claim goes through the ORM. Its cost is measured in ``bench/``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from requests_app import tasks
from requests_app.models import DeliveryStatus, Notification, ReminderMilestone, RequestHistory, SweepRun
from requests_app.reminders import REMINDER_SOURCES, Milestone, Policy, ReminderSource
from requests_app.services.notifications import notifications_create, notifications_requeue
from requests_app.services.outbox import outbox_enqueue

DELIVERIES = "deliveries"
Outcome = ReminderMilestone.Outcome


@dataclass
class SweepResult:
    kind: str
    planned: int = 0
    claimed: int = 0
    notifications: int = 0
    more_due: bool = False
    notification_ids: list[int] = field(default_factory=list)


def sweep_kinds() -> list[str]:
    """Every sweep the health report expects to see run: one per reminder source, and deliveries."""
    return [*REMINDER_SOURCES, DELIVERIES]


def _owed(source: ReminderSource, *, today: date, policy: Policy) -> Iterator[tuple[Any, Milestone]]:
    for obj in source.candidates(today=today, policy=policy).iterator(chunk_size=500):
        for milestone in source.due(obj, today=today, policy=policy):
            yield obj, milestone


def _plan(source: ReminderSource, *, today: date, policy: Policy) -> int:
    """Insert a row for every milestone owed today; rows that exist already are left as they are."""
    planned = 0
    rows: list[ReminderMilestone] = []
    for obj, milestone in _owed(source, today=today, policy=policy):
        rows.append(
            ReminderMilestone(
                source=source.key, object_id=obj.pk, milestone=milestone.key, due_on=milestone.due_on
            )
        )
        if len(rows) >= 500:
            planned += len(ReminderMilestone.objects.bulk_create(rows, ignore_conflicts=True))
            rows = []
    planned += len(ReminderMilestone.objects.bulk_create(rows, ignore_conflicts=True))
    return planned


def milestones_claim(*, source: str, today: date, now: datetime, batch_size: int) -> list[ReminderMilestone]:
    """Claim up to ``batch_size`` unclaimed milestones due by ``today``, oldest first, all carrying one
    new ``claim_token``: call it inside ``transaction.atomic()`` with the notifications it leads to, so
    that a crash rolls the claim back with them.

    The claim is a conditional update of rows whose ``claimed_at`` is still empty, which no second
    claim can pass; the rows are picked (and locked, so a concurrent sweep skips them) before they are
    updated. Never one ``UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)``:
    PostgreSQL may re-run such a subquery for each outer row, and with SKIP LOCKED each re-run finds
    new rows, so the LIMIT would not bound the claim. On PostgreSQL the rows are picked in a CTE,
    which is evaluated once, and the whole claim is one statement (bench/claim_bench.py times it
    against the bare SQL); other databases (SQLite in development) take the portable path through
    the ORM: the locked ids, the conditional update, the rows read back by token.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise TransactionManagementError("milestones_claim must run inside transaction.atomic().")
    token = uuid.uuid4()
    if connection.vendor == "postgresql":
        rows = list(
            ReminderMilestone.objects.raw(
                _claim_sql(connection.ops.quote_name), [source, today, batch_size, now, token]
            )
        )
        for row in rows:
            row.claimed_at, row.claim_token = now, token
        return rows
    ids = list(
        ReminderMilestone.objects.filter(source=source, claimed_at=None, due_on__lte=today)
        .order_by("due_on", "id")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:batch_size]
    )
    if not ids:
        return []
    claimed = ReminderMilestone.objects.filter(pk__in=ids, claimed_at=None).update(
        claimed_at=now, claim_token=token
    )
    if not claimed:
        return []
    return list(ReminderMilestone.objects.filter(claim_token=token).order_by("due_on", "id"))


# Not read back by the claim: it wrote ``claimed_at`` and ``claim_token`` itself, and the sweep never
# needs ``created_at``. Turning timestamps and UUIDs into Python objects was most of the statement's
# cost (bench/claim_bench.py); ``created_at`` stays deferred and loads if read.
_CLAIM_NOT_RETURNED = {"created_at", "claimed_at", "claim_token"}


def _claim_sql(quote: Callable[[str], str]) -> str:
    """PostgreSQL's one-statement claim; parameters: source, today, batch size, now, token.

    Names come from the model, so a renamed field cannot leave the SQL behind. ``RETURNING`` promises
    no order, hence the outer ``SELECT ... ORDER BY``; ``raw()`` maps its columns to fields by name.
    """
    meta = ReminderMilestone._meta
    table = quote(meta.db_table)
    column = {field.name: quote(field.column) for field in meta.concrete_fields}
    pk, source, due_on = column[meta.pk.name], column["source"], column["due_on"]
    claimed_at, claim_token = column["claimed_at"], column["claim_token"]
    returned = ", ".join(f"m.{quoted}" for name, quoted in column.items() if name not in _CLAIM_NOT_RETURNED)
    return f"""
        WITH due AS (
            SELECT {pk} FROM {table}
            WHERE {source} = %s AND {claimed_at} IS NULL AND {due_on} <= %s
            ORDER BY {due_on}, {pk} LIMIT %s
            FOR UPDATE SKIP LOCKED
        ), claimed AS (
            UPDATE {table} AS m SET {claimed_at} = %s, {claim_token} = %s
            FROM due WHERE m.{pk} = due.{pk} AND m.{claimed_at} IS NULL
            RETURNING {returned}
        )
        SELECT * FROM claimed ORDER BY {due_on}, {pk}
    """  # noqa: S608 - names from the model's _meta, quoted; every value is a parameter


def _notify(
    source: ReminderSource, rows: list[ReminderMilestone], *, today: date, now: datetime, policy: Policy
) -> list[Notification]:
    """Re-check each claimed milestone against its object as it is now, then make its notifications."""
    objects = source.load({row.object_id for row in rows}, today=today, policy=policy)
    outcomes: dict[str, list[int]] = {}
    notifications: list[Notification] = []
    for row in rows:
        obj = objects.get(row.object_id)
        owed = {m.key: m for m in source.due(obj, today=today, policy=policy)} if obj is not None else {}
        milestone = owed.get(row.milestone)
        if milestone is None:
            # Answered, closed, re-dated or moved on since it was planned: nobody needs telling.
            outcomes.setdefault(Outcome.SUPERSEDED, []).append(row.pk)
            continue
        source.act(obj, milestone, today=today)
        told: set[int] = set()
        for message in source.messages(obj, milestone, today=today, policy=policy):
            recipients: list[User] = [person for person in message.recipients if person.pk not in told]
            told.update(person.pk for person in recipients)
            made = notifications_create(
                recipients=recipients,
                subject=message.subject,
                body=message.body,
                link=message.link,
                now=now,
                milestone=row,
            )
            notifications.extend(made)
        outcomes.setdefault(Outcome.NOTIFIED if told else Outcome.NO_RECIPIENTS, []).append(row.pk)
    for outcome, pks in outcomes.items():
        ReminderMilestone.objects.filter(pk__in=pks).update(outcome=outcome)
    return notifications


def _claim_and_notify(
    source: ReminderSource, *, today: date, now: datetime, policy: Policy, batch_size: int
) -> tuple[int, list[Notification]]:
    with transaction.atomic():
        rows = milestones_claim(source=source.key, today=today, now=now, batch_size=batch_size)
        made = _notify(source, rows, today=today, now=now, policy=policy) if rows else []
        for notification in made:
            if notification.status == DeliveryStatus.PENDING:
                outbox_enqueue(tasks.send_notification, notification.pk)
    return len(rows), made


def sweep_run(*, kind: str, today: date, now: datetime) -> SweepResult:
    """Run one reminder source's sweep: plan, then claim in batches until none are left or the run's
    batch limit is reached (the next run takes the rest). Recorded in ``SweepRun``."""
    if kind == DELIVERIES:
        return deliveries_sweep(now=now)
    source = REMINDER_SOURCES[kind]
    run = SweepRun.objects.create(kind=kind, today=today, started_at=now)
    result = SweepResult(kind=kind)
    try:
        policy = Policy.load()
        result.planned = _plan(source, today=today, policy=policy)
        batch_size = settings.CHASER_BATCH_SIZE
        for _ in range(settings.CHASER_MAX_BATCHES):
            claimed, made = _claim_and_notify(
                source, today=today, now=now, policy=policy, batch_size=batch_size
            )
            result.claimed += claimed
            result.notifications += len(made)
            result.notification_ids += [notification.pk for notification in made]
            if claimed < batch_size:
                break
        else:
            result.more_due = ReminderMilestone.objects.filter(
                source=kind, claimed_at=None, due_on__lte=today
            ).exists()
    except Exception as exc:
        SweepRun.objects.filter(pk=run.pk).update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    _finish(run, result)
    return result


def _finish(run: SweepRun, result: SweepResult) -> None:
    SweepRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        planned=result.planned,
        claimed=result.claimed,
        notifications=result.notifications,
        more_due=result.more_due,
    )


def deliveries_sweep(*, now: datetime) -> SweepResult:
    """Queue owed emails again (retries, lost messages, dead senders) and announce workflow events
    whose task was lost; bounded by the batch size."""
    run = SweepRun.objects.create(kind=DELIVERIES, today=timezone.localdate(now), started_at=now)
    result = SweepResult(kind=DELIVERIES)
    try:
        result.notification_ids = notifications_requeue(now=now, batch_size=settings.CHASER_BATCH_SIZE)
        result.claimed = len(result.notification_ids) + _announce_lost_events(now=now)
    except Exception as exc:
        SweepRun.objects.filter(pk=run.pk).update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    _finish(run, result)
    return result


def _announce_lost_events(*, now: datetime) -> int:
    """Workflow events never announced (their task was lost) are queued again; after two days they
    would be news nobody can act on, so older ones are left alone."""
    grace = now - timedelta(seconds=settings.CHASER_REQUEUE_AFTER_SECONDS)
    unannounced = list(
        RequestHistory.objects.filter(
            notified_at=None, occurred_at__lt=grace, occurred_at__gte=now - timedelta(days=2)
        )
        .order_by("occurred_at")
        .values_list("pk", flat=True)[: settings.CHASER_BATCH_SIZE]
    )
    for pk in unannounced:
        tasks.notify_request_history.delay(pk)
    return len(unannounced)


@dataclass(frozen=True)
class PreviewLine:
    object_label: str
    milestone: str
    recipients: tuple[str, ...]
    subject: str


def sweep_preview(*, kind: str, today: date) -> list[PreviewLine]:
    """What a sweep would send today, writing nothing: owed milestones not yet claimed."""
    source = REMINDER_SOURCES[kind]
    policy = Policy.load()
    owed = list(_owed(source, today=today, policy=policy))
    claimed = set(
        ReminderMilestone.objects.filter(
            source=kind, object_id__in={obj.pk for obj, _ in owed}, claimed_at__isnull=False
        ).values_list("object_id", "milestone")
    )
    return [
        PreviewLine(
            str(obj),
            milestone.key,
            tuple(person.email or person.get_username() for person in message.recipients),
            message.subject,
        )
        for obj, milestone in owed
        if (obj.pk, milestone.key) not in claimed
        for message in source.messages(obj, milestone, today=today, policy=policy)
    ]
