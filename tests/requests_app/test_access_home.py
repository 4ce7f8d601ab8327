"""What the access request register adds to every page: the navigation link and the home page tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from igportal.roles import Role
from requests_app.deadlines import add_working_days
from requests_app.models import AccessRequest, AccessRequestStatus
from tests.conftest import ClientFor, MakeUser
from tests.factories import AccessRequestFactory

pytestmark = pytest.mark.django_db

S = AccessRequestStatus


def _detail(case: AccessRequest) -> str:
    return reverse("access_request_detail", args=[case.pk])


@pytest.mark.parametrize(
    ("roles", "shown"),
    [
        ((Role.IG_OFFICER,), True),
        ((Role.DPO,), True),
        ((Role.AUDITOR,), True),
        ((Role.REQUESTER,), False),
        ((Role.CALDICOTT_GUARDIAN, Role.SIRO), False),
    ],
)
def test_the_navigation_links_to_the_register_for_those_who_may_read_it(
    client_for: ClientFor, make_user: MakeUser, roles: tuple[Role, ...], shown: bool
) -> None:
    content = client_for(make_user(*roles)).get(reverse("home")).content.decode()
    assert (f'href="{reverse("access_request_list")}">Access requests</a>' in content) is shown


# --- the home page ----------------------------------------------------------------------------------------


def _due_cases() -> tuple[AccessRequest, AccessRequest, AccessRequest, AccessRequest]:
    today = timezone.localdate()
    overdue = AccessRequestFactory.create(kind="foi", status=S.IN_PROGRESS, due_on=today - timedelta(days=2))
    soon = AccessRequestFactory.create(
        kind="foi", status=S.IN_PROGRESS, due_on=add_working_days(today, 4, kind="foi", nation="england")
    )
    later = AccessRequestFactory.create(
        kind="foi", status=S.IN_PROGRESS, due_on=add_working_days(today, 8, kind="foi", nation="england")
    )
    stopped = AccessRequestFactory.create(kind="sar", status=S.AWAITING_CLARIFICATION, due_on=None)
    return overdue, soon, later, stopped


@pytest.mark.parametrize("roles", [(Role.IG_OFFICER,), (Role.DPO,), (Role.IG_OFFICER, Role.DPO)])
def test_the_home_page_lists_overdue_and_soon_due_cases_once(
    client_for: ClientFor, make_user: MakeUser, roles: tuple[Role, ...]
) -> None:
    overdue, soon, later, stopped = _due_cases()
    content = client_for(make_user(*roles)).get(reverse("home")).content.decode()
    assert f'<a href="{_detail(overdue)}">{overdue.reference} is overdue' in content
    assert f'<a href="{_detail(soon)}">{soon.reference} is due' in content
    assert content.count(overdue.reference) == 1
    assert later.reference not in content and stopped.reference not in content
    assert overdue.requester_name not in content


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.REQUESTER, Role.CALDICOTT_GUARDIAN])
def test_the_home_page_gives_case_tasks_only_to_handlers(
    client_for: ClientFor, make_user: MakeUser, role: Role
) -> None:
    overdue, *_ = _due_cases()
    content = client_for(make_user(role)).get(reverse("home")).content.decode()
    assert overdue.reference not in content


def test_a_long_overdue_list_ends_with_a_link_to_the_register(
    client_for: ClientFor, ig_officer: User
) -> None:
    today = timezone.localdate()
    AccessRequestFactory.create_batch(11, kind="foi", status=S.IN_PROGRESS, due_on=today - timedelta(days=1))
    content = client_for(ig_officer).get(reverse("home")).content.decode()
    assert content.count(" is overdue: it was due ") == 10
    link = f'<a href="{reverse("access_request_list")}?overdue=on">See every overdue access request</a>'
    assert link in content
