from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from igportal.roles import Role
from requests_app.models import RequestStatus
from requests_app.views.queues import QUEUE_PAGE_SIZE
from tests.conftest import ClientFor, MakeUser
from tests.factories import OrganisationFactory, make_request

pytestmark = pytest.mark.django_db
S = RequestStatus


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _references(content: str, references: list[str]) -> list[str]:
    """The given references in the order they appear on the page."""
    return sorted((ref for ref in references if ref in content), key=content.index)


def test_safeguarding_and_urgent_requests_come_first_then_the_oldest(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    routine_old = make_request(
        requester=requester, urgency="routine", purpose_category="other", submitted_at=_days_ago(9)
    )
    routine_new = make_request(
        requester=requester, urgency="routine", purpose_category="other", submitted_at=_days_ago(1)
    )
    urgent = make_request(
        requester=requester, urgency="urgent", purpose_category="other", submitted_at=_days_ago(2)
    )
    safeguarding = make_request(
        requester=requester, urgency="routine", purpose_category="safeguarding", submitted_at=_days_ago(0)
    )
    content = client_for(ig_officer).get(reverse("queue", args=["ig"])).content.decode()
    order = [safeguarding, urgent, routine_old, routine_new]
    assert _references(content, [r.reference for r in order]) == [r.reference for r in order]
    assert "Safeguarding</strong>" in content


def test_the_queue_names_each_purpose_as_the_wizard_does(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    make_request(requester=requester, purpose_category="police_crime")
    make_request(requester=requester, purpose_category="direct_care", urgency="routine")
    content = client_for(ig_officer).get(reverse("queue", args=["ig"])).content.decode()
    rows = content[content.index('data-testid="queue"') :]
    assert "Police or crime" in rows and "Direct care" in rows
    assert "Policecrime" not in rows and "Directcare" not in rows


@pytest.mark.parametrize(
    ("slug", "role_fixture"), [("ig", "dpo"), ("caldicott", "caldicott"), ("siro", "siro")]
)
def test_every_reviewer_sees_a_safeguarding_request_at_the_top_of_their_queue(
    request: pytest.FixtureRequest, requester: User, client_for: ClientFor, slug: str, role_fixture: str
) -> None:
    status = {"ig": S.IG_REVIEW, "caldicott": S.AWAITING_CALDICOTT, "siro": S.AWAITING_SIRO}[slug]
    make_request(
        requester=requester,
        status=status,
        urgency="routine",
        purpose_category="other",
        submitted_at=_days_ago(30),
    )
    flagged = make_request(
        requester=requester, status=status, urgency="routine", purpose_category="safeguarding"
    )
    content = (
        client_for(request.getfixturevalue(role_fixture)).get(reverse("queue", args=[slug])).content.decode()
    )
    first_row = content.index("<tbody")
    assert content.index(flagged.reference, first_row) < content.index("ISR-", first_row) + 20


def test_queues_filter_by_purpose_urgency_organisation_and_age(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    police = OrganisationFactory.create(kind="police")
    old_police = make_request(requester=requester, recipient=police, submitted_at=_days_ago(10))
    new_other = make_request(requester=requester, purpose_category="research", urgency="routine")
    client = client_for(ig_officer)
    by_org = client.get(reverse("queue", args=["ig"]), {"recipient": police.pk}).content.decode()
    assert old_police.reference in by_org and new_other.reference not in by_org
    by_age = client.get(reverse("queue", args=["ig"]), {"older_than_days": 5}).content.decode()
    assert old_police.reference in by_age and new_other.reference not in by_age
    by_purpose = client.get(reverse("queue", args=["ig"]), {"purpose": "research"}).content.decode()
    assert new_other.reference in by_purpose and old_police.reference not in by_purpose
    by_urgency = client.get(reverse("queue", args=["ig"]), {"urgency": "urgent"}).content.decode()
    assert old_police.reference in by_urgency and new_other.reference not in by_urgency


def test_each_queue_holds_only_its_stage(requester: User, caldicott: User, client_for: ClientFor) -> None:
    waiting = make_request(requester=requester, status=S.AWAITING_CALDICOTT)
    elsewhere = make_request(requester=requester, status=S.IG_REVIEW)
    content = client_for(caldicott).get(reverse("queue", args=["caldicott"])).content.decode()
    assert waiting.reference in content and elsewhere.reference not in content


@pytest.mark.parametrize(
    ("slug", "outsiders"),
    [
        ("ig", [Role.REQUESTER, Role.CALDICOTT_GUARDIAN, Role.SIRO, Role.AUDITOR]),
        ("caldicott", [Role.REQUESTER, Role.IG_OFFICER, Role.DPO, Role.SIRO, Role.AUDITOR]),
        ("siro", [Role.REQUESTER, Role.IG_OFFICER, Role.DPO, Role.CALDICOTT_GUARDIAN, Role.AUDITOR]),
    ],
)
def test_a_queue_is_not_found_for_other_roles(
    make_user: MakeUser, client_for: ClientFor, slug: str, outsiders: list[Role]
) -> None:
    for role in outsiders:
        assert client_for(make_user(role)).get(reverse("queue", args=[slug])).status_code == 404, role


def test_queue_pages_refuse_post(dpo: User, client_for: ClientFor) -> None:
    assert client_for(dpo).post(reverse("queue", args=["ig"])).status_code == 405


@pytest.mark.parametrize(
    ("slug", "status", "role_fixture"),
    [("ig", S.SUBMITTED, "ig_officer"), ("caldicott", S.AWAITING_CALDICOTT, "caldicott")],
)
def test_queue_pages_run_constant_queries(
    request: pytest.FixtureRequest,
    requester: User,
    client_for: ClientFor,
    django_assert_num_queries,
    slug: str,
    status: RequestStatus,
    role_fixture: str,
) -> None:
    client = client_for(request.getfixturevalue(role_fixture))
    for _ in range(3):
        make_request(requester=requester, status=status)
    # the session with its user, roles and MFA device (one query), the delegations in force
    # (acting_roles), the filter's organisation choices, the count, the page with its joins, the
    # header's unread count
    with django_assert_num_queries(6):
        few = client.get(reverse("queue", args=[slug]))
    assert few.status_code == 200
    assert few.content.decode().count('<tr class="nhsuk-table__row') == 3
    # A full page with more behind it: the rows shown and the pages counted cost no more queries.
    for _ in range(QUEUE_PAGE_SIZE):
        make_request(requester=requester, status=status)
    with django_assert_num_queries(6):
        many = client.get(reverse("queue", args=[slug]))
    assert many.status_code == 200
    assert many.content.decode().count('<tr class="nhsuk-table__row') == QUEUE_PAGE_SIZE


def test_a_long_queue_is_paged_and_the_filters_are_kept_in_the_page_links(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    waiting = [
        make_request(
            requester=requester, urgency="routine", purpose_category="other", submitted_at=_days_ago(60 - n)
        )
        for n in range(QUEUE_PAGE_SIZE + 1)
    ]
    make_request(requester=requester, urgency="urgent", purpose_category="research")
    client = client_for(ig_officer)
    first = client.get(reverse("queue", args=["ig"]), {"urgency": "routine"}).content.decode()
    assert f"{QUEUE_PAGE_SIZE + 1} waiting (page 1 of 2)" in first
    assert waiting[0].reference in first and waiting[-1].reference not in first
    assert 'href="?urgency=routine&amp;page=2"' in first
    second = client.get(reverse("queue", args=["ig"]), {"urgency": "routine", "page": "2"}).content.decode()
    assert second.count('<tr class="nhsuk-table__row') == 1 and waiting[-1].reference in second
    assert "(page 2 of 2)" in second


@pytest.mark.parametrize("page", ["7", "nonsense"])
def test_a_queue_page_that_does_not_exist_shows_a_real_page(
    requester: User, caldicott: User, client_for: ClientFor, page: str
) -> None:
    waiting = make_request(requester=requester, status=S.AWAITING_CALDICOTT)
    response = client_for(caldicott).get(reverse("queue", args=["caldicott"]), {"page": page})
    assert response.status_code == 200 and waiting.reference in response.content.decode()


def test_home_counts_what_waits_in_each_queue(requester: User, dpo: User, client_for: ClientFor) -> None:
    make_request(requester=requester, status=S.SUBMITTED, urgency="routine", purpose_category="other")
    make_request(requester=requester, status=S.IG_REVIEW, purpose_category="safeguarding")
    content = client_for(dpo).get(reverse("home")).content.decode()
    assert "2 waiting in IG review, 1 urgent or safeguarding" in content
