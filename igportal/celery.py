"""The Celery app: JSON only, late acknowledgement, time limits; the beat schedule is in settings.

The schedule is ``CELERY_BEAT_SCHEDULE`` in ``igportal/settings.py``, read when Celery first needs
it: nothing here reads Django's settings at import, so importing ``igportal`` never forces them (a
settings module that extends ``igportal.settings``, such as ``bench.settings``, can load).

Tasks are acknowledged after they finish and re-queued when a worker dies, so
every task must be idempotent (a second run does nothing); the database, not the
broker, is the record of what has been done.
"""

from __future__ import annotations

import os

from celery import Celery

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
)


@app.on_after_configure.connect
def _inline_without_a_broker(sender: Celery, **kwargs: object) -> None:
    # Without a broker (make run) tasks run inline, yet Celery still takes a producer from its pool
    # for each one, and the default AMQP address makes kombu warn "No hostname was supplied" in the
    # newcomer's console. The in-process memory transport, given a host name, connects to nothing and
    # says nothing.
    if sender.conf.task_always_eager and not sender.conf.broker_url:
        sender.conf.update(broker_url="memory://localhost/")


app.autodiscover_tasks()
app.autodiscover_tasks(["igportal"])
