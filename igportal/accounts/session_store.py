"""The session engine (``SESSION_ENGINE = "igportal.accounts.session_store"``).

Django's database sessions, stored in ``UserSession`` with the user id in a column of
its own so that ``sessions_end_for_user`` can delete a person's sessions in one query.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[AbstractBaseSession]:
        from requests_app.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        instance = super().create_model_instance(data)
        try:
            user_id: int | None = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            user_id = None
        instance.user_id = user_id  # type: ignore[attr-defined]
        return instance
