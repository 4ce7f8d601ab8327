"""Reminder milestones and sweep runs: the database, not the broker, records what has been chased.

A milestone is one reminder an object is owed ("5 working days before SAR-2026-00012 is due on
2 Mar"). Sweeps insert the milestones that have fallen due (a unique constraint makes a second
row for the same object and milestone impossible) and then claim them with a conditional update,
so that of any number of sweeps running at once exactly one sends each reminder.
"""

from __future__ import annotations

from django.db import models


class ReminderMilestone(models.Model):
    """One reminder owed by one object, identified by its source, the object's id and a stable key."""

    class Outcome(models.TextChoices):
        NOTIFIED = "notified", "Notifications created"
        SUPERSEDED = "superseded", "No longer due when claimed"
        NO_RECIPIENTS = "no_recipients", "Nobody to tell"

    # The key of the reminder source in ``requests_app.reminders.REMINDER_SOURCES``.
    source = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    # Stable per object: it names the date it counts from, so a moved deadline owes new reminders.
    milestone = models.CharField(max_length=80)
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set with ``claimed_at`` by the one conditional update that claims a batch, to read the batch back.
    claim_token = models.UUIDField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "object_id", "milestone"], name="reminder_milestone_once_per_object"
            ),
        ]
        indexes = [
            # The claim reads only unclaimed rows: the index stays small however long the history grows.
            models.Index(
                fields=["source", "due_on", "id"],
                condition=models.Q(claimed_at__isnull=True),
                name="reminder_milestone_unclaimed",
            ),
            models.Index(fields=["claim_token"], name="reminder_milestone_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.object_id}: {self.milestone}"


class SweepRun(models.Model):
    """One run of one periodic sweep, for the operators' health report."""

    kind = models.CharField(max_length=40)
    today = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    planned = models.PositiveIntegerField(default=0)
    claimed = models.PositiveIntegerField(default=0)
    notifications = models.PositiveIntegerField(default=0)
    # Claims left for the next run because this one reached its batch limit.
    more_due = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "-finished_at"], name="sweep_run_kind_finished")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.started_at:%Y-%m-%d %H:%M}"
