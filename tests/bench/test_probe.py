"""The benchmark's hand-written visibility SQL must mean exactly what the product's rule means."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from bench.probe import visibility
from igportal.roles import Role
from requests_app.models import RequestStatus
from requests_app.selectors.sharing import VIEW_PERMISSION, visible_requests
from tests.conftest import MakeUser
from tests.factories import make_request


@pytest.mark.services
def test_the_hand_written_sql_sees_what_the_product_sees(make_user: MakeUser) -> None:
    requester = make_user(Role.REQUESTER)
    someone_else = make_user(Role.REQUESTER)
    caldicott = make_user(Role.CALDICOTT_GUARDIAN)
    ig = make_user(Role.IG_OFFICER)
    own = [make_request(requester=requester, status=status) for status in RequestStatus]
    drafts_of_others = [make_request(requester=someone_else, status=RequestStatus.DRAFT) for _ in range(2)]
    granted_to_group = [
        make_request(requester=someone_else, status=RequestStatus.AWAITING_CALDICOTT) for _ in range(3)
    ]
    granted_to_person = make_request(requester=someone_else, status=RequestStatus.APPROVED)
    unseen = make_request(requester=someone_else, status=RequestStatus.IG_REVIEW)
    group = Group.objects.get(name=Role.CALDICOTT_GUARDIAN.group_name)
    for sharing_request in granted_to_group:
        assign_perm(VIEW_PERMISSION, group, sharing_request)
    assign_perm(VIEW_PERMISSION, caldicott, granted_to_person)
    # A grant of another permission must not count as a grant to view.
    assign_perm("change_sharingrequest", caldicott, unseen)

    rows = {
        row["persona"]: row
        for row in visibility({"caldicott": caldicott, "requester": requester, "ig": ig}, 1)
    }

    assert rows["caldicott"]["visible"] == 4
    assert rows["requester"]["visible"] == len(own)
    submitted = len(own) - 1 + len(granted_to_group) + 2  # everything but the drafts
    assert rows["ig"]["visible"] == submitted == visible_requests(ig).count()
    assert (
        not visible_requests(caldicott).filter(pk__in=[unseen.pk, *(r.pk for r in drafts_of_others)]).exists()
    )
    for row in rows.values():
        assert row["product_s"] > 0 and row["sql_s"] > 0
        assert row["ratio"] == row["product_s"] / row["sql_s"]
