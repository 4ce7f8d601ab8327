"""The Celery app: JSON only, late acknowledgement, time limits, beat schedule in code.

Tasks are acknowledged after they finish and re-queued when a worker dies, so
every task must be idempotent (a second run does nothing); the database, not the
broker, is the record of what has been done.
"""

from __future__ import annotations

import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "igportal.settings")

app = Celery("igportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    # One task at a time per worker process: with late acks a prefetched batch
    # would be redelivered whole when a worker dies.
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    task_ignore_result=True,
    timezone="Europe/London",
    enable_utc=True,
    beat_schedule={
        "clear-expired-sessions": {
            "task": "igportal.tasks.clear_expired_sessions",
            "schedule": crontab(hour="3", minute="17"),
        },
        # Fans out one sweep per registered reminder source. Any number of beats, runs or retries
        # sends each reminder once: milestones are claimed in the database.
        "chase-reminders": {
            "task": "requests_app.tasks.run_all_sweeps",
            "schedule": (
                timedelta(seconds=settings.CHASER_SWEEP_SECONDS)
                if settings.CHASER_SWEEP_SECONDS
                else crontab(hour="7-19", minute="5")
            ),
        },
        # Queues emails that are due a retry or whose queue message was lost.
        "chase-deliveries": {
            "task": "requests_app.tasks.requeue_deliveries",
            "schedule": timedelta(seconds=settings.CHASER_DELIVERY_SWEEP_SECONDS),
        },
        "expire-agreements": {
            "task": "requests_app.tasks.expire_agreements",
            "schedule": crontab(hour="0", minute="23"),
        },
    },
)
app.autodiscover_tasks()
app.autodiscover_tasks(["igportal"])
