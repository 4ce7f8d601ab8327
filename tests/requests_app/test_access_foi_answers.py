"""FOI and EIR answers: exemptions and exceptions with the public interest test, the redaction log and
the public disclosure log (opt-in, personal data never)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.foi_exemptions import EIR_EXCEPTIONS, EXEMPTIONS, FOIA_EXEMPTIONS, exemptions_for
from requests_app.models import AccessRequest, AccessRequestKind, AccessRequestStatus, OrganisationSettings
from requests_app.services.access import (
    access_request_create,
    access_request_redaction_add,
    access_request_transition,
    access_request_update,
)
from tests.conftest import ClientFor

pytestmark = pytest.mark.django_db


def _case(officer: User, kind: str = AccessRequestKind.FOI, days_ago: int = 5) -> AccessRequest:
    return access_request_create(
        actor=officer,
        kind=kind,
        received_on=timezone.localdate() - timedelta(days=days_ago),
        channel="email",
        requester_name="Robin Private",
        requester_email="robin@example.org",
        description="Secret Robin wording",
    )


def _respond(case: AccessRequest, officer: User, **inputs: Any) -> AccessRequest:
    return access_request_transition(
        case, "respond", actor=officer, on=timezone.localdate(), outcome="provided_in_part", **inputs
    )


def test_the_catalogue_covers_foia_part_ii_and_eir_regulations_12_and_13() -> None:
    citations = {e.citation for e in FOIA_EXEMPTIONS}
    assert {"FOIA s21", "FOIA s40(2)", "FOIA s43", "FOIA s44"} <= citations
    assert {e.citation for e in EIR_EXCEPTIONS} >= {"EIR reg 12(4)(b)", "EIR reg 12(5)(e)", "EIR reg 13"}
    # FOIA s2(3)'s absolute exemptions need no public interest test; s43 and every EIR reg 12 do.
    assert not EXEMPTIONS["foia_21"].qualified and not EXEMPTIONS["foia_41"].qualified
    assert EXEMPTIONS["foia_43"].qualified
    assert all(e.qualified for e in EIR_EXCEPTIONS if e.code.startswith("eir_12"))
    assert exemptions_for("sar") == ()


def test_withholding_under_a_qualified_exemption_needs_the_public_interest_test(ig_officer: User) -> None:
    case = _case(ig_officer)
    with pytest.raises(ValidationError) as refused:
        _respond(case, ig_officer, details="Rates withheld.", exemptions=["foia_43"])
    assert "public_interest_foia_43" in refused.value.message_dict
    case = AccessRequest.objects.get(pk=case.pk)
    assert case.status == AccessRequestStatus.RECEIVED and not case.exemptions.exists()
    _respond(
        case,
        ig_officer,
        details="Rates withheld.",
        exemptions=["foia_43", "foia_40(2)"],
        public_interest={"foia_43": "Re-tender next spring outweighs it."},
    )
    rows = {row.code: row.public_interest for row in case.exemptions.all()}
    assert rows == {"foia_43": "Re-tender next spring outweighs it.", "foia_40(2)": ""}


def test_withholding_in_part_names_an_exemption(ig_officer: User) -> None:
    case = _case(ig_officer)
    with pytest.raises(ValidationError) as refused:
        _respond(case, ig_officer, details="Some withheld.")
    assert "exemptions" in refused.value.message_dict


def test_a_foi_refusal_names_its_exemption_and_an_eir_one_its_exception(ig_officer: User) -> None:
    foi = _case(ig_officer)
    with pytest.raises(ValidationError):
        access_request_transition(
            foi, "close", actor=ig_officer, on=timezone.localdate(), outcome="refused", details="Absolute."
        )
    access_request_transition(
        AccessRequest.objects.get(pk=foi.pk),
        "close",
        actor=ig_officer,
        on=timezone.localdate(),
        outcome="refused",
        details="Court records.",
        exemptions=["foia_32"],
    )
    eir = _case(ig_officer, kind=AccessRequestKind.EIR)
    with pytest.raises(ValidationError) as refused:
        _respond(eir, ig_officer, details="x", exemptions=["foia_43"], public_interest={"foia_43": "x"})
    assert "exemptions" in refused.value.message_dict


def test_a_sar_takes_no_foi_exemptions(ig_officer: User) -> None:
    case = _case(ig_officer, kind=AccessRequestKind.SAR)
    access_request_transition(case, "verify_identity", actor=ig_officer, on=case.received_on, method="known")
    with pytest.raises(ValidationError) as refused:
        _respond(case, ig_officer, details="Third party data withheld.", exemptions=["foia_40(2)"])
    assert "exemptions" in refused.value.message_dict


def test_under_foisa_the_scottish_exemptions_apply(ig_officer: User) -> None:
    settings_row = OrganisationSettings.load()
    settings_row.foi_regime = "foisa"
    settings_row.save()
    case = _case(ig_officer)
    _respond(
        case, ig_officer, details="x", exemptions=["foisa_33"], public_interest={"foisa_33": "Outweighed."}
    )
    assert case.exemptions.get().exemption.citation == "FOISA s33"


def test_the_redaction_log_records_each_withholding_in_the_history(ig_officer: User) -> None:
    case = _case(ig_officer)
    access_request_redaction_add(
        case=case, actor=ig_officer, document="Contract", location="p. 3", withheld="Rates", code="foia_43"
    )
    assert case.redactions.get().exemption.citation == "FOIA s43"
    assert case.history.filter(action="redaction").exists()
    sar = _case(ig_officer, kind=AccessRequestKind.SAR)
    with pytest.raises(ValidationError):
        access_request_redaction_add(case=sar, actor=ig_officer, document="x", withheld="x", code="foia_43")


def test_the_redaction_form_keeps_what_was_typed_when_refused(
    client_for: ClientFor, ig_officer: User
) -> None:
    case = _case(ig_officer)
    response = client_for(ig_officer).post(
        reverse("access_request_redaction", args=[case.pk]), {"document": "Board paper 12", "withheld": ""}
    )
    assert response.status_code == 200
    assert "Say what was withheld." in response.content.decode()
    assert "Board paper 12" in response.content.decode()


def test_the_disclosure_log_shows_only_published_answers_and_no_personal_data(
    client: Client, ig_officer: User
) -> None:
    published = _case(ig_officer)
    _respond(
        published, ig_officer, details="x", exemptions=["foia_43"], public_interest={"foia_43": "Outweighed."}
    )
    with pytest.raises(ValidationError) as refused:
        access_request_update(case=published, actor=ig_officer, publish_in_disclosure_log=True)
    assert "disclosure_log_summary" in refused.value.message_dict
    access_request_update(
        case=published,
        actor=ig_officer,
        publish_in_disclosure_log=True,
        disclosure_log_summary="Agency contracts, rates withheld.",
    )
    unpublished = _case(ig_officer)
    _respond(unpublished, ig_officer, details="x", exemptions=["foia_21"])
    open_but_opted_in = _case(ig_officer)
    access_request_update(
        case=open_but_opted_in,
        actor=ig_officer,
        publish_in_disclosure_log=True,
        disclosure_log_summary="Later.",
    )
    page = client.get(reverse("disclosure_log"))
    assert page.status_code == 200
    body = page.content.decode()
    assert published.reference in body and "Agency contracts, rates withheld." in body
    assert "FOIA s43" in body
    assert unpublished.reference not in body and open_but_opted_in.reference not in body
    assert "Robin" not in body and "robin@example.org" not in body


def test_a_sar_is_never_published(ig_officer: User) -> None:
    case = _case(ig_officer, kind=AccessRequestKind.SAR)
    with pytest.raises(ValidationError) as refused:
        access_request_update(
            case=case, actor=ig_officer, publish_in_disclosure_log=True, disclosure_log_summary="x"
        )
    assert "publish_in_disclosure_log" in refused.value.message_dict


# --- a public interest test for each qualified exemption -------------------------------------------------


def test_each_qualified_exemption_carries_its_own_public_interest_test(ig_officer: User) -> None:
    case = _case(ig_officer)
    # Two qualified exemptions and one test: the one without its own test is named, nothing is stored.
    with pytest.raises(ValidationError) as refused:
        _respond(
            case,
            ig_officer,
            details="Rates and board advice withheld.",
            exemptions=["foia_43", "foia_36", "foia_40(2)"],
            public_interest={"foia_43": "Re-tender next spring."},
        )
    assert set(refused.value.message_dict) == {"public_interest_foia_36"}
    assert "FOIA s36" in refused.value.message_dict["public_interest_foia_36"][0]
    case = AccessRequest.objects.get(pk=case.pk)
    assert not case.exemptions.exists()
    _respond(
        case,
        ig_officer,
        details="Rates and board advice withheld.",
        exemptions=["foia_43", "foia_36", "foia_40(2)"],
        public_interest={"foia_43": "Re-tender next spring.", "foia_36": "Free and frank advice."},
    )
    rows = {row.code: row.public_interest for row in case.exemptions.all()}
    assert rows == {
        "foia_43": "Re-tender next spring.",
        "foia_36": "Free and frank advice.",
        "foia_40(2)": "",
    }


def test_a_test_for_an_absolute_or_unticked_exemption_is_refused(ig_officer: User) -> None:
    case = _case(ig_officer)
    with pytest.raises(ValidationError) as refused:
        _respond(
            case,
            ig_officer,
            details="Personal data withheld.",
            exemptions=["foia_40(2)"],
            public_interest={"foia_40(2)": "Not applicable.", "foia_43": "Not relied on."},
        )
    assert set(refused.value.message_dict) == {"public_interest_foia_40(2)", "public_interest_foia_43"}
    assert "not a qualified exemption relied on" in refused.value.message_dict["public_interest_foia_43"][0]


def test_the_response_form_asks_for_a_test_per_qualified_exemption_and_the_case_shows_each(
    client_for: ClientFor, ig_officer: User
) -> None:
    case = _case(ig_officer)
    client = client_for(ig_officer)
    url = reverse("access_request_transition", args=[case.pk, "respond"])
    # The case page carries the move's form.
    form_page = client.get(reverse("access_request_detail", args=[case.pk])).content.decode()
    # One box per qualified exemption; none for an absolute one.
    assert 'name="public_interest_foia_43"' in form_page and 'name="public_interest_foia_36"' in form_page
    assert 'name="public_interest_foia_21"' not in form_page
    assert 'name="public_interest"' not in form_page
    today = timezone.localdate()
    posted = {
        "on": f"{today.day}/{today.month}/{today.year}",
        "outcome": "provided_in_part",
        "details": "Rates and board advice withheld.",
        "exemptions": ["foia_43", "foia_36", "foia_21"],
        "public_interest_foia_43": "Re-tender next spring outweighs openness on spend.",
        "public_interest_foia_36": "",
    }
    refused = client.post(url, posted)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Record the public interest test for FOIA s36" in body
    # What was typed is kept.
    assert "Re-tender next spring outweighs openness on spend." in body
    posted["public_interest_foia_36"] = "<b>Free and frank</b> advice to the board."
    assert client.post(url, posted).status_code == 302
    detail = client.get(reverse("access_request_detail", args=[case.pk])).content.decode()
    assert "Re-tender next spring outweighs openness on spend." in detail
    # Escaped, like everything typed.
    assert "&lt;b&gt;Free and frank&lt;/b&gt; advice to the board." in detail
    rows = {row.code: row.public_interest for row in case.exemptions.all()}
    assert rows["foia_21"] == "" and rows["foia_36"].startswith("<b>Free")


def test_under_foisa_an_eir_answer_relies_on_the_eisr_exceptions(ig_officer: User) -> None:
    from requests_app.foi_exemptions import EISR_EXCEPTIONS

    assert {e.citation for e in EISR_EXCEPTIONS} >= {"EISR reg 10(4)(b)", "EISR reg 10(5)(e)", "EISR reg 11"}
    assert all(e.qualified for e in EISR_EXCEPTIONS if e.code.startswith("eisr_10"))
    assert not EXEMPTIONS["eisr_11"].qualified
    settings_row = OrganisationSettings.load()
    settings_row.foi_regime = "foisa"
    settings_row.save()
    eir = _case(ig_officer, kind=AccessRequestKind.EIR)
    with pytest.raises(ValidationError) as refused:
        _respond(
            eir, ig_officer, details="x", exemptions=["eir_12(5)(e)"], public_interest={"eir_12(5)(e)": "x"}
        )
    assert "exemptions" in refused.value.message_dict
    _respond(
        eir,
        ig_officer,
        details="Commercial terms withheld.",
        exemptions=["eisr_10(5)(e)", "eisr_11"],
        public_interest={"eisr_10(5)(e)": "The presumption in favour of disclosure is outweighed."},
    )
    assert [row.exemption.citation for row in eir.exemptions.all()] == ["EISR reg 10(5)(e)", "EISR reg 11"]
