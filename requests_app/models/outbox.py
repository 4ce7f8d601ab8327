"""The transactional outbox: work a state change brings with it, written in the change's transaction.

A service that changes state and wants a task run afterwards writes an ``OutboxMessage`` in the same
transaction, so the change and its work commit together or not at all. The relay
(``requests_app.services.outbox``) hands committed messages to Celery and deletes them; while the
broker is down they wait here, and the request that made the change has already succeeded.
"""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """One task call waiting to be handed to the broker."""

    # A registered Celery task name and its JSON arguments (ids: every task reloads what it needs).
    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    # The task and its arguments: identical work waiting twice is queued once (every task is idempotent).
    key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField()
    # Not handed over before this; pushed on when the task name is unknown, so it blocks no other.
    available_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["available_at", "id"]
        indexes = [models.Index(fields=["available_at", "id"], name="outbox_message_due")]

    def __str__(self) -> str:
        return self.key
