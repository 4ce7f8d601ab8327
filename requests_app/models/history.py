"""The shape every register's state history shares.

Each register that has a lifecycle (ISAs, data flows, DPIAs, incidents) keeps its own history table
with a real foreign key to its entries, built on this abstract base: integrity and ``PROTECT`` come from
the database, queries are plain joins, and ``RequestHistory`` (which decision records point at) is left
as it is. Rows are written only by ``requests_app.services.workflow``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from igportal.people import display_name

SYSTEM_ACTOR_NAME = "IG Portal (scheduled task)"


class StateHistory(models.Model):
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=32)
    to_status = models.CharField(max_length=32)
    # None only when a scheduled task acted (an ISA expiring after its end date).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)
    occurred_at = models.DateTimeField(auto_now_add=True)

    # The TextChoices of the statuses this history records, set by each subclass.
    status_choices: type[models.TextChoices]

    class Meta:
        abstract = True

    @property
    def actor_name(self) -> str:
        if self.actor is None:
            return SYSTEM_ACTOR_NAME
        return display_name(self.actor)

    @property
    def to_status_label(self) -> str:
        return str(dict(self.status_choices.choices).get(self.to_status, self.to_status))

    @property
    def action_label(self) -> str:
        return self.action.replace("_", " ").capitalize()
