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
