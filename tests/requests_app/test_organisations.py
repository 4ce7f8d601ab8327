from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from igportal.roles import Role
from requests_app.models import Nation, Organisation, OrganisationSettings
from tests.conftest import ClientFor, MakeUser
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Eastfield Hospice",
    "kind": "care_provider",
    "ods_code": "ab123",
    "contact_name": "Jo Bloggs",
    "contact_email": "ig@eastfield.example",
    "active": "on",
}


def test_ig_officer_adds_a_partner_organisation(client_for: ClientFor, ig_officer: User) -> None:
    client = client_for(ig_officer)
    response = client.post(reverse("organisation_create"), VALID)
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.name == "Eastfield Hospice"
    assert organisation.ods_code == "AB123"


def test_a_bad_ods_code_is_explained_and_nothing_typed_is_lost(
    client_for: ClientFor, ig_officer: User
) -> None:
    client = client_for(ig_officer)
    response = client.post(reverse("organisation_create"), {**VALID, "ods_code": "A-1"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "An ODS code is 3 to 10 capital letters and digits" in content
    assert 'href="#id_ods_code"' in content
    assert 'value="Eastfield Hospice"' in content
    assert 'value="Jo Bloggs"' in content
    assert not Organisation.objects.exists()


def test_names_are_unique_whatever_their_case(client_for: ClientFor, ig_officer: User) -> None:
    OrganisationFactory.create(name="Eastfield Hospice")
    client = client_for(ig_officer)
    response = client.post(reverse("organisation_create"), {**VALID, "name": "EASTFIELD HOSPICE"})
    assert response.status_code == 200
    assert Organisation.objects.count() == 1


def test_ig_officer_edits_a_partner(client_for: ClientFor, ig_officer: User) -> None:
    organisation = OrganisationFactory.create()
    client = client_for(ig_officer)
    client.post(reverse("organisation_edit", args=[organisation.pk]), {**VALID, "name": "Renamed"})
    organisation.refresh_from_db()
    assert organisation.name == "Renamed"


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.CALDICOTT_GUARDIAN, Role.SIRO, Role.AUDITOR])
def test_only_the_ig_team_changes_partners(client_for: ClientFor, make_user: MakeUser, role: Role) -> None:
    organisation = OrganisationFactory.create(name="Unchanged")
    client = client_for(make_user(role))
    assert client.get(reverse("organisation_create")).status_code == 404
    assert client.post(reverse("organisation_create"), VALID).status_code == 404
    assert client.post(reverse("organisation_edit", args=[organisation.pk]), VALID).status_code == 404
    organisation.refresh_from_db()
    assert organisation.name == "Unchanged"
    assert Organisation.objects.count() == 1


def test_editing_an_unknown_partner_is_not_found(client_for: ClientFor, ig_officer: User) -> None:
    client = client_for(ig_officer)
    assert client.get(reverse("organisation_edit", args=[999])).status_code == 404


def test_everyone_with_a_role_can_read_and_filter_the_partner_list(
    client_for: ClientFor, requester: User
) -> None:
    OrganisationFactory.create(name="Northshire Trust", kind="nhs_trust")
    OrganisationFactory.create(name="Westshire Police", kind="police")
    client = client_for(requester)
    content = client.get(reverse("organisation_list"), {"kind": "police"}).content.decode()
    assert "Westshire Police" in content
    assert "Northshire Trust" not in content
    assert "Add a partner organisation" not in content


def test_partner_list_runs_constant_queries(
    client_for: ClientFor, ig_officer: User, django_assert_num_queries
) -> None:
    client = client_for(ig_officer)
    first = OrganisationFactory.create_batch(1)
    # the session with its user, roles and MFA device (one query), the organisations, the header's
    # unread count
    with django_assert_num_queries(3):
        response = client.get(reverse("organisation_list"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="nhsuk-table__row">') == 1
    assert first[0].name in response.content.decode()
    more = OrganisationFactory.create_batch(49)
    with django_assert_num_queries(3):
        response = client.get(reverse("organisation_list"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="nhsuk-table__row">') == 50
    assert more[-1].name in response.content.decode()


def test_the_dpo_names_the_officers(client_for: ClientFor, dpo: User, caldicott: User, siro: User) -> None:
    client = client_for(dpo)
    response = client.post(
        reverse("organisation_settings_edit"),
        {
            "name": "Northshire ICB",
            "ods_code": "qxx",
            "nation": Nation.WALES,
            "foi_regime": "foisa",
            "caldicott_guardian": caldicott.pk,
            "dpo": dpo.pk,
            "siro": siro.pk,
        },
    )
    assert response.status_code == 302
    portal = OrganisationSettings.load()
    assert (portal.name, portal.ods_code, portal.nation) == ("Northshire ICB", "QXX", "wales")
    assert portal.foi_regime == "foisa"
    assert (portal.caldicott_guardian, portal.dpo, portal.siro) == (caldicott, dpo, siro)


def test_only_holders_of_a_role_can_be_named_for_it(
    client_for: ClientFor, dpo: User, requester: User
) -> None:
    client = client_for(dpo)
    response = client.post(
        reverse("organisation_settings_edit"),
        {
            "name": "X",
            "nation": "england",
            "caldicott_guardian": requester.pk,
            "dpo": dpo.pk,
            "consent_max_age_days": 365,
        },
    )
    assert response.status_code == 200
    assert OrganisationSettings.load().caldicott_guardian is None


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.IG_OFFICER, Role.CALDICOTT_GUARDIAN, Role.AUDITOR])
def test_only_the_dpo_changes_the_settings(client_for: ClientFor, make_user: MakeUser, role: Role) -> None:
    client = client_for(make_user(role))
    assert client.get(reverse("organisation_settings")).status_code == 200
    response = client.post(
        reverse("organisation_settings_edit"),
        {"name": "Hijacked", "nation": "england"},
    )
    assert response.status_code == 404
    assert OrganisationSettings.load().name != "Hijacked"


@pytest.mark.parametrize(
    ("changes", "field"),
    # The consent age is the versioned policy's now; test_organisation_policy keeps it within bounds.
    [({"dpo": ""}, "dpo")],
)
def test_the_settings_cannot_be_left_unusable(
    client_for: ClientFor, dpo: User, changes: dict[str, object], field: str
) -> None:
    client = client_for(dpo)
    good = {"name": "Northshire ICB", "nation": "england", "foi_regime": "foia", "dpo": dpo.pk}
    assert client.post(reverse("organisation_settings_edit"), good).status_code == 302
    response = client.post(reverse("organisation_settings_edit"), {**good, **changes})
    assert response.status_code == 200
    assert (
        f'id="id_{field}"' in response.content.decode() and "There is a problem" in response.content.decode()
    )
    portal = OrganisationSettings.load()
    assert portal.dpo == dpo
