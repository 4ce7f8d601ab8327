from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from igportal.accounts.mfa import has_authenticator, mfa_required_by_role
from igportal.roles import Role
from tests.factories import UserFactory
from tests.sso.provider import RunningProvider, start_provider

SERVICES_AVAILABLE = os.environ.get("IGPORTAL_SERVICES") == "available"


def pytest_configure(config: pytest.Config) -> None:
    # Workers and servers the tests start write audit checkpoints here, never into the working tree.
    os.environ.setdefault(
        "AUDIT_CHECKPOINT_FILE", f"{tempfile.mkdtemp(prefix='igportal-audit-')}/checkpoints.log"
    )
    _let_the_test_runner_empty_the_audit_table()


def _let_the_test_runner_empty_the_audit_table() -> None:
    """Django empties the tables after each transactional test with one TRUNCATE of them all, which the
    audit table's trigger refuses. The tests run as the table's owner, who may switch that trigger off
    for the flush (the application's role cannot: tests/security/test_audit_insider.py)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    sql_flush = DatabaseOperations.sql_flush

    def flush_with_the_audit_table(
        self: DatabaseOperations, style: Any, tables: Any, **kwargs: Any
    ) -> list[str]:
        statements: list[str] = sql_flush(self, style, tables, **kwargs)
        if statements and "requests_app_auditevent" in tables:
            trigger = "requests_app_auditevent_no_truncate"
            statements = [
                f"ALTER TABLE requests_app_auditevent DISABLE TRIGGER {trigger}",
                *statements,
                f"ALTER TABLE requests_app_auditevent ENABLE TRIGGER {trigger}",
            ]
        return statements

    DatabaseOperations.sql_flush = flush_with_the_audit_table  # type: ignore[method-assign, assignment]


@pytest.fixture(autouse=True)
def _audit_checkpoints_in_a_temporary_file(settings: Any, tmp_path: Any) -> None:
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"


def pytest_itemcollected(item: pytest.Item) -> None:
    """``slow``: what ``make test-fast`` leaves out of the edit-test loop (``make test`` runs it all).

    The browser journeys, the benchmark's seeding and sweeps, the API schema fuzz, and every test that
    needs the real services in a committed transaction (a Celery worker, separate processes, two people
    racing). Modules may also mark themselves ``slow``.
    """
    database = item.get_closest_marker("django_db")
    committed = database is not None and bool(database.kwargs.get("transaction"))
    if "e2e" in item.keywords or ("services" in item.keywords and committed):
        item.add_marker(pytest.mark.slow)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The browser tests go last (a stable sort keeps pytest-django's order otherwise): the quick tests
    # report first, and nothing runs after them while the browser's event loop is up (tests/e2e).
    items.sort(key=lambda item: "e2e" in item.keywords)
    if SERVICES_AVAILABLE:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise pytest.UsageError("CI must run against PostgreSQL and Redis: run the suite with `make test`.")
    skip = pytest.mark.skip(reason="PostgreSQL and Redis not reachable (make test fell back to SQLite)")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """PBKDF2's million rounds cost a quarter of a second per login; no test is about the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with empty caches: the dashboard keeps its charts there for minutes, and the online
    form's rate limit counts there (per process memory under test, unless a test points it at Redis)."""
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


MakeUser = Callable[..., User]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    """The loopback OpenID Connect provider (tests/oidc_provider.py), one process for the whole run."""
    provider = start_provider(Path(tmp_path_factory.mktemp("oidc")) / "provider-ca.pem")
    yield provider
    provider.stop()


@pytest.fixture
def make_user(db: None) -> MakeUser:
    def make(*roles: Role, **fields: object) -> User:
        return UserFactory.create(roles=roles, **fields)

    return make


@pytest.fixture
def requester(make_user: MakeUser) -> User:
    return make_user(Role.REQUESTER, username="riya", first_name="Riya", last_name="Shah")


@pytest.fixture
def other_requester(make_user: MakeUser) -> User:
    return make_user(Role.REQUESTER, username="omar", first_name="Omar", last_name="Nadeem")


@pytest.fixture
def ig_officer(make_user: MakeUser) -> User:
    return make_user(Role.IG_OFFICER, username="owen", first_name="Owen", last_name="Price")


@pytest.fixture
def dpo(make_user: MakeUser) -> User:
    return make_user(Role.DPO, username="dana", first_name="Dana", last_name="Okafor")


@pytest.fixture
def caldicott(make_user: MakeUser) -> User:
    return make_user(Role.CALDICOTT_GUARDIAN, username="clare", first_name="Clare", last_name="Evans")


@pytest.fixture
def siro(make_user: MakeUser) -> User:
    return make_user(Role.SIRO, username="simon", first_name="Simon", last_name="Reid")


@pytest.fixture
def auditor(make_user: MakeUser) -> User:
    return make_user(Role.AUDITOR, username="ada", first_name="Ada", last_name="Lowe")


def verified_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, made if they have none (its key is random and unused)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


ClientFor = Callable[[User], Client]


@pytest.fixture
def client_for(client: Client) -> ClientFor:
    """The test client logged in as ``user``, past MFA when the user must use it (or has enrolled).

    For an MFA role (or staff/superuser, or anyone with an authenticator) it makes sure a
    confirmed TOTP device exists and marks the session verified as django_otp.login does.
    Calling it again logs the same client in as someone else. Use it rather than
    force_login (which stops at the MFA page) or client.login (django-axes needs a request).
    """

    def login(user: User) -> Client:
        needs_mfa = mfa_required_by_role(user) or has_authenticator(user)
        device = verified_device(user) if needs_mfa else None
        client.force_login(user)
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return login


# The data migrations that load the starting rows: the role groups, the data item catalogue and the
# retention schedule.
STARTING_DATA = (
    ("requests_app.migrations.0002_role_groups", "create_role_groups"),
    ("requests_app.migrations.0004_data_item_catalogue", "load_catalogue"),
    ("requests_app.migrations.0027_retention", "seed_schedule"),
)


@pytest.fixture
def starting_data(transactional_db: None) -> None:
    """Put back the rows the migrations load, which the previous transactional test emptied.

    A transactional test ends by emptying every table, so only the first one to run would see the
    catalogue the wizard offers. The loaders are the migrations' own (get_or_create, so harmless
    when the rows are there), which keeps one definition of the starting data. (Django's
    serialized_rollback would do this too, but it collides with the content types that the other
    transactional tests' flushes re-create.)
    """
    for module, loader in STARTING_DATA:
        getattr(importlib.import_module(module), loader)(apps, None)
