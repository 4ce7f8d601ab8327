from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from igportal.roles import Role
from tests.factories import UserFactory

SERVICES_AVAILABLE = os.environ.get("IGPORTAL_SERVICES") == "available"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SERVICES_AVAILABLE:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise pytest.UsageError("CI must run against PostgreSQL and Redis: run the suite with `make test`.")
    skip = pytest.mark.skip(reason="PostgreSQL and Redis not reachable (make test fell back to SQLite)")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Production hashing is deliberately slow (about 0.25 s a password); tests make thousands of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


MakeUser = Callable[..., User]


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


@pytest.fixture
def client_for(client: Client) -> Callable[[User], Client]:
    """A test client logged in as the given user."""

    def login(user: User) -> Client:
        client.force_login(user)
        return client

    return login
