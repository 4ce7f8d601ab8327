"""The session engine (``SESSION_ENGINE = "igportal.accounts.session_store"``).

Django's database sessions, stored in ``UserSession`` with the user id in a column of
its own so that ``sessions_end_for_user`` can delete a person's sessions in one query.

Loading a session also loads, in the same statement, what every signed-in request needs next
(issue 24): the person's user row, the names of their groups (their roles) and their newest
confirmed authenticator. ``igportal.accounts.principal`` hands them to the authentication and
MFA middleware instead of three more queries. No row is cached beyond the request: each request
reads the rows as they are, so a deactivation, a role change or a logout counts from the next
request on, on whichever server answers it. (What a process keeps is the check of a session text's
signature, by its exact bytes and key, and the statement's text.)

The statement is a server-side prepared statement on each database connection (psycopg prepares
it on first use and keeps it while the connection lives): PostgreSQL plans it once per connection
instead of on every request, and its planning (0.9 ms against 0.15 ms to execute, measured on the
bench database) was most of what a signed-in request cost beyond an anonymous one. Django's own
queries stay client-side bound, as Django leaves them for connection poolers; behind a pooler in
transaction mode older than PgBouncer 1.21 (which tracks prepared statements) set
``DB_PREPARED_SESSION_QUERY=false``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.contrib.sessions.serializers import JSONSerializer
from django.db import connections, router
from django.db.backends.postgresql.base import CursorDebugWrapper as PostgresCursorDebugWrapper
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

# psycopg prepares nothing while a connection's threshold is None, as Django leaves it for poolers;
# this high one prepares only what is asked for explicitly (Django's client-side cursors never are).
_EXPLICIT_ONLY = 2**30


class _PreparedCursor(psycopg.Cursor[Any]):
    """A server-side binding cursor whose statements are prepared (psycopg keeps them per connection)."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: Any = None
    ) -> Any:
        if self.connection.prepare_threshold is None:
            self.connection.prepare_threshold = _EXPLICIT_ONLY
        return super().execute(query, params, prepare=True, binary=binary)


class _PreparedDebugCursor(PostgresCursorDebugWrapper):
    """Django's debug wrapper, logging the statement as composed: psycopg keeps no text of a prepared one
    for ``last_executed_query`` to read, and the query log (and every test that reads it) wants it."""

    def debug_sql(
        self, sql: Any = None, params: Any = None, use_last_executed_query: bool = False, many: bool = False
    ) -> Any:
        if use_last_executed_query and sql is not None:
            sql = self.db.ops.compose_sql(sql, params)
        return super().debug_sql(sql, params, use_last_executed_query=False, many=many)


@dataclass(frozen=True)
class Principal:
    """The signed-in person as the session's own query found them."""

    user: User
    group_names: frozenset[str]
    device: TOTPDevice | None


def _columns(model: type[Any], alias: str) -> tuple[list[str], str]:
    fields = [field.attname for field in model._meta.concrete_fields]
    columns = ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)
    return fields, columns


@dataclass(frozen=True)
class _SessionQuery:
    sql: str
    session_fields: list[str]
    user_fields: list[str]
    device_fields: list[str]


@functools.cache
def _session_query(model: type[AbstractBaseSession]) -> _SessionQuery:
    """The statement and the columns it returns, composed once per process rather than per request."""
    session_fields, session_columns = _columns(model, "s")
    user_fields, user_columns = _columns(User, "u")
    device_fields, device_columns = _columns(TOTPDevice, "d")
    groups = User.groups.through._meta.db_table
    # Newest confirmed authenticator first, as ``confirmed_totp_device`` picks it.
    sql = f"""
        SELECT {session_columns}, {user_columns},
               ARRAY(SELECT g.name FROM "{groups}" ug JOIN auth_group g ON g.id = ug.group_id
                     WHERE ug.user_id = u.id),
               {device_columns}
        FROM "{model._meta.db_table}" s
        LEFT JOIN "{User._meta.db_table}" u ON u.id = s.user_id
        LEFT JOIN LATERAL (
            SELECT * FROM "{TOTPDevice._meta.db_table}" t
            WHERE t.user_id = u.id AND t.confirmed ORDER BY t.id DESC LIMIT 1
        ) d ON true
        WHERE s.session_key = %s AND s.expire_date > %s
    """  # noqa: S608 - only table and column names from the models are formatted in
    return _SessionQuery(sql, session_fields, user_fields, device_fields)


# What a session's stored text decoded to, by that text and the keys that may have signed it. A person's
# requests read the same text until their session changes, and checking its signature again (an HMAC
# and a decompression, 60 us) was the largest part, after the query, of what a signed-in request cost
# beyond an anonymous one. Only text that verified is kept, so a hit is the answer ``decode`` gave for
# exactly these bytes; it never spares the query, so a session ended or changed is seen as before.
_DECODED: dict[tuple[Any, ...], str] = {}
_DECODED_LIMIT = 4096
_DECODED_TEXT_LIMIT = 8192


class SessionStore(DatabaseSessionStore):
    principal: Principal | None = None

    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        if self.serializer is not JSONSerializer:
            return super().decode(session_data)
        cache_key = (settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS), session_data)
        text = _DECODED.get(cache_key)
        if text is not None:
            decoded: dict[str, Any] = json.loads(text)  # a fresh dict: the request may change it
            return decoded
        decoded = super().decode(session_data)
        if not decoded:
            return decoded
        kept = json.dumps(decoded)
        # A session is a few hundred bytes (a single sign-on one holds an ID token, about 2 KB): one whose
        # decoded text (the stored one is compressed) is far larger is not kept, and neither is a stored
        # text that long, so the process's memory stays bounded at the limit times twice this size.
        if len(kept) <= _DECODED_TEXT_LIMIT and len(session_data) <= _DECODED_TEXT_LIMIT:
            if len(_DECODED) >= _DECODED_LIMIT:
                _DECODED.clear()
            _DECODED[cache_key] = kept
        return decoded

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

    def _get_session_from_db(self) -> AbstractBaseSession | None:
        """The session row, with its person, their group names and their authenticator: one query."""
        self.principal = None
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        if connection.vendor != "postgresql":
            return super()._get_session_from_db()  # type: ignore[misc]
        query = _session_query(model)
        key = self.session_key  # None when the cookie's value was not a valid key
        if key is None:
            return None
        if getattr(settings, "PREPARED_SESSION_QUERY", False):
            connection.ensure_connection()
            # Django's cursor wrapper round it, so the query is logged, counted and wrapped like any other.
            prepared = _PreparedCursor(connection.connection)
            wrapped = (
                _PreparedDebugCursor(prepared, connection)
                if connection.queries_logged
                else connection.make_cursor(prepared)  # type: ignore[arg-type]
            )
        else:
            wrapped = connection.cursor()
        with wrapped as cursor:
            cursor.execute(query.sql, [key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        values = list(row)
        session_values = values[: len(query.session_fields)]
        values = values[len(query.session_fields) :]
        user_values = values[: len(query.user_fields)]
        group_names, *device_values = values[len(query.user_fields) :]
        session = model.from_db(using, query.session_fields, session_values)
        if user_values[0] is not None:
            device = (
                TOTPDevice.from_db(using, query.device_fields, device_values)
                if device_values[0] is not None
                else None
            )
            self.principal = Principal(
                user=User.from_db(using, query.user_fields, user_values),
                group_names=frozenset(group_names or ()),
                device=device,
            )
        return session
