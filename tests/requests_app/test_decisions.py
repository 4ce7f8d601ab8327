"""Decisions that stand up later: overrides, conditions that travel, no close without a record.

Engine outcomes come from the worked examples' real results: ``consent_withdrawn`` is "do not share",
``gp_referral_direct_care`` is "share", ``police_admission_dates`` is "decision by the Caldicott Guardian"
with two conditions (remove the diagnosis; record the police disclosure).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from requests_app.models import (
    AuditEvent,
    DataItemType,
    Disclosure,
    OverrideKind,
    RequestStatus,
    SharingRequest,
    SignOff,
)
from requests_app.services.documents import decision_record_render
from requests_app.services.overrides import (
    engine_conditions,
    reason_is_substantial,
    sharing_request_decide,
    starting_conditions,
)
from requests_app.services.workflow import request_comment_add, transition
from tests.conftest import ClientFor
from tests.factories import make_request

pytestmark = pytest.mark.django_db
S = RequestStatus
REASON = "The patient's solicitor confirmed in writing that consent was given again on 2 December."
DIAGNOSIS_REASON = (
    "The officer needs the diagnosis to judge the risk the patient poses to others on the ward."
)
POLICE_KEPT = ["R-POLICE-NECESSARY-ONLY", "R-POLICE-RECORD"]


@pytest.mark.parametrize(
    ("text", "substantial"),
    [
        ("", False),
        ("ok", False),
        ("x" * 60, False),
        ("see email see email see email see email see email", True),
        ("Agreed.                                                 ", False),
        (REASON, True),
    ],
)
def test_a_reason_of_real_length_is_a_sentence_not_padding(text: str, substantial: bool) -> None:
    assert reason_is_substantial(text) is substantial


def test_approving_do_not_share_needs_a_real_reason_and_is_recorded_as_an_override(
    requester: User, ig_officer: User
) -> None:
    request = make_request(
        requester=requester, status=S.IG_REVIEW, example="consent_withdrawn", stages=("ig_dpo",)
    )
    for weak in ("", "Fine."):
        with pytest.raises(ValidationError, match="overrides the engine"):
            sharing_request_decide(
                sharing_request=request, actor=ig_officer, decision="approve", kept_keys=[], reasons=weak
            )
    # However the decision is made, the workflow service refuses the unexplained override too.
    with pytest.raises(ValidationError, match="overrides the engine"):
        transition(request, "approve", actor=ig_officer, comment="Fine.")
    request.refresh_from_db()
    assert request.status == S.IG_REVIEW and not SignOff.objects.exists()

    sharing_request_decide(
        sharing_request=request, actor=ig_officer, decision="approve", kept_keys=[], reasons=REASON
    )
    signoff = SignOff.objects.get()
    assert (signoff.override, signoff.engine_outcome) == (OverrideKind.APPROVED_DO_NOT_SHARE, "do_not_share")
    event = AuditEvent.objects.get(action="request.override")
    assert event.detail["override"] == "approved_do_not_share"
    assert event.detail["rules"] == request.assessments.get().rules_version


def test_refusing_share_is_an_override_and_sending_back_for_changes_is_not(
    requester: User, ig_officer: User, dpo: User
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW, example="gp_referral_direct_care")
    with pytest.raises(ValidationError, match="refused what the engine advised to share"):
        sharing_request_decide(
            sharing_request=request, actor=ig_officer, decision="reject", kept_keys=None, reasons="No."
        )
    sharing_request_decide(
        sharing_request=request, actor=ig_officer, decision="reject", kept_keys=None, reasons=REASON
    )
    assert SignOff.objects.get().override == OverrideKind.REFUSED_SHARE

    other = make_request(requester=requester, status=S.IG_REVIEW, example="gp_referral_direct_care")
    sharing_request_decide(
        sharing_request=other, actor=dpo, decision="request_changes", kept_keys=None, reasons="Which ward?"
    )
    assert SignOff.objects.get(request=other).override == ""


def test_dropping_one_of_the_engines_conditions_is_an_override_and_the_rest_travel(
    requester: User, ig_officer: User, caldicott: User
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    # Keeping conditions but choosing plain "Approve" is refused: the signer must say which it is.
    with pytest.raises(ValidationError, match="Approve with conditions"):
        sharing_request_decide(
            sharing_request=request, actor=ig_officer, decision="approve", kept_keys=POLICE_KEPT, reasons=""
        )
    sharing_request_decide(
        sharing_request=request,
        actor=ig_officer,
        decision="approve_with_conditions",
        kept_keys=POLICE_KEPT,
        required_method="secure_email",
        reasons="Necessary for the enquiry, as the police form sets out.",
    )
    ig = SignOff.objects.get(stage="ig_dpo")
    assert ig.override == "" and [c["key"] for c in ig.kept_conditions] == POLICE_KEPT

    with pytest.raises(ValidationError, match="overrides the engine"):
        sharing_request_decide(
            sharing_request=request,
            actor=caldicott,
            decision="approve_with_conditions",
            kept_keys=["R-POLICE-RECORD"],
            reasons="Diagnosis too.",
        )
    sharing_request_decide(
        sharing_request=request,
        actor=caldicott,
        decision="approve_with_conditions",
        kept_keys=["R-POLICE-RECORD"],
        reasons=DIAGNOSIS_REASON,
    )
    guardian = SignOff.objects.get(stage="caldicott_guardian")
    assert guardian.override == OverrideKind.DROPPED_CONDITIONS
    assert [c["key"] for c in guardian.dropped_conditions] == ["R-POLICE-NECESSARY-ONLY"]


def _approve_police_request(requester: User, ig_officer: User, caldicott: User) -> SharingRequest:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    for signer in (ig_officer, caldicott):
        sharing_request_decide(
            sharing_request=request,
            actor=signer,
            decision="approve_with_conditions",
            kept_keys=POLICE_KEPT,
            required_method="secure_email",
            reasons="Necessary for the enquiry, as the police form sets out.",
        )
    request.refresh_from_db()
    assert request.status == S.APPROVED_WITH_CONDITIONS
    return request


def test_the_disclosure_form_offers_no_removed_item_and_starts_from_the_approved_method(
    requester: User, ig_officer: User, caldicott: User, client_for: ClientFor
) -> None:
    request = _approve_police_request(requester, ig_officer, caldicott)
    client = client_for(requester)
    url = reverse("request_disclosure", args=[request.reference])
    page = client.get(url).content.decode()
    assert 'value="admission_dates"' in page and 'value="diagnosis"' not in page
    assert '<option value="secure_email" selected>' in page
    assert "Approved method: <strong>Secure email (NHSmail" in page
    form = {
        "items": ["patient_name", "date_of_birth", "admission_dates"],
        "information": "Admission and discharge dates for March 2026.",
        "disclosed_on": timezone.localdate().strftime("%d/%m/%Y"),
        "disclosed_by": str(requester.pk),
        "art6": "e_public_task",
        "art9": "g_substantial_public_interest",
        "confidentiality_basis": "overriding_public_interest",
        "transfer_method": "post",
        "conditions_met": ["0", "1", "2"],
        "police_officer": "DC Jones",
        "police_reference": "CID-4411",
        "police_requested": "Admission dates",
        "police_given": "Admission and discharge dates",
        "police_acknowledgement": "Signed receipt",
    }
    # The diagnosis cannot be posted into the items: it is not a choice.
    refused = client.post(url, {**form, "items": ["diagnosis"]})
    assert refused.status_code == 200 and not Disclosure.objects.exists()
    # Another method than the approved one departs from a condition: it needs a reason.
    response = client.post(url, form)
    assert "departs from the approval" in response.content.decode()
    assert not Disclosure.objects.exists()
    response = client.post(
        url,
        {
            **form,
            "departure_reason": "Secure email was down for two days and the officer needed it that day.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    disclosure = Disclosure.objects.get()
    assert disclosure.items == ["patient_name", "date_of_birth", "admission_dates"]
    assert disclosure.departures == ["shared by another method than secure email"]
    request.refresh_from_db()
    assert request.status == S.CLOSED
    detail = client_for(ig_officer).get(reverse("disclosure_detail", args=[disclosure.pk])).content.decode()
    assert "Departs from the conditions" in detail


def test_a_basis_the_engine_found_invalid_is_not_prefilled(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    request = make_request(
        requester=requester, status=S.IG_REVIEW, example="consent_withdrawn", stages=("ig_dpo",)
    )
    sharing_request_decide(
        sharing_request=request, actor=ig_officer, decision="approve", kept_keys=[], reasons=REASON
    )
    page = client_for(requester).get(reverse("request_disclosure", args=[request.reference])).content.decode()
    answers = request.assessments.get().answers["lawful_basis"]
    assert f'<option value="{answers["confidentiality_basis"]}" selected>' not in page
    assert f'<option value="{answers["art6"]}" selected>' in page


def test_a_one_off_request_closes_only_with_its_log_entry_or_as_not_shared(
    requester: User, ig_officer: User, caldicott: User, client_for: ClientFor
) -> None:
    request = _approve_police_request(requester, ig_officer, caldicott)
    with pytest.raises(ValidationError, match="disclosure log"):
        transition(request, "close", actor=requester)
    client = client_for(requester)
    page = client.get(reverse("request_detail", args=[request.reference])).content.decode()
    assert "Mark as shared and closed" not in page and "Record what was shared" in page
    assert "Close as not shared after all" in page
    url = reverse("request_transition", args=[request.reference, "not_shared"])
    response = client.post(url, {"comment": ""})
    assert response.status_code == 400 and "Give your reasons" in response.content.decode()
    response = client.post(url, {"comment": "The police withdrew the request."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == S.NOT_SHARED


def test_the_auditor_browses_every_request_and_cannot_comment(
    requester: User, auditor: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW, title="Admission dates")
    make_request(requester=requester, status=S.DRAFT, title="Unfinished draft")
    client = client_for(auditor)
    assert "See every sharing request" in client.get(reverse("request_list")).content.decode()
    listing = client.get(reverse("request_browse"), {"purpose": "police_crime"}).content.decode()
    assert request.reference in listing and "Unfinished draft" not in listing
    assert "Decision by the Caldicott Guardian" in listing
    page = client.get(reverse("request_detail", args=[request.reference])).content.decode()
    main = page[page.index("<main") :]
    assert 'method="post"' not in main
    response = client.post(reverse("request_comment", args=[request.reference]), {"body": "Noted."})
    assert response.status_code == 403
    assert not request.comments.exists()


def test_the_override_log_filters_by_kind_and_rules_version(
    requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    approved = make_request(
        requester=requester, status=S.IG_REVIEW, example="consent_withdrawn", stages=("ig_dpo",)
    )
    sharing_request_decide(
        sharing_request=approved, actor=ig_officer, decision="approve", kept_keys=[], reasons=REASON
    )
    refused = make_request(requester=requester, status=S.IG_REVIEW, example="gp_referral_direct_care")
    sharing_request_decide(
        sharing_request=refused, actor=ig_officer, decision="reject", kept_keys=None, reasons=REASON
    )
    client = client_for(dpo)
    everything = client.get(reverse("override_list")).content.decode()
    assert approved.reference in everything and refused.reference in everything
    only = client.get(reverse("override_list"), {"override": "refused_share"}).content.decode()
    assert refused.reference in only and approved.reference not in only
    version = approved.assessments.get().rules_version
    assert (
        approved.reference
        in client.get(reverse("override_list"), {"rules_version": version}).content.decode()
    )
    assert (
        approved.reference
        not in client.get(reverse("override_list"), {"rules_version": "0.0.0"}).content.decode()
    )
    queue = client.get(reverse("request_browse")).content.decode()
    assert "Overridden" in queue


def test_the_decision_record_pdf_shows_the_advice_each_decision_the_override_and_the_conditions(
    requester: User,
    ig_officer: User,
    caldicott: User,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    sharing_request_decide(
        sharing_request=request,
        actor=ig_officer,
        decision="approve_with_conditions",
        kept_keys=POLICE_KEPT,
        reasons="Necessary for the enquiry, as the police form sets out.",
    )
    with django_capture_on_commit_callbacks(execute=False):
        history = sharing_request_decide(
            sharing_request=request,
            actor=caldicott,
            decision="approve_with_conditions",
            kept_keys=["R-POLICE-RECORD"],
            required_method="secure_email",
            reasons=DIAGNOSIS_REASON,
        )
    record = decision_record_render(history_id=history.pk)
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(record.file.read())).pages).split()
    )
    assert "The rules engine's advice: Decision by the Caldicott Guardian" in text
    # Each signer's decision, the override with its reason, and the conditions that travel.
    assert text.count("Approve with conditions") >= 2
    assert "OVERRIDE" in text
    assert "Approved without conditions the engine set" in text
    assert "judge the risk the patient poses to others on the ward" in text
    assert "Conditions dropped:" in text and "Conditions of the approval" in text
    assert "Approved method: Secure email" in text


def test_the_auditor_cannot_comment_through_the_service_either(requester: User, auditor: User) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    with pytest.raises(PermissionDenied):
        request_comment_add(sharing_request=request, author=auditor, body="Noted.")
    assert not request.comments.exists()


def test_an_override_made_through_the_workflow_service_is_audited_once(
    requester: User, ig_officer: User
) -> None:
    request = make_request(
        requester=requester, status=S.IG_REVIEW, example="consent_withdrawn", stages=("ig_dpo",)
    )
    transition(request, "approve", actor=ig_officer, comment=REASON)  # as the API does
    assert SignOff.objects.get().override == OverrideKind.APPROVED_DO_NOT_SHARE
    assert AuditEvent.objects.filter(action="request.override").count() == 1
    page = make_request(
        requester=requester, status=S.IG_REVIEW, example="consent_withdrawn", stages=("ig_dpo",)
    )
    sharing_request_decide(
        sharing_request=page, actor=ig_officer, decision="approve", kept_keys=[], reasons=REASON
    )
    assert AuditEvent.objects.filter(action="request.override").count() == 2


def test_the_flow_form_leaves_out_removed_items_and_starts_pseudonymised(
    requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    request = make_request(
        requester=requester,
        status=S.IG_REVIEW,
        example="commissioning_extract_pseudonymise",
        stages=("ig_dpo",),
        frequency="routine",
        purpose_category="planning_commissioning",
        items=("nhs_number", "ethnicity"),
    )
    keys = [c["key"] for c in engine_conditions(request.assessments.get())]
    sharing_request_decide(
        sharing_request=request,
        actor=ig_officer,
        decision="approve_with_conditions",
        kept_keys=keys,
        required_method="secure_file_transfer",
        reasons="Commissioning needs the extract, pseudonymised as the engine sets out.",
    )
    response = client_for(dpo).get(reverse("request_flow", args=[request.reference]))
    page = response.content.decode()
    assert response.status_code == 200, page[page.find("<title>") : page.find("</title>")]
    ethnicity, nhs_number = (DataItemType.objects.get(code=code).pk for code in ("ethnicity", "nhs_number"))
    assert f'name="data_items" type="checkbox" value="{ethnicity}"' not in page
    assert f'name="data_items" type="checkbox" value="{nhs_number}"' in page
    assert '<option value="secure_file_transfer" selected>' in page
    assert '<option value="pseudonymised" selected>' in page


def test_the_next_signer_starts_from_the_last_approval_whether_or_not_the_sign_offs_are_read_already(
    requester: User, ig_officer: User, caldicott: User
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    assessment = request.assessments.get()
    engine_keys = [condition["key"] for condition in engine_conditions(assessment)]

    def both() -> tuple[list[str], list[str]]:
        # asked for (the decide view) and found among the sign-offs the request page has read
        return starting_conditions(assessment), starting_conditions(
            assessment, list(assessment.signoffs.all())
        )

    assert both() == (engine_keys, engine_keys)
    sharing_request_decide(
        sharing_request=request,
        actor=ig_officer,
        decision="approve_with_conditions",
        kept_keys=POLICE_KEPT,
        required_method="secure_email",
        reasons="Necessary for the enquiry, as the police form sets out.",
    )
    assert both() == (POLICE_KEPT, POLICE_KEPT)
    # A later approval keeping less, then a refusal: the later approval is where the next stage starts.
    later = SignOff.objects.create(
        request=request,
        assessment=assessment,
        stage="caldicott_guardian",
        decision="approve_with_conditions",
        signer=caldicott,
        kept_conditions=[{"key": "R-POLICE-RECORD"}],
    )
    SignOff.objects.create(
        request=request, assessment=assessment, stage="siro", decision="reject", signer=caldicott
    )
    assert later.signed_at > SignOff.objects.get(stage="ig_dpo").signed_at
    assert both() == (["R-POLICE-RECORD"], ["R-POLICE-RECORD"])
