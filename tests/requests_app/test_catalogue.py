from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from igportal.roles import Role
from requests_app.models import DataItemType
from tests.conftest import ClientFor, MakeUser

pytestmark = pytest.mark.django_db

NEW_ITEM = {
    "code": "blood_group",
    "name": "Blood group",
    "description": "",
    "identifying": "",
    "special_category": "on",
    "less_identifying_alternative": "",
    "active": "on",
    "sort_order": "500",
}


def test_the_catalogue_starts_with_the_common_items() -> None:
    codes = set(DataItemType.objects.values_list("code", flat=True))
    assert {
        "name",
        "postcode",
        "date_of_birth",
        "nhs_number",
        "ni_number",
        "photograph",
        "health_data",
    } <= codes
    assert DataItemType.objects.get(code="date_of_birth").less_identifying_alternative == "Age band"


def test_the_ig_team_adds_an_item(client_for: ClientFor, ig_officer: User) -> None:
    response = client_for(ig_officer).post(reverse("catalogue_create"), NEW_ITEM)
    assert response.status_code == 302
    item = DataItemType.objects.get(code="blood_group")
    assert item.special_category and not item.identifying


def test_a_bad_code_is_explained(client_for: ClientFor, dpo: User) -> None:
    response = client_for(dpo).post(reverse("catalogue_create"), {**NEW_ITEM, "code": "Blood Group"})
    assert response.status_code == 200
    assert "Use lower case letters, digits and underscores." in response.content.decode()
    assert 'value="Blood group"' in response.content.decode()


def test_retiring_an_item_keeps_it_out_of_new_requests(client_for: ClientFor, ig_officer: User) -> None:
    item = DataItemType.objects.get(code="ni_number")
    data = {**NEW_ITEM, "code": "ni_number", "name": item.name, "special_category": "", "active": ""}
    client_for(ig_officer).post(reverse("catalogue_edit", args=[item.pk]), data)
    item.refresh_from_db()
    assert item.active is False


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.CALDICOTT_GUARDIAN, Role.SIRO, Role.AUDITOR])
def test_only_the_ig_team_changes_the_catalogue(
    client_for: ClientFor, make_user: MakeUser, role: Role
) -> None:
    client = client_for(make_user(role))
    assert client.get(reverse("catalogue_list")).status_code == 200
    assert client.post(reverse("catalogue_create"), NEW_ITEM).status_code == 404
    assert not DataItemType.objects.filter(code="blood_group").exists()


def test_catalogue_list_runs_constant_queries(
    client_for: ClientFor, ig_officer: User, django_assert_num_queries
) -> None:
    client = client_for(ig_officer)
    # the session (read with the user, the MFA device that verified it and their roles), the
    # catalogue, the header's unread count
    shown = DataItemType.objects.count()
    with django_assert_num_queries(3):
        response = client.get(reverse("catalogue_list"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="nhsuk-table__row">') == shown
    DataItemType.objects.bulk_create(
        DataItemType(code=f"extra_{n}", name=f"Extra {n}", identifying=False, special_category=False)
        for n in range(50)
    )
    with django_assert_num_queries(3):
        response = client.get(reverse("catalogue_list"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="nhsuk-table__row">') == shown + 50
    assert "Extra 49" in response.content.decode()
