"""The disclosure log: recording what was shared or refused, police details, and who reads it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from requests_app.models import AuditEvent, Disclosure, DisclosureKind, RequestStatus
from requests_app.services.disclosures import disclosure_record
from tests.conftest import ClientFor
from tests.factories import OrganisationFactory, make_disclosure, make_request
from tests.requests_app.registers import csv_rows

pytestmark = pytest.mark.django_db
S = RequestStatus

POLICE: dict[str, Any] = {
    "police_officer": "DC J. Smith, County Police",
    "police_reference": "4471 / CR/2026/118822",
    "police_requested": "Admission and discharge dates and diagnosis.",
    "police_given": "Admission and discharge dates only.",
    "police_acknowledgement": "Signed receipt on the request form",
    "police_acknowledged_on": None,
}


def _shared(**changes: Any) -> dict[str, Any]:
    return {
        "information": "Admission and discharge dates, October 2026.",
        "disclosed_on": timezone.localdate(),
        "art6": "e_public_task",
        "art9": "g_substantial_public_interest",
        "confidentiality_basis": "overriding_public_interest",
        "transfer_method": "secure_email",
        # The items shared and both conditions of the police example's approval confirmed as met,
        # as the form offers them ticked.
        "items": ["admission_dates"],
        "conditions_met": [0, 1],
        **POLICE,
        **changes,
    }


def test_the_requester_records_what_was_shared_and_the_request_closes(requester: User) -> None:
    request = make_request(requester=requester, status=S.APPROVED_WITH_CONDITIONS)
    disclosure = disclosure_record(sharing_request=request, actor=requester, **_shared())
    assert (disclosure.kind, disclosure.request, disclosure.recipient) == (
        "disclosure",
        request,
        request.recipient,
    )
    assert disclosure.reference.startswith("DL-") and disclosure.disclosed_by == requester
    assert not disclosure.outside_wizard
    request.refresh_from_db()
    assert request.status == S.CLOSED
    closed = request.history.get()
    assert (closed.action, closed.actor, closed.comment) == (
        "close",
        requester,
        f"Disclosure recorded as {disclosure.reference}.",
    )
    assert AuditEvent.objects.get(action="disclosure.create").detail["request"] == request.reference


def test_a_police_disclosure_needs_the_officer_reference_what_was_asked_and_given_and_an_acknowledgement(
    requester: User,
) -> None:
    request = make_request(requester=requester, status=S.APPROVED)
    blank = dict.fromkeys(POLICE, "") | {"police_acknowledged_on": None}
    with pytest.raises(ValidationError) as caught:
        disclosure_record(sharing_request=request, actor=requester, **_shared(**blank))
    assert set(caught.value.message_dict) == {
        "police_officer",
        "police_reference",
        "police_requested",
        "police_given",
        "police_acknowledgement",
    }
    assert "[004 6.12]" in caught.value.message_dict["police_officer"][0]
    assert not Disclosure.objects.exists()


def test_a_safeguarding_share_now_is_recorded_while_still_in_review_and_never_blocked(
    requester: User,
) -> None:
    request = make_request(
        requester=requester,
        status=S.IG_REVIEW,
        example="safeguarding_referral",
        purpose_category="safeguarding",
    )
    disclosure = disclosure_record(
        sharing_request=request,
        actor=requester,
        # The safeguarding example's three conditions, all met; its items are its own.
        **_shared(
            **dict.fromkeys(POLICE, "") | {"police_acknowledged_on": None},
            conditions_met=[0, 1, 2],
            items=["child_name"],
        ),
    )
    assert disclosure.kind == DisclosureKind.DISCLOSURE
    request.refresh_from_db()
    assert request.status == S.IG_REVIEW


def test_a_rejected_request_records_the_refusal_and_its_rationale(requester: User, ig_officer: User) -> None:
    request = make_request(requester=requester, status=S.REJECTED)
    with pytest.raises(ValidationError) as caught:
        disclosure_record(sharing_request=request, actor=ig_officer, **_shared(refusal_rationale=""))
    assert "refusal_rationale" in caught.value.message_dict
    refusal = disclosure_record(
        sharing_request=request,
        actor=ig_officer,
        **_shared(refusal_rationale="Not necessary for the enquiry."),
    )
    assert refusal.kind == DisclosureKind.REFUSAL
    # A refusal shares nothing: no basis or method that could be read as one, nothing given to the police.
    assert (refusal.art6, refusal.transfer_method, refusal.police_given) == ("", "", "")
    request.refresh_from_db()
    assert request.status == S.REJECTED


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.IG_REVIEW, S.WITHDRAWN, S.CLOSED])
def test_nothing_is_logged_before_a_decision_or_after_closing(requester: User, status: RequestStatus) -> None:
    request = make_request(requester=requester, status=status)
    with pytest.raises(ValidationError, match="nothing is logged"):
        disclosure_record(sharing_request=request, actor=requester, **_shared())


def test_a_routine_request_becomes_a_flow_not_a_disclosure(requester: User) -> None:
    request = make_request(requester=requester, status=S.APPROVED, frequency="routine")
    with pytest.raises(ValidationError):
        disclosure_record(sharing_request=request, actor=requester, **_shared())


def test_only_the_requester_or_the_ig_team_record_it_and_only_once(
    requester: User, other_requester: User, caldicott: User, dpo: User
) -> None:
    request = make_request(requester=requester, status=S.APPROVED)
    for outsider in (other_requester, caldicott):
        with pytest.raises(PermissionDenied):
            disclosure_record(sharing_request=request, actor=outsider, **_shared())
    disclosure_record(sharing_request=request, actor=dpo, **_shared())
    request.status = S.APPROVED
    with pytest.raises(ValidationError, match="already in the disclosure log"):
        disclosure_record(sharing_request=request, actor=requester, **_shared())


def test_a_disclosure_cannot_be_dated_in_the_future(requester: User) -> None:
    request = make_request(requester=requester, status=S.APPROVED)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        disclosure_record(sharing_request=request, actor=requester, **_shared(disclosed_on=tomorrow))
    assert "disclosed_on" in caught.value.message_dict


def test_the_ig_team_logs_a_disclosure_handled_outside_the_wizard(ig_officer: User, requester: User) -> None:
    police = OrganisationFactory.create(name="Northshire Constabulary", kind="police")
    with pytest.raises(PermissionDenied):
        disclosure_record(
            sharing_request=None,
            actor=requester,
            kind="disclosure",
            recipient=police,
            purpose_category="police_crime",
            **_shared(),
        )
    logged = disclosure_record(
        sharing_request=None,
        actor=ig_officer,
        kind="disclosure",
        recipient=police,
        purpose_category="police_crime",
        **_shared(),
    )
    assert logged.outside_wizard and logged.request is None
    assert AuditEvent.objects.get(action="disclosure.create").detail["outside_wizard"] is True


# --- pages -----------------------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    return csv_rows(response)


def test_the_requester_records_the_disclosure_and_the_dpo_finds_it_and_exports_the_csv(
    requester: User, dpo: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester, status=S.APPROVED)
    client = client_for(requester)
    page = client.get(reverse("request_detail", args=[request.reference])).content.decode()
    assert reverse("request_disclosure", args=[request.reference]) in page
    form = client.get(reverse("request_disclosure", args=[request.reference]))
    # Started from the request's answers: the police details and the items asked for.
    assert "DC J. Smith 4471, County Police" in form.content.decode()
    assert "Admission and discharge dates" in form.content.decode()
    posted = {**_shared(disclosed_on=timezone.localdate().strftime("%d/%m/%Y")), "disclosed_by": requester.pk}
    posted["police_acknowledged_on"] = ""
    response = client.post(reverse("request_disclosure", args=[request.reference]), posted)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("request_detail", args=[request.reference])
    disclosure = Disclosure.objects.get()
    request.refresh_from_db()
    assert request.status == S.CLOSED

    dpo_client = client_for(dpo)
    log = dpo_client.get(reverse("disclosure_list"), {"q": request.reference}).content.decode()
    assert disclosure.reference in log
    export = dpo_client.get(reverse("disclosure_export"), {"q": request.reference})
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in export["Content-Disposition"]
    rows = _csv(export)
    assert rows[0][:6] == [
        "Reference",
        "Outcome",
        "Date",
        "Shared with or asked by",
        "Purpose",
        "What was shared or asked for",
    ]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Reference"] == disclosure.reference
    assert row["Outcome"] == "Disclosed"
    assert row["Sharing request"] == request.reference
    assert row["Police officer"] == "DC J. Smith, County Police"
    assert row["Logged outside the wizard"] == "No"
    event = AuditEvent.objects.get(action="disclosure.export")
    assert (
        event.actor == dpo
        and event.detail["rows"] == 1
        and event.detail["filters"] == {"search": request.reference}
    )


def test_the_csv_shows_exactly_what_the_filter_shows(
    ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    shared = make_disclosure(recorded_by=ig_officer)
    refused = make_disclosure(recorded_by=ig_officer, kind=DisclosureKind.REFUSAL)
    rows = _csv(client_for(dpo).get(reverse("disclosure_export"), {"kind": "refusal"}))
    assert [row[0] for row in rows[1:]] == [refused.reference]
    rows = _csv(client_for(dpo).get(reverse("disclosure_export")))
    assert {row[0] for row in rows[1:]} == {shared.reference, refused.reference}


def test_text_that_would_run_as_a_spreadsheet_formula_is_quoted(
    ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    make_disclosure(recorded_by=ig_officer, information='=HYPERLINK("http://evil.example","click")')
    make_disclosure(recorded_by=ig_officer, information="-2+3", police_officer="@SUM(A1)")
    rows = _csv(client_for(dpo).get(reverse("disclosure_export")))
    header = rows[0]
    cells = {
        (row[header.index("What was shared or asked for")], row[header.index("Police officer")])
        for row in rows[1:]
    }
    assert cells == {('\'=HYPERLINK("http://evil.example","click")', ""), ("'-2+3", "'@SUM(A1)")}


def test_requesters_see_only_the_entries_of_their_own_requests(
    requester: User, other_requester: User, client_for: ClientFor
) -> None:
    mine = make_disclosure(recorded_by=requester, request=make_request(requester=requester, status=S.CLOSED))
    theirs = make_disclosure(
        recorded_by=other_requester, request=make_request(requester=other_requester, status=S.CLOSED)
    )
    outside = make_disclosure(recorded_by=requester)
    client = client_for(requester)
    page = client.get(reverse("disclosure_list")).content.decode()
    assert mine.reference in page and theirs.reference not in page and outside.reference not in page
    rows = _csv(client.get(reverse("disclosure_export")))
    assert [row[0] for row in rows[1:]] == [mine.reference]
    assert client.get(reverse("disclosure_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("disclosure_detail", args=[mine.pk])).status_code == 200


def test_the_police_details_show_on_the_entry(ig_officer: User, dpo: User, client_for: ClientFor) -> None:
    disclosure = make_disclosure(
        recorded_by=ig_officer, **{key: value for key, value in POLICE.items() if value}
    )
    page = client_for(dpo).get(reverse("disclosure_detail", args=[disclosure.pk])).content.decode()
    assert "4471 / CR/2026/118822" in page and "Signed receipt on the request form" in page
    assert AuditEvent.objects.get(action="disclosure.view").target_label == disclosure.reference


def test_a_refused_request_offers_to_record_the_refusal(requester: User, client_for: ClientFor) -> None:
    request = make_request(requester=requester, status=S.REJECTED)
    page = client_for(requester).get(reverse("request_detail", args=[request.reference])).content.decode()
    assert "Record the refusal" in page
    form = client_for(requester).get(reverse("request_disclosure", args=[request.reference])).content.decode()
    assert "Why sharing was refused" in form and "How it was shared" not in form


def test_the_form_explains_what_is_missing(requester: User, client_for: ClientFor) -> None:
    request = make_request(requester=requester, status=S.APPROVED)
    client = client_for(requester)
    url = reverse("request_disclosure", args=[request.reference])
    empty = client.post(url, {"information": ""})
    assert empty.status_code == 200
    assert "Enter what was shared." in empty.content.decode()
    no_police = {
        **_shared(disclosed_on=timezone.localdate().strftime("%d/%m/%Y")),
        **dict.fromkeys(POLICE, ""),
        "disclosed_by": requester.pk,
    }
    content = client.post(url, no_police).content.decode()
    assert "There is a problem" in content and "record the requesting officer" in content
    assert 'href="#id_police_officer"' in content
    assert not Disclosure.objects.exists()


def test_a_request_in_review_cannot_record_a_disclosure_yet(requester: User, client_for: ClientFor) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    assert (
        client_for(requester).get(reverse("request_disclosure", args=[request.reference])).status_code == 403
    )
    assert AuditEvent.objects.get(action="access.denied").detail["answered"] == 403


def test_once_recorded_the_request_page_links_to_the_entry(requester: User, client_for: ClientFor) -> None:
    request = make_request(requester=requester, status=S.CLOSED)
    disclosure = make_disclosure(recorded_by=requester, request=request)
    client = client_for(requester)
    page = client.get(reverse("request_detail", args=[request.reference])).content.decode()
    assert reverse("disclosure_detail", args=[disclosure.pk]) in page
    response = client.get(reverse("request_disclosure", args=[request.reference]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "disclosure_detail", args=[disclosure.pk]
    )


def test_the_ig_team_logs_an_outside_disclosure_through_the_page(
    ig_officer: User, client_for: ClientFor
) -> None:
    police = OrganisationFactory.create(name="Northshire Constabulary", kind="police")
    data = {
        **_shared(disclosed_on=timezone.localdate().strftime("%d/%m/%Y"), police_acknowledged_on=""),
        "kind": "disclosure",
        "recipient": police.pk,
        "purpose_category": "police_crime",
        "disclosed_by": ig_officer.pk,
    }
    response = client_for(ig_officer).post(reverse("disclosure_create"), data)
    disclosure = Disclosure.objects.get()
    assert response["Location"] == reverse("disclosure_detail", args=[disclosure.pk])
    page = client_for(ig_officer).get(response["Location"]).content.decode()
    assert "Logged outside the wizard" in page


def test_the_disclosure_pages_refuse_the_wrong_method(requester: User, client_for: ClientFor) -> None:
    request = make_request(requester=requester, status=S.APPROVED)
    client = client_for(requester)
    assert client.delete(reverse("request_disclosure", args=[request.reference])).status_code == 405
    assert client.put(reverse("disclosure_create")).status_code == 405


def test_the_form_the_api_and_the_service_share_one_list_of_fields() -> None:
    """Every field the fullest form offers is one the service takes, and the API shows every entry field."""
    from requests_app.api.serializers.disclosures import DisclosureDetailSerializer
    from requests_app.forms.disclosures import DisclosureForm
    from requests_app.models.disclosures import APPROVAL_FIELDS, ENTRY_FIELDS
    from requests_app.services.disclosures import DETAIL_FIELDS

    outside = set(DisclosureForm().fields)
    for_request = set(
        DisclosureForm(
            kind=DisclosureKind.DISCLOSURE, police=True, items=[("A1", "Name")], conditions=("Encrypt it",)
        ).fields
    )
    # The arguments the service takes itself, beside the detail fields.
    assert outside - set(DETAIL_FIELDS) == {"kind", "recipient", "purpose_category"}
    assert for_request == set(DETAIL_FIELDS) - {"refusal_rationale"}
    assert set(ENTRY_FIELDS) | set(APPROVAL_FIELDS) <= {field.name for field in Disclosure._meta.fields}
    assert set(ENTRY_FIELDS) <= set(DisclosureDetailSerializer.Meta.fields)
    refusal = set(DisclosureForm(kind=DisclosureKind.REFUSAL, police=True).fields)
    assert "refusal_rationale" in refusal
    assert not refusal & {"art6", "art9", "confidentiality_basis", "transfer_method", "police_given"}
