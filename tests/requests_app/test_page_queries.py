"""The request page and the DPO's dashboard run the same queries with 3 rows of everything as with 30."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from igportal.roles import Role
from requests_app.models import (
    AgreementStatus,
    Assessment,
    DataFlowStatus,
    RequestComment,
    RequestHistory,
    RequestStatus,
    SharingRequest,
    SignOff,
)
from tests.conftest import ClientFor, MakeUser
from tests.factories import (
    make_agreement,
    make_asset,
    make_dpia,
    make_flow,
    make_incident,
    make_request,
)

pytestmark = pytest.mark.django_db


def _page(client: Client, url: str) -> tuple[list[str], str]:
    """The queries one GET ran, and the page it answered (which must be a 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    queries = [query["sql"] for query in captured.captured_queries]
    # A select's options come from one plain SELECT, never a server-side cursor (DECLARE, FETCH, FETCH,
    # CLOSE: four round trips for a few dozen rows; igportal/forms.py OneQueryChoiceIterator).
    assert not [sql for sql in queries if sql.lstrip().upper().startswith("DECLARE")], queries
    return queries, response.content.decode()


def _same_queries_at_3_and_30(client: Client, url: str, add: Callable[[int], None]) -> tuple[int, str]:
    """The query count, the same for 3 and for 30 of what ``add`` makes, and the page measured at 30."""
    add(3)
    few, _ = _page(client, url)
    add(27)
    many, content = _page(client, url)
    assert len(few) == len(many), "\n".join(many)
    return len(many), content


# the session with its user, roles and MFA device (one query); the request with its people, partner,
# log entry and data flow; the audit event (the chain's lock with the head, the insert); latest assessment
# with the version of its decision record (one query), its
# sign-offs (read once: the signer's decision form starts from the conditions the last approving
# stage kept, found among them), the information assets it draws on, the unread
# count, documents, comments, earlier assessments (asked for only when the latest is not the first),
# history. The DPO also sees the
# DPIAs and the people the request can be assigned to, and reads the rules policy in force to learn
# whether a DPO signs this stage (the Caldicott Guardian always does, so their page does not ask).
# Each signer's delegations are read once.
@pytest.mark.parametrize(("viewer", "queries"), [("caldicott", 13), ("dpo", 16)])
def test_a_request_awaiting_the_caldicott_guardian_runs_constant_queries(
    request: pytest.FixtureRequest,
    requester: User,
    ig_officer: User,
    client_for: ClientFor,
    viewer: str,
    queries: int,
) -> None:
    waiting = make_request(requester=requester, status=RequestStatus.AWAITING_CALDICOTT)
    assign_perm("view_sharingrequest", Group.objects.get(name=Role.CALDICOTT_GUARDIAN.group_name), waiting)
    first = Assessment.objects.get(request=waiting)
    SignOff.objects.create(
        request=waiting, assessment=first, stage="ig_dpo", decision="approve", signer=ig_officer
    )
    SharingRequest.objects.filter(pk=waiting.pk).update(assigned_to=ig_officer)

    def add(n: int) -> None:
        for _ in range(n):
            RequestComment.objects.create(request=waiting, author=ig_officer, body="Checked the items.")
            RequestHistory.objects.create(
                request=waiting,
                action="assign",
                from_status=RequestStatus.AWAITING_CALDICOTT,
                to_status=RequestStatus.AWAITING_CALDICOTT,
                actor=ig_officer,
            )
        # earlier rounds of the assessment, as resubmissions leave them
        number = Assessment.objects.filter(request=waiting).count()
        for offset in range(1, min(n, 5) + 1):
            first.pk, first.number = None, number + offset
            first.save()

    client = client_for(request.getfixturevalue(viewer))
    url = reverse("request_detail", args=[waiting.reference])
    count, page = _same_queries_at_3_and_30(client, url, add)
    assert count == queries
    assert page.count("Checked the items.") == 30
    assert "Earlier assessments" in page


def test_a_first_round_request_page_lists_no_earlier_rounds_and_does_not_look_for_them(
    requester: User, caldicott: User, client_for: ClientFor
) -> None:
    waiting = make_request(requester=requester, status=RequestStatus.AWAITING_CALDICOTT)
    assign_perm("view_sharingrequest", Group.objects.get(name=Role.CALDICOTT_GUARDIAN.group_name), waiting)
    client = client_for(caldicott)
    url = reverse("request_detail", args=[waiting.reference])
    # as above, less the query for earlier rounds: assessment 1 is the only one
    queries, page = _page(client, url)
    assert len(queries) == 12
    assert waiting.reference in page
    assert "Earlier assessments" not in page


def test_the_assets_a_request_draws_on_are_named_with_their_owner_in_the_same_queries_as_none(
    requester: User, caldicott: User, make_user: MakeUser, client_for: ClientFor
) -> None:
    waiting = make_request(requester=requester, status=RequestStatus.AWAITING_CALDICOTT)
    assign_perm("view_sharingrequest", Group.objects.get(name=Role.CALDICOTT_GUARDIAN.group_name), waiting)
    client = client_for(caldicott)
    url = reverse("request_detail", args=[waiting.reference])
    without, page = _page(client, url)
    assert "None named" in page
    owner = make_user(username="iona", first_name="Iona", last_name="Grant")
    assets = [make_asset(owner=owner, name=name) for name in ("Renal system", "Cardiology PAS")]
    waiting.assets.set(assets)
    with_assets, page = _page(client, url)
    # The page reads only the columns it shows: any other would be a query per asset.
    assert len(with_assets) == len(without)
    assert (
        f"{assets[1].reference} Cardiology PAS (owner Iona Grant); {assets[0].reference} Renal system"
        " (owner Iona Grant)"
    ) in page


def test_the_register_dashboard_runs_constant_queries(
    requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    agreement = make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE).agreement

    def add(n: int) -> None:
        for _ in range(n):
            make_flow(
                requester=requester,
                created_by=ig_officer,
                agreement=agreement,
                status=DataFlowStatus.ACTIVE,
                next_review_on=long_ago,
                needs_reassessment=True,
            )
            make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE, review_on=long_ago)
            make_dpia(author=ig_officer, next_review_on=long_ago)
            make_incident(reported_by=ig_officer, aware_at=timezone.now() - datetime.timedelta(days=10))
        cache.clear()  # so that the charts are counted, not taken from the cache

    client = client_for(dpo)
    # the session with its user, roles and MFA device (one query); the audit event (two statements);
    # the kept counts; every dated count in one statement (selectors/dashboard.py count_each); six
    # overdue lists (access requests first); the two charts; the unread count
    count, overdue = _same_queries_at_3_and_30(client, reverse("register_dashboard"), add)
    assert count == 14
    assert overdue.count("review was due") == 20  # ten of each kind: flows and agreements
    # Within minutes of that the charts come from the cache: two queries fewer, the same page.
    cached, again = _page(client, reverse("register_dashboard"))
    assert len(cached) == 12
    assert again.count("review was due") == 20
