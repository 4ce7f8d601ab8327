"""Single sign-on: the external identities people sign in with, and how their claims map to our roles.

A person is recognised by the pair (issuer, subject) the identity provider asserts, never by an email
address alone: addresses are reused and reassigned, a subject identifier at one issuer is not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from igportal.roles import Role

ROLE_CHOICES = [(role.value, role.label) for role in Role]


class ExternalIdentity(models.Model):
    """One account at one identity provider, linked to one portal user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    # The claim values seen at the last sign-in (role codes or group ids), to show why roles were given.
    last_claim_values = models.JSONField(default=list, blank=True)

    audit_type = "external_identity"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_issuer_subject"),
        ]
        verbose_name_plural = "external identities"

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class RoleMapping(models.Model):
    """A claim value (a CIS2 RBAC role code, an Entra group object id or app role) that gives a role.

    Kept by a superuser in the admin; applied at each single sign-on, which grants the roles a person's
    claims map to and revokes the mapped roles they no longer carry.
    """

    claim_value = models.CharField(max_length=255)
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    note = models.CharField(max_length=200, blank=True, help_text="What the value is, for the next reader.")
    created_at = models.DateTimeField(auto_now_add=True)

    audit_type = "role_mapping"

    class Meta:
        ordering = ["claim_value", "role"]
        constraints = [
            models.UniqueConstraint(fields=["claim_value", "role"], name="role_mapping_value_role"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_value} → {Role(self.role).label}"
