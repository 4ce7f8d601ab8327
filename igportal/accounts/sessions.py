"""How long a session lives, and ending a person's sessions.

A session ends after ``SESSION_IDLE_MINUTES`` without a request or ``SESSION_MAX_HOURS``
after login, whichever comes first. The time of the last request is written back to the
session only when it has moved on by a tenth of the idle limit (at most a minute), so most
requests do not save the session; the idle check allows for that lag, so activity always
keeps a session alive for the full idle limit, and an idle one ends at most a tenth later.
Logout and deactivation end every session of the person; a password change ends all but the
one that changed it.
"""

from __future__ import annotations

import time
from typing import Literal

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from requests_app.models import UserSession

AUTHENTICATED_AT = "igportal_authenticated_at"
LAST_SEEN_AT = "igportal_last_seen_at"
# Activity is written back at most this often, so most requests do not save the session.
MAX_ACTIVITY_RESOLUTION_SECONDS = 60.0

ExpiryReason = Literal["idle", "max_age", "unknown_start"]


def now() -> float:
    return time.time()


def activity_resolution_seconds() -> float:
    """How far the stored last-seen time may lag the last request: a tenth of the idle limit, at most 60 s.

    It must be well below the idle limit: with a one-minute limit and a one-minute resolution,
    a session making a request every 20 s was ended as idle.
    """
    return min(MAX_ACTIVITY_RESOLUTION_SECONDS, settings.SESSION_IDLE_MINUTES * 60 / 10)


def session_start(session: SessionBase) -> None:
    moment = now()
    session[AUTHENTICATED_AT] = moment
    session[LAST_SEEN_AT] = moment


def session_expiry_reason(session: SessionBase) -> ExpiryReason | None:
    """Why this logged-in session must end now, or None while it may go on."""
    started = session.get(AUTHENTICATED_AT)
    seen = session.get(LAST_SEEN_AT)
    if not isinstance(started, int | float) or not isinstance(seen, int | float):
        return "unknown_start"
    moment = now()
    if moment - started > settings.SESSION_MAX_HOURS * 3600:
        return "max_age"
    # The stored time lags the last request by less than the resolution; never end a session early.
    if moment - seen > settings.SESSION_IDLE_MINUTES * 60 + activity_resolution_seconds():
        return "idle"
    return None


def session_touch(session: SessionBase) -> None:
    moment = now()
    if moment - session.get(LAST_SEEN_AT, 0) >= activity_resolution_seconds():
        session[LAST_SEEN_AT] = moment


def sessions_end_for_user(*, user_id: int, keep_session_key: str | None = None) -> int:
    """Delete the person's sessions (all but ``keep_session_key``); returns how many ended."""
    sessions = UserSession.objects.filter(user_id=user_id)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    deleted, _ = sessions.delete()
    return deleted
