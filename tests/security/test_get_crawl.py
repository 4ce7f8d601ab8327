"""Opening any page changes nothing: a GET of every URL the resolver knows, as a person holding every role,
leaves every table as it was except the audit trail (views are recorded) and the session."""

from __future__ import annotations

import pytest
from django.apps import apps

from igportal.roles import Role
from requests_app.models import RequestStatus
from tests.conftest import ClientFor, MakeUser
from tests.factories import AccessRequestFactory, make_request
from tests.igportal.test_auth import ALL_URLS

# Written by a GET on purpose: the audit trail records views and refusals; the session records activity.
MAY_CHANGE = {"requests_app.AuditEvent", "requests_app.UserSession"}


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_crawling_every_get_page_changes_nothing(make_user: MakeUser, client_for: ClientFor) -> None:
    everyone = make_user(*Role, username="all-roles")
    draft = make_request(requester=everyone, status=RequestStatus.DRAFT)
    submitted = make_request(requester=make_user(Role.REQUESTER))
    AccessRequestFactory.create()
    client = client_for(everyone)
    before = _row_counts()
    opened = 0
    for name, url in ALL_URLS:
        if name in {"logout"}:
            continue  # logging out is POST-only; a GET answers 405 and changes nothing either
        for reference in (draft.reference, submitted.reference):
            response = client.get(url.replace("/x/", f"/{reference}/"))
            assert response.status_code < 500, (name, url, response.status_code)
            opened += 1
    after = _row_counts()
    changed = {label for label in before if before[label] != after[label]}
    assert changed <= MAY_CHANGE, changed
    assert opened > 100
