"""The requester's own list of sharing requests: newest change first, a page at a time."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from requests_app.models import RequestStatus, SharingRequest
from requests_app.views.sharing import REQUEST_LIST_PAGE_SIZE
from tests.conftest import ClientFor
from tests.factories import make_request

pytestmark = pytest.mark.django_db
ROW = '<tr class="nhsuk-table__row'


def _raise(requester: User, n: int) -> list[SharingRequest]:
    """``n`` requests, oldest change first."""
    return [make_request(requester=requester, status=RequestStatus.SUBMITTED) for _ in range(n)]


def test_the_request_list_runs_the_same_queries_for_3_and_30_requests(
    requester: User, client_for: ClientFor, django_assert_num_queries: Any
) -> None:
    client = client_for(requester)
    _raise(requester, 3)
    # session (read with the user and their roles), the count, the page with its organisations, the header's
    # unread count
    with django_assert_num_queries(4):
        few = client.get(reverse("request_list"))
    assert few.status_code == 200
    assert few.content.decode().count(ROW) == 3
    _raise(requester, 27)
    with django_assert_num_queries(4):
        many = client.get(reverse("request_list"))
    assert many.status_code == 200
    assert many.content.decode().count(ROW) == REQUEST_LIST_PAGE_SIZE


def test_the_second_page_shows_the_next_requests(requester: User, client_for: ClientFor) -> None:
    raised = _raise(requester, REQUEST_LIST_PAGE_SIZE + 2)
    client = client_for(requester)
    first = client.get(reverse("request_list")).content.decode()
    assert raised[-1].reference in first and raised[1].reference not in first
    assert f"{REQUEST_LIST_PAGE_SIZE + 2} requests, newest change first (page 1 of 2)" in first
    assert 'href="?page=2"' in first
    second = client.get(reverse("request_list"), {"page": 2}).content.decode()
    assert second.count(ROW) == 2
    assert raised[0].reference in second and raised[1].reference in second
    assert raised[-1].reference not in second
    assert "(page 2 of 2)" in second and 'href="?page=1"' in second


@pytest.mark.parametrize("page", ["99", "0", "-1", "last-but-one"])
def test_a_page_that_does_not_exist_shows_a_real_page_not_an_error(
    requester: User, client_for: ClientFor, page: str
) -> None:
    _raise(requester, REQUEST_LIST_PAGE_SIZE + 1)
    response = client_for(requester).get(reverse("request_list"), {"page": page})
    assert response.status_code == 200
    # Past the end shows the last page; anything that is not a page number shows the first.
    expected = "page 1 of 2" if page == "last-but-one" else "page 2 of 2"
    assert expected in response.content.decode()


def test_page_links_keep_the_rest_of_the_address(requester: User, client_for: ClientFor) -> None:
    _raise(requester, REQUEST_LIST_PAGE_SIZE * 2 + 1)
    content = (
        client_for(requester).get(reverse("request_list"), {"page": "2", "from": "home"}).content.decode()
    )
    assert 'href="?page=1&amp;from=home"' in content and 'href="?page=3&amp;from=home"' in content


def test_a_requester_without_requests_is_told_so(requester: User, client_for: ClientFor) -> None:
    content = client_for(requester).get(reverse("request_list"), {"page": 3}).content.decode()
    assert "You have not raised a sharing request yet." in content


def test_only_the_requesters_own_requests_are_listed(
    requester: User, other_requester: User, client_for: ClientFor
) -> None:
    mine = make_request(requester=requester)
    theirs = make_request(requester=other_requester)
    content = client_for(requester).get(reverse("request_list")).content.decode()
    assert mine.reference in content and theirs.reference not in content


def test_the_request_list_refuses_post(requester: User, client_for: ClientFor) -> None:
    assert client_for(requester).post(reverse("request_list")).status_code == 405
