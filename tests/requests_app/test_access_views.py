from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from igportal.roles import Role
from requests_app.deadlines import add_working_days
from requests_app.models import AccessRequest, AccessRequestStatus
from tests.conftest import ClientFor, MakeUser
from tests.factories import AccessRequestClarificationFactory, AccessRequestFactory

pytestmark = pytest.mark.django_db

S = AccessRequestStatus
OUTSIDER_ROLES = [Role.REQUESTER, Role.CALDICOTT_GUARDIAN, Role.SIRO]


def _today() -> date:
    return timezone.localdate()


def _dmy(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def _new_case_form(**changes: str) -> dict[str, str]:
    received = _today() - timedelta(days=2)
    return {
        "kind": "sar",
        "received_on": _dmy(received),
        "channel": "email",
        "requester_name": "Sam Jones",
        "requester_email": "sam@example.org",
        "requester_phone": "",
        "requester_address": "",
        "subject_name": "",
        "description": "Copies of my records from the memory clinic",
        "handler": "",
        **changes,
    }


def _detail(case: AccessRequest) -> str:
    return reverse("access_request_detail", args=[case.pk])


def _action(case: AccessRequest, name: str) -> str:
    return reverse("access_request_transition", args=[case.pk, name])


def _every_page(case: AccessRequest) -> list[tuple[str, str]]:
    """(method, url) of every access request page."""
    return [
        ("get", reverse("access_request_list")),
        ("get", reverse("access_request_create")),
        ("post", reverse("access_request_create")),
        ("get", _detail(case)),
        ("get", reverse("access_request_edit", args=[case.pk])),
        ("post", reverse("access_request_edit", args=[case.pk])),
        ("post", _action(case, "start")),
    ]


# --- who may see what -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", OUTSIDER_ROLES)
def test_people_without_an_access_role_get_not_found_on_every_page(
    client_for: ClientFor, make_user: MakeUser, role: Role
) -> None:
    case = AccessRequestFactory.create()
    client = client_for(make_user(role))
    for method, url in _every_page(case):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    case.refresh_from_db()
    assert case.status == S.RECEIVED


def test_a_caldicott_guardian_who_is_also_an_ig_officer_sees_the_register(
    client_for: ClientFor, make_user: MakeUser
) -> None:
    both = make_user(Role.CALDICOTT_GUARDIAN, Role.IG_OFFICER)
    assert client_for(both).get(reverse("access_request_list")).status_code == 200


def test_the_auditor_reads_every_page_and_changes_nothing(client_for: ClientFor, auditor: User) -> None:
    case = AccessRequestFactory.create(requester_name="Sam Jones")
    client = client_for(auditor)
    listing = client.get(reverse("access_request_list")).content.decode()
    assert "Sam Jones" in listing
    assert "Log an access request" not in listing
    detail = client.get(_detail(case)).content.decode()
    assert "You can read this case but not change it." in detail
    assert "Next steps" not in detail
    for method, url in _every_page(case)[1:]:
        if method == "post" or "edit" in url or url.endswith("/new/"):
            assert getattr(client, method)(url, {"requester_name": "Changed"}).status_code == 403, url
    case.refresh_from_db()
    assert (case.status, case.requester_name) == (S.RECEIVED, "Sam Jones")


@pytest.mark.parametrize(
    ("method", "url_name", "args"),
    [
        ("post", "access_request_list", []),
        ("put", "access_request_create", []),
        ("post", "access_request_detail", ["pk"]),
        ("delete", "access_request_edit", ["pk"]),
        ("get", "access_request_transition", ["pk", "start"]),
    ],
)
def test_each_page_refuses_the_wrong_method(
    client_for: ClientFor, ig_officer: User, method: str, url_name: str, args: list[str]
) -> None:
    case = AccessRequestFactory.create()
    url = reverse(url_name, args=[case.pk if arg == "pk" else arg for arg in args])
    assert getattr(client_for(ig_officer), method)(url).status_code == 405
    case.refresh_from_db()
    assert case.status == S.RECEIVED


def test_an_unknown_case_or_action_is_not_found(client_for: ClientFor, ig_officer: User) -> None:
    case = AccessRequestFactory.create()
    client = client_for(ig_officer)
    assert client.get(reverse("access_request_detail", args=[case.pk + 1])).status_code == 404
    assert client.post(_action(case, "approve")).status_code == 404


# --- the list ---------------------------------------------------------------------------------------------


def test_the_register_shows_due_and_overdue_cases(client_for: ClientFor, ig_officer: User) -> None:
    today = _today()
    late = AccessRequestFactory.create(status=S.IN_PROGRESS, due_on=today - timedelta(days=1))
    soon = AccessRequestFactory.create(status=S.IN_PROGRESS, due_on=today + timedelta(days=3))
    stopped = AccessRequestFactory.create(status=S.AWAITING_CLARIFICATION, due_on=None)
    content = client_for(ig_officer).get(reverse("access_request_list")).content.decode()
    assert content.index(late.reference) < content.index(soon.reference) < content.index(stopped.reference)
    assert content.count("nhsuk-tag--red") == 1
    assert "Clock not running" in content
    assert "Log an access request" in content


def _filtered(client: Client, **params: Any) -> str:
    return client.get(reverse("access_request_list"), params).content.decode()


def test_the_register_filters_by_type_status_and_handler(
    client_for: ClientFor, ig_officer: User, dpo: User
) -> None:
    sar = AccessRequestFactory.create(kind="sar", status=S.IN_PROGRESS, handler=ig_officer)
    foi = AccessRequestFactory.create(
        kind="foi", status=S.RESPONDED, responded_on=date(2025, 9, 4), outcome="not_held"
    )
    eir = AccessRequestFactory.create(kind="eir", status=S.RECEIVED, handler=dpo)
    client = client_for(ig_officer)
    references = {case: case.reference for case in (sar, foi, eir)}

    def shown(**params: Any) -> set[AccessRequest]:
        content = _filtered(client, **params)
        return {case for case, reference in references.items() if reference in content}

    assert shown(kind="foi") == {foi}
    assert shown(status="open") == {sar, eir}
    assert shown(status="responded") == {foi}
    assert shown(handler=dpo.pk) == {eir}


def test_the_register_searches_reference_and_requester_name(client_for: ClientFor, ig_officer: User) -> None:
    first = AccessRequestFactory.create(requester_name="Priya Patel")
    second = AccessRequestFactory.create(requester_name="Tom Hale")
    client = client_for(ig_officer)
    content = _filtered(client, q="patel")
    assert first.reference in content and second.reference not in content
    content = _filtered(client, q=second.reference.lower())
    assert second.reference in content and first.reference not in content


def test_the_register_filters_overdue_and_due_within_working_days(
    client_for: ClientFor, ig_officer: User
) -> None:
    today = _today()
    overdue = AccessRequestFactory.create(kind="foi", status=S.IN_PROGRESS, due_on=today - timedelta(days=1))
    soon = AccessRequestFactory.create(
        kind="foi", status=S.IN_PROGRESS, due_on=add_working_days(today, 3, kind="foi", nation="england")
    )
    later = AccessRequestFactory.create(
        kind="foi", status=S.IN_PROGRESS, due_on=add_working_days(today, 9, kind="foi", nation="england")
    )
    done = AccessRequestFactory.create(
        kind="foi",
        status=S.RESPONDED,
        due_on=today - timedelta(days=5),
        responded_on=today,
        outcome="not_held",
    )
    client = client_for(ig_officer)
    content = _filtered(client, overdue="on")
    assert overdue.reference in content
    assert soon.reference not in content and later.reference not in content and done.reference not in content
    content = _filtered(client, due_within=5)
    assert soon.reference in content
    assert overdue.reference not in content and later.reference not in content


def test_a_bad_filter_is_explained_on_its_field(client_for: ClientFor, ig_officer: User) -> None:
    content = _filtered(client_for(ig_officer), due_within="soon", q="Patel")
    assert "Enter a whole number of working days, like 5." in content
    assert 'href="#id_due_within"' in content
    assert 'value="soon"' in content and 'value="Patel"' in content


def test_the_register_runs_the_same_queries_for_1_and_50_cases(
    client_for: ClientFor, ig_officer: User, django_assert_num_queries: Any
) -> None:
    client = client_for(ig_officer)
    AccessRequestFactory.create(handler=ig_officer, due_on=_today())
    # the session (read with the user, the MFA device that verified it and their roles), count of cases,
    # the page of cases with their handlers, the audit event of the viewing (the chain's lock with the
    # previous hash, the insert), the people who may handle a case (the filter's choices),
    # the header's unread count
    with django_assert_num_queries(7):
        response = client.get(reverse("access_request_list"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="nhsuk-table__row">') == 2
    AccessRequestFactory.create_batch(49, handler=ig_officer, due_on=_today())
    with django_assert_num_queries(7):
        response = client.get(reverse("access_request_list"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="nhsuk-table__row">') == 51


# --- logging a case ---------------------------------------------------------------------------------------


def test_an_ig_officer_logs_a_request_and_lands_on_it(client_for: ClientFor, ig_officer: User) -> None:
    client = client_for(ig_officer)
    assert client.get(reverse("access_request_create")).status_code == 200
    response = client.post(reverse("access_request_create"), _new_case_form(handler=str(ig_officer.pk)))
    case = AccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(case)
    assert case.reference == f"SAR-{case.received_on.year}-00001"
    assert case.handler == ig_officer
    assert case.due_on is not None


def test_a_date_that_does_not_exist_is_explained_and_nothing_typed_is_lost(
    client_for: ClientFor, ig_officer: User
) -> None:
    form = _new_case_form()
    del form["received_on"]
    form |= {"received_on_day": "31", "received_on_month": "02", "received_on_year": "2026"}
    response = client_for(ig_officer).post(reverse("access_request_create"), form)
    content = response.content.decode()
    assert response.status_code == 200
    assert "The date you received the request must be a real date" in content
    assert 'href="#id_received_on_0"' in content
    assert (
        'name="received_on_day" value="31"' in content and 'name="received_on_year" value="2026"' in content
    )
    assert 'value="Sam Jones"' in content
    assert "Copies of my records from the memory clinic" in content
    assert not AccessRequest.objects.exists()


def test_a_rule_the_service_enforces_is_shown_on_its_field(client_for: ClientFor, ig_officer: User) -> None:
    response = client_for(ig_officer).post(
        reverse("access_request_create"), _new_case_form(requester_email="")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_requester_email_error"' in content
    assert "Give at least one way to reach the requester" in content
    assert 'value="Sam Jones"' in content
    assert not AccessRequest.objects.exists()


# --- the case page ----------------------------------------------------------------------------------------


def test_the_case_page_shows_the_due_date_with_its_working(client_for: ClientFor, dpo: User) -> None:
    # Received Wed 31 Dec 2025; one day paused (Fri 2 Jan): Sat 31 Jan + 1 = Sun 1 Feb -> Mon 2 Feb 2026.
    case = AccessRequestFactory.create(
        received_on=date(2025, 12, 31), status=S.IN_PROGRESS, due_on=date(2026, 2, 2)
    )
    AccessRequestClarificationFactory.create(
        access_request=case, asked_on=date(2026, 1, 2), answered_on=date(2026, 1, 2)
    )
    content = client_for(dpo).get(_detail(case)).content.decode()
    assert "Due Mon 2 Feb 2026" in content
    assert "Request received on Wed 31 Dec 2025; the day of receipt is day one" in content
    assert "One calendar month from the start" in content
    assert "Sun 1 Feb 2026: Sunday" in content
    assert "Clock stopped Fri 2 Jan 2026 to Fri 2 Jan 2026 inclusive" in content
    assert "moved to the next working day in England" in content
    assert 'id="id_respond_on"' in content and 'id="id_close_on"' in content
    assert "Record the response" in content


def test_the_case_page_shows_a_stopped_clock(client_for: ClientFor, ig_officer: User) -> None:
    asked = _today() - timedelta(days=3)
    case = AccessRequestFactory.create(received_on=asked - timedelta(days=2), status=S.AWAITING_CLARIFICATION)
    AccessRequestClarificationFactory.create(access_request=case, asked_on=asked, question="Which ward?")
    content = client_for(ig_officer).get(_detail(case)).content.decode()
    assert "Clock stopped: waiting since" in content
    assert "Which ward?" in content
    assert "Record the clarification received" in content


def test_an_ig_officer_changes_the_details(client_for: ClientFor, ig_officer: User, dpo: User) -> None:
    case = AccessRequestFactory.create(received_on=_today() - timedelta(days=2))
    client = client_for(ig_officer)
    page = client.get(reverse("access_request_edit", args=[case.pk])).content.decode()
    assert "How this date was worked out" in page
    form = _new_case_form(handler=str(dpo.pk), requester_phone="01234 567890")
    del form["kind"]
    response = client.post(reverse("access_request_edit", args=[case.pk]), form)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.handler, case.requester_phone) == (dpo, "01234 567890")


def test_a_bad_edit_is_explained_and_nothing_typed_is_lost(client_for: ClientFor, ig_officer: User) -> None:
    case = AccessRequestFactory.create(requester_email="old@example.org")
    form = _new_case_form(requester_email="not an email", requester_phone="07700 900123")
    response = client_for(ig_officer).post(reverse("access_request_edit", args=[case.pk]), form)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Enter an email address in the right format, like name@example.com." in content
    assert 'value="not an email"' in content and 'value="07700 900123"' in content
    case.refresh_from_db()
    assert case.requester_email == "old@example.org"


# --- transitions ------------------------------------------------------------------------------------------


def test_an_ig_officer_moves_a_case_on(client_for: ClientFor, ig_officer: User) -> None:
    case = AccessRequestFactory.create(received_on=_today() - timedelta(days=5))
    client = client_for(ig_officer)
    response = client.post(_action(case, "start"))
    assert response.status_code == 302
    assert response["Location"] == _detail(case)
    response = client.post(
        _action(case, "ask_clarification"), {"on": _dmy(_today()), "details": "Which years do you need?"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.due_on) == (S.AWAITING_CLARIFICATION, None)
    assert case.clarifications.get().question == "Which years do you need?"


def test_bad_transition_input_is_explained_on_the_field_and_kept(
    client_for: ClientFor, ig_officer: User
) -> None:
    asked = _today() - timedelta(days=3)
    case = AccessRequestFactory.create(received_on=asked - timedelta(days=2), status=S.AWAITING_CLARIFICATION)
    AccessRequestClarificationFactory.create(access_request=case, asked_on=asked)
    typed = _dmy(asked - timedelta(days=1))
    response = client_for(ig_officer).post(_action(case, "record_clarification"), {"on": typed})
    content = response.content.decode()
    assert response.status_code == 200
    assert "The answer cannot arrive before the question was asked" in content
    assert 'href="#id_on_0"' in content
    day = asked - timedelta(days=1)
    assert f'name="on_day" value="{day.day}"' in content and f'name="on_year" value="{day.year}"' in content
    assert "How this date was worked out" in content
    case.refresh_from_db()
    assert case.status == S.AWAITING_CLARIFICATION


def test_a_missing_date_is_asked_for_by_name(client_for: ClientFor, ig_officer: User) -> None:
    case = AccessRequestFactory.create(status=S.IN_PROGRESS)
    response = client_for(ig_officer).post(_action(case, "respond"), {"outcome": "not_held"})
    content = response.content.decode()
    assert "Enter the date the response was sent" in content
    assert 'value="not_held" checked' in content


def test_a_move_the_case_has_already_made_is_explained(client_for: ClientFor, ig_officer: User) -> None:
    case = AccessRequestFactory.create(status=S.IN_PROGRESS)
    content = client_for(ig_officer).post(_action(case, "start")).content.decode()
    assert "is in progress: you cannot start work on it now." in content


def test_the_register_pages_by_fifty_keeping_the_filters(client_for: ClientFor, ig_officer: User) -> None:
    AccessRequestFactory.create_batch(51, kind="foi")
    client = client_for(ig_officer)
    first = client.get(reverse("access_request_list"), {"kind": "foi"}).content.decode()
    assert first.count('<tr class="nhsuk-table__row">') == 51  # the header row and 50 cases
    assert 'href="?kind=foi&amp;page=2"' in first
    second = client.get(reverse("access_request_list"), {"kind": "foi", "page": "2"}).content.decode()
    assert second.count('<tr class="nhsuk-table__row">') == 2
