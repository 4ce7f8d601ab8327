"""DPIAs: the ten screening questions, the full assessment, DPO advice and SIRO sign-off."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from igportal.roles import Role
from requests_app.models import AuditEvent, Dpia, DpiaHistory, DpiaStatus, RiskLevel
from requests_app.models.dpias import risk_level
from requests_app.services.dpias import (
    dpia_create,
    dpia_risk_add,
    dpia_risk_remove,
    dpia_update,
    screening_from_request,
)
from requests_app.services.workflow import transition
from tests.conftest import ClientFor, MakeUser
from tests.factories import SCREENING_ALL_NO, make_dpia, make_request
from tests.requests_app.registers import csv_rows

pytestmark = pytest.mark.django_db
D = DpiaStatus

RISK: dict[str, Any] = {
    "description": "Re-identification by linkage with the ICB's own data.",
    "likelihood": 2,
    "severity": 3,
    "mitigation": "Pseudonymise at source; the key stays with the trust.",
    "residual_likelihood": 1,
    "residual_severity": 2,
}


@pytest.mark.parametrize(
    ("likelihood", "severity", "level"),
    [
        (1, 1, RiskLevel.LOW),
        (1, 2, RiskLevel.LOW),
        (2, 1, RiskLevel.LOW),
        (1, 3, RiskLevel.MEDIUM),
        (2, 2, RiskLevel.MEDIUM),
        (3, 1, RiskLevel.MEDIUM),
        (2, 3, RiskLevel.HIGH),
        (3, 2, RiskLevel.HIGH),
        (3, 3, RiskLevel.HIGH),
    ],
)
def test_the_ico_template_grid_scores_a_risk(likelihood: int, severity: int, level: RiskLevel) -> None:
    assert risk_level(likelihood, severity) == level


def test_the_screening_starts_from_the_requests_answers(requester: User, ig_officer: User) -> None:
    request = make_request(requester=requester, example="commissioning_extract_pseudonymise")
    screening = screening_from_request(request)
    assert len(screening) == 10
    assert [key for key, value in screening.items() if value] == [
        "q1_personal_data",
        "q2_sensitive_data",
        "q3_unique_identifiers",
        "q5_new_access",
    ]
    dpia = dpia_create(
        actor=ig_officer, title="Cardiology extract", screening=screening, sharing_request=request
    )
    assert dpia.full_required and dpia.screening_yes == [1, 2, 3, 5]
    assert AuditEvent.objects.get(action="dpia.create").detail["screening_yes"] == [1, 2, 3, 5]


def test_all_ten_questions_must_be_answered(ig_officer: User) -> None:
    with pytest.raises(ValidationError) as caught:
        dpia_create(actor=ig_officer, title="X", screening={"q1_personal_data": True})
    assert "screening" in caught.value.message_dict


def test_all_no_is_screened_out_and_any_yes_is_not(ig_officer: User) -> None:
    none = dpia_create(actor=ig_officer, title="Aggregate counts", screening=dict(SCREENING_ALL_NO))
    transition(none, "screen_out", actor=ig_officer)
    assert none.status == D.NOT_REQUIRED
    some = make_dpia(author=ig_officer, screening_yes=("q7_intrusive_technology",))
    with pytest.raises(ValidationError, match="question 7 is answered yes"):
        transition(some, "screen_out", actor=ig_officer)


def test_a_full_dpia_goes_to_the_dpo_for_advice_then_the_siro_signs_it_off(
    ig_officer: User, dpo: User, siro: User
) -> None:
    dpia = make_dpia(author=ig_officer, risks=0)
    with pytest.raises(ValidationError, match="Add at least one risk"):
        transition(dpia, "submit_for_advice", actor=ig_officer)
    dpia_risk_add(dpia=dpia, actor=ig_officer, **RISK)
    transition(dpia, "submit_for_advice", actor=ig_officer)
    with pytest.raises(ValidationError):
        transition(dpia, "give_advice", actor=dpo)
    transition(dpia, "give_advice", actor=dpo, comment="Proportionate once pseudonymised; review in a year.")
    with pytest.raises(PermissionDenied):
        transition(dpia, "sign_off", actor=dpo)
    transition(dpia, "sign_off", actor=siro, comment="Residual risk accepted.")
    dpia.refresh_from_db()
    assert dpia.status == D.SIGNED_OFF
    assert (dpia.dpo_advice, dpia.dpo_advice_by) == (
        "Proportionate once pseudonymised; review in a year.",
        dpo,
    )
    assert (dpia.siro_signed_by, dpia.siro_comment) == (siro, "Residual risk accepted.")
    assert dpia.next_review_on == timezone.localdate() + datetime.timedelta(days=365)
    assert dpia.residual_risk == RiskLevel.LOW
    assert [h.action for h in dpia.history.all()] == ["submit_for_advice", "give_advice", "sign_off"]


def test_nobody_advises_on_or_signs_off_what_they_wrote_or_advised_on(make_user: MakeUser) -> None:
    writer = make_user(Role.DPO, Role.SIRO)
    dpia = make_dpia(author=writer, status=D.AWAITING_DPO)
    with pytest.raises(PermissionDenied):
        transition(dpia, "give_advice", actor=writer, comment="Fine.")
    adviser = make_user(Role.DPO, Role.SIRO)
    transition(dpia, "give_advice", actor=adviser, comment="Fine.")
    for person in (writer, adviser):
        with pytest.raises(PermissionDenied):
            transition(dpia, "sign_off", actor=person)


def test_only_a_draft_is_changed_and_a_signed_off_dpia_is_reopened_for_review(ig_officer: User) -> None:
    dpia = make_dpia(author=ig_officer, status=D.SIGNED_OFF)
    with pytest.raises(ValidationError, match="reopen it"):
        dpia_update(
            dpia=dpia,
            actor=ig_officer,
            title="New",
            screening=dict(SCREENING_ALL_NO),
            processing_description="",
            necessity_assessment="",
        )
    with pytest.raises(ValidationError, match="reopen it"):
        dpia_risk_add(dpia=dpia, actor=ig_officer, **RISK)
    transition(dpia, "reopen", actor=ig_officer, comment="Annual review.")
    dpia_risk_add(dpia=dpia, actor=ig_officer, **RISK)
    assert dpia.risks.count() == 2


def test_measures_cannot_make_a_risk_worse(ig_officer: User) -> None:
    dpia = make_dpia(author=ig_officer, risks=0)
    with pytest.raises(ValidationError) as caught:
        dpia_risk_add(
            dpia=dpia,
            actor=ig_officer,
            **{**RISK, "severity": 2, "residual_likelihood": 3, "residual_severity": 3},
        )
    assert set(caught.value.message_dict) == {"residual_likelihood", "residual_severity"}


def test_a_risk_is_removed_from_a_draft(ig_officer: User) -> None:
    dpia = make_dpia(author=ig_officer, risks=1)
    dpia_risk_remove(risk=dpia.risks.get(), actor=ig_officer)
    assert not dpia.risks.exists()
    assert AuditEvent.objects.filter(action="dpia.risk_remove").exists()


DPIA_ACTIONS = ("screen_out", "submit_for_advice", "give_advice", "sign_off", "return_to_draft", "reopen")


def dpia_allowed(state: DpiaStatus, name: str, person: str, screened_yes: bool) -> bool:
    """Written out from the issue: DPO advice, SIRO sign-off, the IG team drafts."""
    ig_team = person in {"author", "ig_officer", "dpo"}
    return {
        "screen_out": state == D.DRAFT and ig_team and not screened_yes,
        "submit_for_advice": state == D.DRAFT and ig_team and screened_yes,
        "give_advice": state == D.AWAITING_DPO and person == "dpo",
        "sign_off": state == D.AWAITING_SIRO and person == "siro",
        "return_to_draft": state in {D.AWAITING_DPO, D.AWAITING_SIRO} and person in {"dpo", "siro"},
        "reopen": state in {D.SIGNED_OFF, D.NOT_REQUIRED} and ig_team,
    }[name]


@pytest.mark.parametrize("state", list(D), ids=str)
@pytest.mark.parametrize("name", DPIA_ACTIONS)
@pytest.mark.parametrize("screened_yes", [True, False], ids=["a-yes", "all-no"])
def test_only_allowed_dpia_transitions_succeed(
    make_user: MakeUser, state: DpiaStatus, name: str, screened_yes: bool
) -> None:
    people = {
        "author": make_user(Role.IG_OFFICER),
        "ig_officer": make_user(Role.IG_OFFICER),
        "dpo": make_user(Role.DPO),
        "siro": make_user(Role.SIRO),
        "caldicott": make_user(Role.CALDICOTT_GUARDIAN),
        "auditor": make_user(Role.AUDITOR),
        "requester": make_user(Role.REQUESTER),
    }
    for person, user in people.items():
        with transaction.atomic():
            dpia = make_dpia(
                author=people["author"],
                status=state,
                screening_yes=("q1_personal_data",) if screened_yes else (),
            )
            try:
                transition(dpia, name, actor=user, comment="Because.")
            except (PermissionDenied, ValidationError):
                succeeded = False
            else:
                succeeded = True
            assert succeeded is dpia_allowed(state, name, person, screened_yes), (state, name, person)
            assert DpiaHistory.objects.filter(dpia=dpia).count() == int(succeeded)
            transaction.set_rollback(True)


# --- pages -----------------------------------------------------------------------------------------------


def _screening_post(yes: tuple[str, ...] = ()) -> dict[str, str]:
    return {question: "yes" if question in yes else "no" for question in SCREENING_ALL_NO}


def test_the_ig_team_starts_a_dpia_from_a_request_and_adds_a_risk(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester, example="commissioning_extract_pseudonymise")
    client = client_for(ig_officer)
    url = f"{reverse('dpia_create')}?request={request.reference}"
    form = client.get(url).content.decode()
    assert "Will the sharing result in the processing of personal identifiable information" in form
    response = client.post(
        url,
        {
            "title": "Cardiology extract",
            "processing_description": "Monthly extract.",
            "necessity_assessment": "Needed to plan services.",
            **_screening_post(("q1_personal_data", "q5_new_access")),
        },
    )
    dpia = Dpia.objects.get()
    assert response["Location"] == reverse("dpia_detail", args=[dpia.pk])
    assert dpia.request == request and dpia.screening_yes == [1, 5]
    added = client.post(reverse("dpia_risk_add", args=[dpia.pk]), {**RISK})
    assert added.status_code == 302
    page = client.get(reverse("dpia_detail", args=[dpia.pk])).content.decode()
    assert "Re-identification by linkage" in page and "Send to the DPO for advice" in page


def test_an_unanswered_screening_question_is_explained(ig_officer: User, client_for: ClientFor) -> None:
    post = _screening_post()
    del post["q10_intrusive_contact"]
    response = client_for(ig_officer).post(reverse("dpia_create"), {"title": "X", **post})
    assert response.status_code == 200 and "Answer yes or no." in response.content.decode()
    assert not Dpia.objects.exists()


def test_the_siro_signs_off_through_the_page(
    ig_officer: User, dpo: User, siro: User, client_for: ClientFor
) -> None:
    dpia = make_dpia(author=ig_officer, status=D.AWAITING_SIRO)
    client = client_for(siro)
    page = client.get(reverse("dpia_detail", args=[dpia.pk])).content.decode()
    assert "Sign off the DPIA" in page
    url = reverse("dpia_transition", args=[dpia.pk, "sign_off"])
    # No rationale, no signature; with one, first the confirmation of what is being signed.
    assert client.post(url, {"comment": ""}).status_code == 400
    response = client.post(url, {"comment": "Residual risk accepted."})
    assert response.status_code == 200 and "Confirm and sign off" in response.content.decode()
    dpia.refresh_from_db()
    assert dpia.status == D.AWAITING_SIRO
    response = client.post(url, {"comment": "Residual risk accepted.", "confirmed": "True"})
    assert response.status_code == 302
    dpia.refresh_from_db()
    assert dpia.status == D.SIGNED_OFF and dpia.siro_signed_by == siro


def test_the_dpia_csv_carries_the_residual_risk(ig_officer: User, dpo: User, client_for: ClientFor) -> None:
    dpia = make_dpia(author=ig_officer, risks=2)
    response = client_for(dpo).get(reverse("dpia_export"))
    rows = csv_rows(response)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Reference"] == dpia.reference
    assert (row["Screening questions answered yes"], row["Risks"], row["Highest residual risk"]) == (
        "1",
        "2",
        "Low",
    )


def test_the_dpia_pages_refuse_the_wrong_method(ig_officer: User, client_for: ClientFor) -> None:
    dpia = make_dpia(author=ig_officer)
    client = client_for(ig_officer)
    assert client.get(reverse("dpia_risk_add", args=[dpia.pk])).status_code == 405
    assert client.put(reverse("dpia_edit", args=[dpia.pk])).status_code == 405


def test_the_ig_team_changes_a_draft_and_removes_a_risk_through_the_pages(
    ig_officer: User, client_for: ClientFor
) -> None:
    dpia = make_dpia(author=ig_officer, risks=1)
    client = client_for(ig_officer)
    form = client.get(reverse("dpia_edit", args=[dpia.pk])).content.decode()
    assert 'value="Cardiology extract"' in form
    response = client.post(
        reverse("dpia_edit", args=[dpia.pk]),
        {
            "title": "Cardiology extract, revised",
            "processing_description": "Quarterly now.",
            "necessity_assessment": "Still needed.",
            **_screening_post(("q2_sensitive_data",)),
        },
    )
    assert response["Location"] == reverse("dpia_detail", args=[dpia.pk])
    dpia.refresh_from_db()
    assert (dpia.title, dpia.screening_yes) == ("Cardiology extract, revised", [2])
    removed = client.post(reverse("dpia_risk_remove", args=[dpia.pk, dpia.risks.get().pk]))
    assert removed.status_code == 302 and not dpia.risks.exists()
    assert client.post(reverse("dpia_risk_remove", args=[dpia.pk, 999999])).status_code == 404
