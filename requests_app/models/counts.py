"""How many entries of each register stand in each status, kept by the database as they move.

Triggers on each counted table (migration ``0024``) add one to the new status and take one from the
old on every insert, delete and change of status, whichever code makes it (the workflow engine's
transitions, a service's create, the admin, the benchmark's COPY), in the same transaction. So the
DPO's dashboard reads a handful of rows instead of counting whole tables on every view, and the
figures are always those a recount would give (``tests/requests_app/test_status_counts.py``).
"""

from __future__ import annotations

from django.db import models


class StatusCount(models.Model):
    table_name = models.CharField(max_length=63)
    status = models.CharField(max_length=32)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table_name", "status"], name="statuscount_table_status_unique")
        ]

    def __str__(self) -> str:
        return f"{self.table_name} {self.status}: {self.total}"


class AccessStatisticCount(models.Model):
    """How many access requests (or their exemptions or clarifications) each quarter's statistics count
    under one heading, kept by the database as cases are logged, moved, answered and deleted.

    A row is one figure before it is summed for a page: ``measure`` says what happened in ``quarter``
    (its first day): ``received``, ``answered`` (with the outcome and whether it was in time against
    ``due_on``), ``exemption`` (``code``, relied on in an answer sent then), ``identity`` and ``fee``
    (asked for then) or ``clarification`` (asked then). ``original_kind`` is the kind of the FOI or EIR
    case a review or appeal follows, which the Scottish return splits them by. Statement triggers on the
    three tables (migration ``0038``) add what each insert, update or delete brings and take what it
    removes, in the same transaction, so the statistics page reads one quarter's few rows instead of
    counting the register on every view; ``selectors.access.recount_access_statistics`` is the check.
    """

    measure = models.CharField(max_length=16)
    quarter = models.DateField()
    kind = models.CharField(max_length=16, blank=True)
    original_kind = models.CharField(max_length=16, blank=True)
    outcome = models.CharField(max_length=32, blank=True)
    timing = models.CharField(max_length=8, blank=True)
    code = models.CharField(max_length=24, blank=True)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["quarter", "measure", "kind", "original_kind", "outcome", "timing", "code"],
                name="accessstatisticcount_key_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.measure} {self.kind} {self.outcome}{self.code}: {self.total}"
