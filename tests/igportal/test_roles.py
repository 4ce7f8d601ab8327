from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from igportal.roles import ROLE_GROUP_NAMES, Role, has_role, role_grant, role_revoke, roles_of
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db


def test_every_role_has_its_group_after_migrating() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_GROUP_NAMES.values())


def test_a_user_can_hold_several_roles(make_user: MakeUser) -> None:
    user = make_user(Role.DPO, Role.CALDICOTT_GUARDIAN)
    assert roles_of(user) == {Role.DPO, Role.CALDICOTT_GUARDIAN}
    assert has_role(user, Role.CALDICOTT_GUARDIAN)
    assert not has_role(user, Role.SIRO, Role.AUDITOR)


def test_granting_and_revoking_a_role_is_seen_at_once(make_user: MakeUser) -> None:
    user = make_user(Role.REQUESTER)
    assert roles_of(user) == {Role.REQUESTER}
    role_grant(user=user, role=Role.IG_OFFICER)
    assert roles_of(user) == {Role.REQUESTER, Role.IG_OFFICER}
    role_revoke(user=user, role=Role.REQUESTER)
    assert roles_of(user) == {Role.IG_OFFICER}


def test_roles_are_read_once_per_request(make_user: MakeUser, django_assert_num_queries) -> None:
    user = make_user(Role.SIRO)
    with django_assert_num_queries(1):  # the user's group names
        assert roles_of(user) == {Role.SIRO}
        assert roles_of(user) == {Role.SIRO}
        assert has_role(user, Role.SIRO)
        assert not has_role(user, Role.DPO)


def test_an_inactive_user_holds_no_role(make_user: MakeUser) -> None:
    user = make_user(Role.DPO, is_active=False)
    assert roles_of(user) == frozenset()
