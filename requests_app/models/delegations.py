"""Delegated sign-off: an officer's deputy signs their stage for a period (leave, illness).

The deputy signs as themselves; the sign-off records them as the signer and the officer in
``on_behalf_of``. A delegation is in force from ``starts_on`` to ``ends_on`` inclusive and then simply is
not: nothing has to run for it to end. The officer may end it sooner (``ended_at``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from igportal.roles import Role

# The officers who sign a stage in their own name. "iao" joins when the Information Asset Owner role does.
DELEGABLE_ROLE_VALUES = ("dpo", "caldicott_guardian", "siro", "iao")
DELEGABLE_ROLES = tuple(role for role in Role if role.value in DELEGABLE_ROLE_VALUES)
# A delegation is for leave, not a standing arrangement: longer needs the role itself granted.
MAX_DELEGATION_DAYS = 92


class Delegation(models.Model):
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_held"
    )
    role = models.CharField(max_length=32, choices=[(r.value, r.label) for r in DELEGABLE_ROLES])
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    audit_type = "delegation"

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["deputy", "ends_on"], name="delegation_deputy_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_dates_order"
            ),
            models.CheckConstraint(condition=~Q(officer=models.F("deputy")), name="delegation_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} sign-off to {self.deputy_id}, {self.starts_on} to {self.ends_on}"

    def in_force(self, on: datetime.date) -> bool:
        return self.ended_at is None and self.starts_on <= on <= self.ends_on
