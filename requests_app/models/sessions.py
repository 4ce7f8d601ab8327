"""Server-side sessions that know their user, so that every session of a person can be ended.

Django's own session table stores the user id only inside the encoded data, so it
cannot answer "which sessions belong to Clare?" without decoding every row. Logout,
deactivation and password change need exactly that question answered.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = "session"
        verbose_name_plural = "sessions"

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from igportal.accounts.session_store import SessionStore

        return SessionStore
