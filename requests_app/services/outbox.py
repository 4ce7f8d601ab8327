"""The transactional outbox: queue a task in the transaction that makes the change it follows.

``outbox_enqueue`` writes an ``OutboxMessage`` in the caller's transaction and, once that commits,
tries at once to hand it to the broker. ``outbox_relay`` (beat runs it every
``OUTBOX_RELAY_SECONDS``) hands over whatever is still waiting. So a broker outage delays the work and
never fails the request whose change committed; the work is never lost with the broker either.

Two relays at once never hand over the same message: each locks the rows it takes with
``SELECT ... FOR UPDATE SKIP LOCKED`` (a second relay skips them) and deletes them in the same
transaction once the broker has them. A relay that dies between the broker accepting a message and
its commit leaves the row to be handed over again; every task is idempotent, so that costs a no-op
run, never a second email or document.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from igportal.celery import app
from requests_app.models import OutboxMessage

logger = logging.getLogger("requests_app.outbox")

# One reconnect, at once: enough for a pooled connection the broker dropped on a restart, and a broker
# that is down costs the request two refused connections, not Celery's default retries.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
# A message naming a task this code no longer has waits this long before it is tried again.
UNKNOWN_TASK_DELAY = timedelta(hours=1)


def outbox_enqueue(task: Task, *args: int | str) -> None:
    """Queue ``task(*args)`` with the current transaction; it reaches the broker only if that commits.

    Identical work already waiting is not queued twice.
    """
    now = timezone.now()
    key = f"{task.name}{json.dumps(list(args), separators=(',', ':'))}"
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=task.name, args=list(args), key=key, created_at=now, available_at=now)],
        ignore_conflicts=True,
    )
    transaction.on_commit(lambda: outbox_relay(now=timezone.now(), keys=[key]))


@dataclass(frozen=True)
class RelayResult:
    handed_over: int
    waiting: int
    error: str = ""


def outbox_relay(
    *, now: datetime, keys: list[str] | None = None, batch_size: int | None = None
) -> RelayResult:
    """Hand due messages (or only those with ``keys``) to the broker, oldest first, in one bounded batch.

    Stops at the first broker error: the rest wait for the next run, and the error is recorded on the
    message that met it. Never raises for the broker, so a request's commit hook cannot fail on it.
    """
    limit = batch_size or settings.OUTBOX_BATCH_SIZE
    handed_over: list[int] = []
    run_inline: list[tuple[Task, list[Any]]] = []
    error = ""
    with transaction.atomic():
        due = OutboxMessage.objects.filter(available_at__lte=now)
        if keys is not None:
            due = due.filter(key__in=keys)
        # Never a subquery: the LIMIT of a plain locking SELECT bounds the batch (see milestones_claim).
        rows = list(due.order_by("available_at", "id").select_for_update(skip_locked=True)[:limit])
        for row in rows:
            task = app.tasks.get(row.task)
            if task is None:
                logger.error("The outbox holds a task this code does not have: %s", row.task)
                OutboxMessage.objects.filter(pk=row.pk).update(
                    attempts=row.attempts + 1,
                    available_at=now + UNKNOWN_TASK_DELAY,
                    last_error=f"No task called {row.task}.",
                )
                continue
            if app.conf.task_always_eager:
                # No broker (``make run``, most tests): the task runs here, after this transaction, as
                # delay_on_commit would run it, so that no render holds SQLite's write lock meanwhile.
                run_inline.append((task, row.args))
                handed_over.append(row.pk)
                continue
            try:
                task.apply_async(args=row.args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
            except (OperationalError, OSError) as exc:
                error = f"{type(exc).__name__}: {exc}"[:2000]
                logger.warning("The broker did not take queued work; it waits in the outbox: %s", error)
                OutboxMessage.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=error)
                break
            handed_over.append(row.pk)
        OutboxMessage.objects.filter(pk__in=handed_over).delete()
    for task, args in run_inline:
        task.apply_async(args=tuple(args))
    waiting = OutboxMessage.objects.count() if keys is None else 0
    return RelayResult(handed_over=len(handed_over), waiting=waiting, error=error)
