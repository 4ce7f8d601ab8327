"""Personal API tokens: created and revoked by their owner, stored only as a hash.

A token reads ``igp_<prefix>_<secret>``. The prefix finds the row; the secret (32 random bytes) is
never stored, only its sha256, so a copy of the database lets nobody call the API. A random secret
of that length needs no slow hash: there is nothing to guess.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiTokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=100, help_text="What the token is for, so its owner can tell them apart."
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    scope = models.CharField(max_length=8, choices=ApiTokenScope.choices)
    # A write token of a person whose role needs MFA is only valid if it was made from a verified session.
    created_with_mfa = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    audit_type = "api_token"

    @property
    def audit_label(self) -> str:
        return str(self)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
