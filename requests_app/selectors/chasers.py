"""The chasers' health for operators: each sweep's last completed run, the broker, the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.db.models import Count

from requests_app.models import DeliveryStatus, Notification, SweepRun
from requests_app.reminders import REMINDER_SOURCES
from requests_app.services.reminders import sweep_kinds

# kombu's Redis transport keeps one list per priority step: "celery", then "celery\x06\x163" and so on.
_PRIORITY_STEPS = (0, 3, 6, 9)
_PRIORITY_SEPARATOR = "\x06\x16"


@dataclass(frozen=True)
class SweepHealth:
    kind: str
    label: str
    last_finished_at: datetime | None
    age: timedelta | None
    claimed: int
    notifications: int
    more_due: bool
    last_error: str


@dataclass(frozen=True)
class BrokerHealth:
    configured: bool
    reachable: bool
    queued: int | None
    unacknowledged: int | None
    error: str = ""


@dataclass(frozen=True)
class ChaserHealth:
    sweeps: list[SweepHealth]
    broker: BrokerHealth
    deliveries: dict[str, int]

    @property
    def delivery_rows(self) -> list[tuple[str, int]]:
        """The email counts with their statuses' labels, for people to read."""
        return [(DeliveryStatus(status).label, count) for status, count in self.deliveries.items()]

    @property
    def ok(self) -> bool:
        return (not self.broker.configured or self.broker.reachable) and all(
            sweep.last_finished_at is not None and not sweep.last_error for sweep in self.sweeps
        )


def sweep_health(*, now: datetime) -> list[SweepHealth]:
    """Per kind: the last completed run, and the error of a later failed run if there is one."""
    report = []
    for kind in sweep_kinds():
        runs = SweepRun.objects.filter(kind=kind)
        finished = runs.filter(finished_at__isnull=False).order_by("-finished_at").first()
        failed = runs.exclude(error="")
        if finished is not None:
            failed = failed.filter(started_at__gt=finished.started_at)
        failure = failed.order_by("-started_at").first()
        report.append(
            SweepHealth(
                kind=kind,
                label=REMINDER_SOURCES[kind].label if kind in REMINDER_SOURCES else "Email deliveries",
                last_finished_at=finished.finished_at if finished else None,
                age=now - finished.finished_at if finished and finished.finished_at else None,
                claimed=finished.claimed if finished else 0,
                notifications=finished.notifications if finished else 0,
                more_due=finished.more_due if finished else False,
                last_error=failure.error if failure else "",
            )
        )
    return report


def broker_health(*, queue: str = "celery") -> BrokerHealth:
    url = settings.CELERY_BROKER_URL
    if not url:
        return BrokerHealth(configured=False, reachable=False, queued=None, unacknowledged=None)
    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
        names = [queue if step == 0 else f"{queue}{_PRIORITY_SEPARATOR}{step}" for step in _PRIORITY_STEPS]
        queued = sum(int(client.llen(name)) for name in names)
        unacknowledged = int(client.hlen("unacked"))
    except (redis.RedisError, OSError, ValueError) as exc:
        return BrokerHealth(True, False, None, None, error=f"{type(exc).__name__}: {exc}")
    return BrokerHealth(True, True, queued, unacknowledged)


def delivery_counts() -> dict[str, int]:
    """Notifications by delivery status, so failed and waiting emails show up."""
    rows = Notification.objects.values_list("status").annotate(n=Count("id")).order_by()
    counts = {status: 0 for status in DeliveryStatus.values}
    counts.update(dict(rows))
    return counts


def chaser_health(*, now: datetime) -> ChaserHealth:
    return ChaserHealth(sweeps=sweep_health(now=now), broker=broker_health(), deliveries=delivery_counts())
