"""A recipient the requester named, not yet a partner: the IG team adds it from the request in one step."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from requests_app.models import AuditEvent, Organisation, RequestStatus, SharingRequest
from requests_app.services.sharing import sharing_request_add_partner
from tests.conftest import ClientFor
from tests.factories import OrganisationFactory, make_request

pytestmark = pytest.mark.django_db

PARTNER: dict[str, Any] = {
    "name": "Eastshire Hospice",
    "kind": "care_provider",
    "ods_code": "AB1",
    "contact_name": "Jo Lee",
    "contact_email": "ig@eastshire-hospice.example",
}


def _unlisted(requester: User, *, typed: str = "Eastshire Hospice") -> SharingRequest:
    """A request in IG review whose recipient the requester typed because it is not on the list."""
    sharing_request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    placeholder = sharing_request.recipient
    purpose = {
        "title": sharing_request.title,
        "recipient": None,
        "recipient_not_listed": typed,
        "recipient_name": typed,
        "recipient_kind": "care_provider",
    }
    SharingRequest.objects.filter(pk=sharing_request.pk).update(
        recipient=None, recipient_unlisted=typed, answers={"purpose": purpose}
    )
    assert placeholder is not None
    placeholder.delete()
    sharing_request.refresh_from_db()
    return sharing_request


def _form(data: dict[str, str]) -> dict[str, str]:
    return {f"partner-{name}": value for name, value in data.items()}


def test_the_ig_team_adds_the_partner_and_the_request_then_names_it(
    requester: User, ig_officer: User
) -> None:
    sharing_request = _unlisted(requester)

    partner = sharing_request_add_partner(sharing_request=sharing_request, actor=ig_officer, **PARTNER)

    sharing_request.refresh_from_db()
    assert (sharing_request.recipient, sharing_request.recipient_unlisted) == (partner, "")
    assert sharing_request.recipient_label == "Eastshire Hospice"
    purpose = sharing_request.answers["purpose"]
    assert (purpose["recipient"], purpose["recipient_not_listed"], purpose["recipient_name"]) == (
        partner.pk,
        "",
        "Eastshire Hospice",
    )
    assert (partner.kind, partner.ods_code, partner.contact_email) == (
        "care_provider",
        "AB1",
        "ig@eastshire-hospice.example",
    )
    # The frozen assessment keeps what was assessed; the state is unchanged.
    assert sharing_request.status == RequestStatus.IG_REVIEW
    history = sharing_request.history.get(action="add_partner")
    assert (history.actor, history.from_status, history.to_status) == (
        ig_officer,
        RequestStatus.IG_REVIEW,
        RequestStatus.IG_REVIEW,
    )
    assert "Eastshire Hospice" in history.comment and history.action_label == "Add the recipient as a partner"
    on_request = AuditEvent.objects.get(action="request.add_partner")
    assert (on_request.actor, on_request.target_id) == (ig_officer, str(sharing_request.pk))
    on_partner = AuditEvent.objects.get(action="organisation.create")
    assert (on_partner.target_type, on_partner.target_id) == ("organisation", str(partner.pk))
    assert on_partner.detail["from_request"] == sharing_request.reference


def test_an_icb_is_an_nhs_body_to_the_engine(requester: User, dpo: User) -> None:
    sharing_request = _unlisted(requester, typed="Eastshire ICB")
    sharing_request_add_partner(
        sharing_request=sharing_request, actor=dpo, **{**PARTNER, "name": "Eastshire ICB", "kind": "icb"}
    )
    sharing_request.refresh_from_db()
    assert sharing_request.answers["purpose"]["recipient_kind"] == "nhs_trust"


@pytest.mark.parametrize("who", ["requester", "caldicott", "auditor"])
def test_only_the_ig_team_adds_a_partner(requester: User, who: str, request: pytest.FixtureRequest) -> None:
    sharing_request = _unlisted(requester)
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        sharing_request_add_partner(sharing_request=sharing_request, actor=actor, **PARTNER)
    assert not Organisation.objects.filter(name="Eastshire Hospice").exists()
    sharing_request.refresh_from_db()
    assert (sharing_request.recipient, sharing_request.recipient_unlisted) == (None, "Eastshire Hospice")


@pytest.mark.parametrize("ods_code", ["ab!", "A1", "ABCDEFGHIJK", "rx x"])
def test_an_ods_code_in_the_wrong_format_is_refused_and_nothing_changes(
    requester: User, ig_officer: User, ods_code: str
) -> None:
    sharing_request = _unlisted(requester)
    with pytest.raises(ValidationError) as refused:
        sharing_request_add_partner(
            sharing_request=sharing_request, actor=ig_officer, **{**PARTNER, "ods_code": ods_code}
        )
    assert "ods_code" in refused.value.message_dict
    assert not Organisation.objects.filter(name="Eastshire Hospice").exists()
    sharing_request.refresh_from_db()
    assert sharing_request.recipient_unlisted == "Eastshire Hospice"
    assert not sharing_request.history.filter(action="add_partner").exists()


def test_a_name_or_ods_code_already_on_the_list_is_refused_by_field(
    requester: User, ig_officer: User
) -> None:
    OrganisationFactory.create(name="EASTSHIRE HOSPICE")
    OrganisationFactory.create(name="Westshire Hospice", ods_code="AB1")
    sharing_request = _unlisted(requester)
    with pytest.raises(ValidationError) as same_name:
        sharing_request_add_partner(sharing_request=sharing_request, actor=ig_officer, **PARTNER)
    assert "already a partner" in same_name.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as same_code:
        sharing_request_add_partner(
            sharing_request=sharing_request,
            actor=ig_officer,
            **{**PARTNER, "name": "Eastshire Hospice Trust"},
        )
    assert same_code.value.message_dict["ods_code"] == ["ODS code AB1 is already Westshire Hospice's."]


def test_a_request_that_already_names_a_partner_has_none_to_add(requester: User, ig_officer: User) -> None:
    sharing_request = _unlisted(requester)
    sharing_request_add_partner(sharing_request=sharing_request, actor=ig_officer, **PARTNER)
    # A second click, or a second officer working from the page as it was.
    stale = SharingRequest.objects.get(pk=sharing_request.pk)
    stale.recipient, stale.recipient_unlisted = None, "Eastshire Hospice"
    with pytest.raises(ValidationError, match="now names Eastshire Hospice"):
        sharing_request_add_partner(
            sharing_request=stale,
            actor=ig_officer,
            **{**PARTNER, "name": "Eastshire Hospice 2", "ods_code": ""},
        )
    assert Organisation.objects.filter(name__startswith="Eastshire").count() == 1


def test_the_request_page_offers_the_ig_team_the_form_prefilled(
    requester: User, ig_officer: User, auditor: User, client_for: ClientFor
) -> None:
    sharing_request = _unlisted(requester)
    url = reverse("request_detail", args=[sharing_request.reference])
    page = client_for(ig_officer).get(url).content.decode()
    assert "Add Eastshire Hospice as a partner" in page
    assert 'name="partner-name" value="Eastshire Hospice"' in page
    assert '<option value="care_provider" selected>' in page
    assert reverse("request_add_partner", args=[sharing_request.reference]) in page
    for reader in (requester, auditor):
        assert 'data-testid="add-partner"' not in client_for(reader).get(url).content.decode()


def test_posting_the_form_adds_the_partner_and_shows_it_as_the_recipient(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    sharing_request = _unlisted(requester)
    client = client_for(ig_officer)
    url = reverse("request_add_partner", args=[sharing_request.reference])

    response = client.post(url, _form({**PARTNER, "ods_code": " ab1 "}))

    assert response.status_code == 302
    assert response["Location"] == reverse("request_detail", args=[sharing_request.reference])
    sharing_request.refresh_from_db()
    assert sharing_request.recipient is not None and sharing_request.recipient.ods_code == "AB1"
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="add-partner"' not in page
    assert "Add the recipient as a partner" in page
    assert "not yet a partner" not in page


def test_a_bad_ods_code_keeps_what_was_typed_and_says_what_is_wrong(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    sharing_request = _unlisted(requester)
    typed = {**PARTNER, "name": "Eastshire Hospice Care", "ods_code": "A-1", "contact_name": "Sam Tee"}

    response = client_for(ig_officer).post(
        reverse("request_add_partner", args=[sharing_request.reference]), _form(typed)
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "An ODS code is 3 to 10 capital letters and digits" in page
    assert 'value="Eastshire Hospice Care"' in page and 'value="A-1"' in page and 'value="Sam Tee"' in page
    assert not Organisation.objects.filter(name__startswith="Eastshire").exists()


def test_a_name_already_on_the_list_is_told_on_the_page(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    OrganisationFactory.create(name="Eastshire Hospice")
    sharing_request = _unlisted(requester)
    response = client_for(ig_officer).post(
        reverse("request_add_partner", args=[sharing_request.reference]), _form(PARTNER)
    )
    assert response.status_code == 400
    assert "Eastshire Hospice is already a partner" in response.content.decode()


def test_someone_who_reads_the_request_but_is_not_the_ig_team_is_refused(
    requester: User, auditor: User, other_requester: User, client_for: ClientFor
) -> None:
    sharing_request = _unlisted(requester)
    url = reverse("request_add_partner", args=[sharing_request.reference])
    assert client_for(requester).post(url, _form(PARTNER)).status_code == 403
    assert client_for(auditor).post(url, _form(PARTNER)).status_code == 403
    assert client_for(other_requester).post(url, _form(PARTNER)).status_code == 404
    assert client_for(requester).get(url).status_code == 405
    assert not Organisation.objects.filter(name="Eastshire Hospice").exists()
