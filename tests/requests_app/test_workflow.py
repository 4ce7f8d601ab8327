from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from igportal.roles import Role
from requests_app.models import Assessment, RequestHistory, RequestStatus, SharingRequest, SignOff
from requests_app.services.workflow import (
    TransitionConflict,
    request_comment_add,
    sharing_request_add_stage,
    sharing_request_assign,
    transition,
)
from requests_app.tasks import notify_request_history
from tests.conftest import ClientFor, MakeUser
from tests.factories import make_request
from tests.necessity.wizard_data import item_pks, police_request_steps, post_all_steps, start_request

pytestmark = pytest.mark.django_db
S = RequestStatus


def test_a_police_request_goes_through_ig_then_the_caldicott_guardian(
    requester: User, ig_officer: User, caldicott: User, siro: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester)
    transition(request, "start_review", actor=ig_officer)
    transition(request, "approve", actor=ig_officer)
    assert request.status == S.AWAITING_CALDICOTT
    # The Caldicott Guardian now sees it; the SIRO, whose stage it never reaches, does not.
    assert client_for(caldicott).get(reverse("request_detail", args=[request.reference])).status_code == 200
    assert client_for(siro).get(reverse("request_detail", args=[request.reference])).status_code == 404
    transition(
        request,
        "approve_with_conditions",
        actor=caldicott,
        comment="Dates only.",
        conditions="Remove diagnosis.",
    )
    request.refresh_from_db()
    assert request.status == S.APPROVED_WITH_CONDITIONS
    assert [(s.stage, s.decision) for s in SignOff.objects.filter(request=request)] == [
        ("ig_dpo", "approve"),
        ("caldicott_guardian", "approve_with_conditions"),
    ]
    assert [h.action for h in request.history.all()] == ["start_review", "approve", "approve_with_conditions"]


def test_a_plain_approval_at_every_stage_ends_approved(requester: User, dpo: User, caldicott: User) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    transition(request, "approve", actor=dpo)
    transition(request, "approve", actor=caldicott)
    assert request.status == S.APPROVED


def test_conditions_at_an_early_stage_carry_to_the_final_approval(
    requester: User, dpo: User, caldicott: User
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    transition(request, "approve_with_conditions", actor=dpo, comment="Fine.", conditions="Encrypt it.")
    transition(request, "approve", actor=caldicott)
    assert request.status == S.APPROVED_WITH_CONDITIONS


def test_changes_requested_then_resubmitted_makes_a_new_assessment_and_keeps_both(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    from tests.factories import OrganisationFactory

    police = OrganisationFactory.create(kind="police", name="Northshire Constabulary")
    client = client_for(requester)
    steps = police_request_steps(police)
    request = SharingRequest.objects.get(reference=start_request(client, steps["purpose"]))
    post_all_steps(client, request.reference, steps)
    client.post(reverse("wizard_review", args=[request.reference]))
    request.refresh_from_db()
    transition(request, "start_review", actor=ig_officer)
    transition(request, "request_changes", actor=ig_officer, comment="Leave out the diagnosis altogether.")
    assert request.status == S.CHANGES_REQUESTED
    first_submitted_at = request.submitted_at

    client = client_for(requester)
    # The requester drops the health data item as asked, then justifies the items again.
    police_items = ("name", "date_of_birth", "admission_dates")
    data = {**steps["data"], "item_types": item_pks(*police_items)}
    client.post(reverse("wizard_step", args=[request.reference, "data"]), {**data, "action": "continue"})
    client.post(
        reverse("wizard_step", args=[request.reference, "police"]), {**steps["police"], "action": "continue"}
    )
    client.post(reverse("wizard_review", args=[request.reference]))
    request.refresh_from_db()
    assert request.status == S.SUBMITTED
    # Queue age counts from the first submission, so a resubmitted request does not jump the queue.
    assert request.submitted_at == first_submitted_at
    assert list(Assessment.objects.filter(request=request).values_list("number", flat=True)) == [2, 1]
    first, second = Assessment.objects.get(number=1), Assessment.objects.get(number=2)
    # The first round's sign-off stays with the first assessment; the second round starts unsigned.
    assert SignOff.objects.get().assessment == first
    assert not second.signoffs.exists()
    first_items = {item["code"] for item in first.answers["data"]["items"]}
    second_items = {item["code"] for item in second.answers["data"]["items"]}
    assert first_items - second_items == {"health_data"}


def test_nobody_signs_their_own_request(make_user: MakeUser) -> None:
    both = make_user(Role.REQUESTER, Role.IG_OFFICER)
    request = make_request(requester=both, status=S.IG_REVIEW)
    with pytest.raises(PermissionDenied):
        transition(request, "approve", actor=both)
    with pytest.raises(PermissionDenied):
        transition(make_request(requester=both), "start_review", actor=both)


def test_one_person_signs_one_stage_of_a_request(make_user: MakeUser, requester: User) -> None:
    dual = make_user(Role.IG_OFFICER, Role.CALDICOTT_GUARDIAN)
    request = make_request(requester=requester, status=S.IG_REVIEW)
    transition(request, "approve", actor=dual)
    with pytest.raises(PermissionDenied, match="a different person must sign this one"):
        transition(request, "approve", actor=dual)
    assert request.status == S.AWAITING_CALDICOTT


@pytest.mark.parametrize("decision", ["approve_with_conditions", "request_changes", "reject"])
def test_anything_but_a_plain_approval_needs_reasons(requester: User, dpo: User, decision: str) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    with pytest.raises(ValidationError) as caught:
        transition(request, decision, actor=dpo, comment="  ", conditions="Something")
    assert "comment" in caught.value.message_dict
    assert request.status == S.IG_REVIEW
    assert not SignOff.objects.exists()


def test_approval_with_conditions_needs_the_conditions(requester: User, dpo: User) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    with pytest.raises(ValidationError) as caught:
        transition(request, "approve_with_conditions", actor=dpo, comment="Fine")
    assert "conditions" in caught.value.message_dict


@pytest.mark.parametrize("closed", [S.REJECTED, S.WITHDRAWN])
def test_a_rejected_or_withdrawn_request_is_closed_to_every_action(
    requester: User, dpo: User, closed: RequestStatus
) -> None:
    request = make_request(requester=requester, status=closed)
    for name, actor in (
        ("approve", dpo),
        ("start_review", dpo),
        ("withdraw", requester),
        ("submit", requester),
    ):
        with pytest.raises((ValidationError, PermissionDenied)):
            transition(request, name, actor=actor, comment="x")


def test_the_ig_team_adds_a_siro_stage_with_a_reason(
    requester: User, ig_officer: User, caldicott: User, siro: User
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    with pytest.raises(ValidationError):
        sharing_request_add_stage(sharing_request=request, stage="siro", reason="", actor=ig_officer)
    sharing_request_add_stage(
        sharing_request=request, stage="siro", reason="Large extract; residual risk high.", actor=ig_officer
    )
    assert request.stages == ["ig_dpo", "caldicott_guardian", "siro"]
    transition(request, "approve", actor=ig_officer)
    transition(request, "approve", actor=caldicott)
    assert request.status == S.AWAITING_SIRO
    transition(request, "approve", actor=siro)
    assert request.status == S.APPROVED
    assert request.history.filter(action="add_stage").get().comment.startswith("SIRO: Large extract")


def test_only_the_ig_team_adds_stages_or_assigns(requester: User, caldicott: User, ig_officer: User) -> None:
    request = make_request(requester=requester)
    with pytest.raises(PermissionDenied):
        sharing_request_add_stage(sharing_request=request, stage="siro", reason="Because", actor=caldicott)
    with pytest.raises(PermissionDenied):
        sharing_request_assign(sharing_request=request, assignee=ig_officer, actor=caldicott)


def test_a_request_is_assigned_to_a_named_ig_officer(requester: User, ig_officer: User, dpo: User) -> None:
    request = make_request(requester=requester)
    sharing_request_assign(sharing_request=request, assignee=ig_officer, actor=dpo)
    request.refresh_from_db()
    assert request.assigned_to == ig_officer
    with pytest.raises(ValidationError):
        sharing_request_assign(sharing_request=request, assignee=requester, actor=dpo)


def test_a_stale_decision_is_told_who_decided_first(requester: User, make_user: MakeUser) -> None:
    first, second = make_user(Role.IG_OFFICER, first_name="Fay"), make_user(Role.IG_OFFICER, first_name="Sam")
    request = make_request(requester=requester, status=S.IG_REVIEW)
    stale = SharingRequest.objects.get(pk=request.pk)
    transition(request, "reject", actor=first, comment="No lawful basis.")
    with pytest.raises(TransitionConflict, match="already rejected by Fay"):
        transition(stale, "approve", actor=second)
    assert SignOff.objects.count() == 1


def _lose_the_race(monkeypatch: pytest.MonkeyPatch, request: SharingRequest, winner: User) -> None:
    """Make the page's transition find that the winner decided between page load and submit."""
    from requests_app.services.overrides import sharing_request_decide
    from requests_app.views import sharing as views

    def decided_first(**kwargs: Any) -> RequestHistory:
        transition(SharingRequest.objects.get(pk=request.pk), "approve", actor=winner)
        return sharing_request_decide(**kwargs)

    # The page signs through the decision service.
    monkeypatch.setattr(views, "sharing_request_decide", decided_first)


def test_a_conflict_answers_409_with_json_to_a_non_html_client(
    requester: User, make_user: MakeUser, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner, loser = make_user(Role.IG_OFFICER, first_name="Fay"), make_user(Role.IG_OFFICER)
    request = make_request(requester=requester, status=S.IG_REVIEW)
    _lose_the_race(monkeypatch, request, winner)
    response = client_for(loser).post(
        reverse("request_decide", args=[request.reference]),
        {"decision": "reject", "comment": "Not necessary for the enquiry.", "confirmed": "True"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert "already approved by Fay" in response.json()["error"]
    assert SignOff.objects.get().signer == winner


def test_a_conflict_shows_the_browser_who_decided_first(
    requester: User, make_user: MakeUser, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner, loser = make_user(Role.IG_OFFICER, first_name="Fay"), make_user(Role.IG_OFFICER)
    request = make_request(requester=requester, status=S.IG_REVIEW)
    _lose_the_race(monkeypatch, request, winner)
    response = client_for(loser).post(
        reverse("request_decide", args=[request.reference]),
        {"decision": "reject", "comment": "Not necessary for the enquiry.", "confirmed": "True"},
    )
    assert response.status_code == 409
    assert "already approved by Fay" in response.content.decode()


def test_notifications_go_once_to_the_next_signer_and_the_requester(
    requester: User, ig_officer: User, caldicott: User
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    transition(request, "approve", actor=ig_officer)
    history = RequestHistory.objects.get(action="approve")
    mail.outbox.clear()
    assert notify_request_history(history.pk) == 2
    assert notify_request_history(history.pk) == 0
    assert sorted(message.to[0] for message in mail.outbox) == sorted([caldicott.email, requester.email])
    assert all(request.reference in message.subject for message in mail.outbox)
    assert all("Admission" not in message.body for message in mail.outbox)


def test_comments_are_kept_and_empty_ones_refused(requester: User, ig_officer: User) -> None:
    request = make_request(requester=requester)
    with pytest.raises(ValidationError):
        request_comment_add(sharing_request=request, author=ig_officer, body="   ")
    request_comment_add(sharing_request=request, author=ig_officer, body="Please attach the police form.")
    assert request.comments.get().author == ig_officer


def test_the_request_page_offers_the_signer_a_decision_and_records_it(
    requester: User, ig_officer: User, caldicott: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    transition(request, "approve", actor=ig_officer)
    client = client_for(caldicott)
    page = client.get(reverse("request_detail", args=[request.reference])).content.decode()
    assert "Your decision" in page
    response = client.post(
        reverse("request_decide", args=[request.reference]), {"decision": "reject", "comment": ""}
    )
    assert response.status_code == 400
    assert "Give your reasons" in response.content.decode()
    unconfirmed = {"decision": "reject", "comment": "Not necessary for the enquiry."}
    response = client.post(reverse("request_decide", args=[request.reference]), unconfirmed)
    # The first post only shows what is being signed; nothing is signed until it is confirmed.
    assert response.status_code == 200
    assert "Confirm and sign" in response.content.decode()
    request.refresh_from_db()
    assert request.status == S.AWAITING_CALDICOTT
    response = client.post(
        reverse("request_decide", args=[request.reference]), {**unconfirmed, "confirmed": "True"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == S.REJECTED


def test_the_history_names_each_action_in_the_words_of_its_button(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester)
    transition(request, "start_review", actor=ig_officer)
    sharing_request_add_stage(sharing_request=request, stage="siro", reason="High risk.", actor=ig_officer)
    transition(request, "approve_with_conditions", actor=ig_officer, comment="Fine.", conditions="Encrypt.")
    page = client_for(requester).get(reverse("request_detail", args=[request.reference])).content.decode()
    history = page[page.index('data-testid="history"') :]
    assert "Start the IG review (In IG review)" in history
    assert "Add a sign-off stage (In IG review)" in history
    assert "Approve with conditions (Awaiting Caldicott Guardian)" in history
    assert "Startreview" not in history


def test_a_requester_cannot_approve_their_request_through_the_page(
    requester: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    response = client_for(requester).post(
        reverse("request_decide", args=[request.reference]), {"decision": "approve"}
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == S.IG_REVIEW


def test_extra_fields_cannot_set_the_status(requester: User, ig_officer: User, client_for: ClientFor) -> None:
    request = make_request(requester=requester, status=S.SUBMITTED)
    client_for(ig_officer).post(
        reverse("request_transition", args=[request.reference, "start_review"]),
        {"status": "approved", "requester": ig_officer.pk},
    )
    request.refresh_from_db()
    assert request.status == S.IG_REVIEW
    assert request.requester == requester


def test_an_unknown_or_decision_action_is_not_a_plain_transition(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    client = client_for(ig_officer)
    assert client.post(reverse("request_transition", args=[request.reference, "approve"])).status_code == 404
    assert client.post(reverse("request_transition", args=[request.reference, "teleport"])).status_code == 404
