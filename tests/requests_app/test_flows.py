"""The data flow register: an approved routine request becomes a flow under an ISA in force."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from igportal.roles import Role
from requests_app.models import (
    AgreementDocument,
    AgreementStatus,
    AuditEvent,
    DataFlow,
    DataFlowHistory,
    DataFlowStatus,
    DataItemType,
    PartnerSignatory,
    RequestStatus,
    SignatoryRole,
)
from requests_app.services.flows import data_flow_create, data_flow_review
from requests_app.services.workflow import transition
from tests.conftest import ClientFor, MakeUser
from tests.factories import make_agreement, make_flow, make_request, sign_for_every_partner
from tests.requests_app.registers import csv_rows

pytestmark = pytest.mark.django_db
F = DataFlowStatus
Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _routine(requester: User, **kwargs: Any) -> Any:
    return make_request(
        requester=requester,
        status=kwargs.pop("status", RequestStatus.APPROVED),
        example="commissioning_extract_pseudonymise",
        purpose_category="planning_commissioning",
        frequency="routine",
        items=("nhs_number", "date_of_birth", "health_data"),
        **kwargs,
    )


def _flow_data(ig_officer: User, **changes: Any) -> dict[str, Any]:
    return {
        "name": "Monthly cardiology activity extract",
        "source_asset": "Cardiology PAS",
        "asset_owner": ig_officer,
        "schedule": "monthly",
        "next_review_on": timezone.localdate() + datetime.timedelta(days=365),
        "data_form": "pseudonymised",
        "data_items": list(DataItemType.objects.filter(code__in=["nhs_number", "health_data"])),
        "art6": "e_public_task",
        "art9": "h_health_social_care",
        "confidentiality_basis": "section_251",
        "transfer_method": "secure_file_transfer",
        "agreement": None,
        "new_agreement": True,
        **changes,
    }


def test_a_routine_request_becomes_a_flow_under_a_new_isa_that_starts_it_when_approved(
    requester: User, ig_officer: User, caldicott: User, django_capture_on_commit_callbacks: Capture
) -> None:
    request = _routine(requester)
    flow = data_flow_create(sharing_request=request, actor=ig_officer, **_flow_data(ig_officer))
    assert flow.status == F.AWAITING_ISA and flow.reference.startswith("DF-")
    assert (flow.recipient, flow.frequency, flow.purpose_category) == (
        request.recipient,
        "routine",
        "planning_commissioning",
    )
    assert flow.purpose == "Monthly activity extract to plan community cardiology services."
    assert flow.agreement is not None
    draft = flow.agreement.versions.get()
    # The draft starts from the flow as registered (its partner, purpose, bases and items), what the
    # request said about retention, and the standard template's clauses.
    assert draft.status == AgreementStatus.DRAFT
    assert list(draft.parties.all()) == [request.recipient]
    assert draft.purpose == flow.purpose
    assert (draft.art6, draft.confidentiality_basis, draft.data_form) == (
        "e_public_task",
        "section_251",
        "pseudonymised",
    )
    assert {item.code for item in draft.data_items.all()} == {"nhs_number", "health_data"}
    assert draft.retention == "Two years, then deleted." and draft.onward_sharing_prohibited
    assert flow.agreement.title == request.recipient.name

    assert request.recipient is not None
    PartnerSignatory.objects.create(
        organisation=request.recipient,
        name="Pat Partner",
        role=SignatoryRole.DPO,
        email="pat@partner.example",
    )
    transition(draft, "submit_for_approval", actor=ig_officer)
    with django_capture_on_commit_callbacks(execute=True):
        transition(draft, "approve", actor=caldicott)
    flow.refresh_from_db()
    # The Caldicott Guardian's approval is our signature: the flow waits for the partner's too.
    assert flow.status == F.AWAITING_ISA
    with django_capture_on_commit_callbacks(execute=True):
        sign_for_every_partner(draft)
    flow.refresh_from_db()
    assert flow.status == F.ACTIVE
    started = DataFlowHistory.objects.get(flow=flow)
    # Started by the portal when the partner, who has no account, signed last.
    assert (started.action, started.actor) == ("activate", None)
    assert AgreementDocument.objects.filter(version=draft).exists()


def test_an_existing_isa_in_force_that_names_the_recipient_starts_the_flow_at_once(
    requester: User, ig_officer: User
) -> None:
    request = _routine(requester)
    covering = make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE, parties=[request.recipient])
    flow = data_flow_create(
        sharing_request=request,
        actor=ig_officer,
        **_flow_data(ig_officer, agreement=covering.agreement, new_agreement=False),
    )
    assert flow.status == F.ACTIVE and flow.agreement == covering.agreement
    assert [e.action for e in AuditEvent.objects.order_by("id")] == [
        "data_flow.create",
        "data_flow.transition",
    ]


def test_an_isa_must_be_in_force_and_name_the_recipient(requester: User, ig_officer: User) -> None:
    request = _routine(requester)
    elsewhere = make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE)
    draft = make_agreement(author=ig_officer, parties=[request.recipient])
    for agreement, message in ((elsewhere.agreement, "does not name"), (draft.agreement, "is not in force")):
        with pytest.raises(ValidationError, match=message):
            data_flow_create(
                sharing_request=request,
                actor=ig_officer,
                **_flow_data(ig_officer, agreement=agreement, new_agreement=False),
            )
    with pytest.raises(ValidationError, match="Choose the agreement"):
        data_flow_create(
            sharing_request=request, actor=ig_officer, **_flow_data(ig_officer, new_agreement=False)
        )
    assert not DataFlow.objects.exists()


@pytest.mark.parametrize(
    ("status", "frequency", "message"),
    [
        (RequestStatus.IG_REVIEW, "routine", "not approved"),
        (RequestStatus.REJECTED, "bulk", "not approved"),
        (RequestStatus.APPROVED, "one_off", "one-off disclosure"),
    ],
)
def test_only_an_approved_routine_or_bulk_request_becomes_a_flow(
    requester: User, ig_officer: User, status: RequestStatus, frequency: str, message: str
) -> None:
    request = make_request(requester=requester, status=status, frequency=frequency)
    with pytest.raises(ValidationError, match=message):
        data_flow_create(sharing_request=request, actor=ig_officer, **_flow_data(ig_officer))


def test_only_the_ig_team_registers_a_flow_and_only_once(
    requester: User, ig_officer: User, caldicott: User
) -> None:
    request = _routine(requester)
    for outsider in (requester, caldicott):
        with pytest.raises(PermissionDenied):
            data_flow_create(sharing_request=request, actor=outsider, **_flow_data(ig_officer))
    data_flow_create(sharing_request=request, actor=ig_officer, **_flow_data(ig_officer))
    with pytest.raises(ValidationError, match="already registered"):
        data_flow_create(sharing_request=request, actor=ig_officer, **_flow_data(ig_officer))


def test_the_next_review_defaults_to_a_year_and_must_be_after_today(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    request = _routine(requester)
    form = client_for(ig_officer).get(reverse("request_flow", args=[request.reference])).content.decode()
    a_year = timezone.localdate() + datetime.timedelta(days=365)
    for part, value in (("day", a_year.day), ("month", a_year.month), ("year", a_year.year)):
        assert f'name="next_review_on_{part}" value="{value}"' in form
    with pytest.raises(ValidationError) as caught:
        data_flow_create(
            sharing_request=request,
            actor=ig_officer,
            **_flow_data(ig_officer, next_review_on=timezone.localdate()),
        )
    assert "next_review_on" in caught.value.message_dict


# --- the flow's own lifecycle ------------------------------------------------------------------------------

FLOW_ACTIONS = ("activate", "suspend", "resume", "end")


def flow_allowed(state: DataFlowStatus, name: str, person: str) -> bool:
    """Written out from the issue: the IG team starts, suspends, resumes and ends flows."""
    if person not in {"ig_officer", "dpo"}:
        return False
    return {
        "activate": state == F.AWAITING_ISA,
        "suspend": state == F.ACTIVE,
        "resume": state == F.SUSPENDED,
        "end": state != F.ENDED,
    }[name]


@pytest.mark.parametrize("state", list(F), ids=str)
@pytest.mark.parametrize("name", FLOW_ACTIONS)
def test_only_allowed_flow_transitions_succeed(
    make_user: MakeUser, requester: User, state: DataFlowStatus, name: str
) -> None:
    people = {
        "ig_officer": make_user(Role.IG_OFFICER),
        "dpo": make_user(Role.DPO),
        "caldicott": make_user(Role.CALDICOTT_GUARDIAN),
        "auditor": make_user(Role.AUDITOR),
        "requester": requester,
    }
    covering = make_agreement(author=people["ig_officer"], status=AgreementStatus.ACTIVE)
    for person, user in people.items():
        with transaction.atomic():
            flow = make_flow(
                requester=requester,
                created_by=people["ig_officer"],
                agreement=covering.agreement,
                status=state,
            )
            try:
                transition(flow, name, actor=user, comment="Reviewed with the asset owner.")
            except (PermissionDenied, ValidationError):
                succeeded = False
            else:
                succeeded = True
            assert succeeded is flow_allowed(state, name, person), (state, name, person)
            assert DataFlowHistory.objects.filter(flow=flow).count() == int(succeeded)
            assert AuditEvent.objects.filter(
                action="data_flow.transition", target_id=str(flow.pk)
            ).count() == int(succeeded)
            transaction.set_rollback(True)


def test_suspending_and_ending_need_a_reason_and_resuming_needs_the_isa_in_force(
    requester: User, ig_officer: User, dpo: User
) -> None:
    version = make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE)
    flow = make_flow(requester=requester, created_by=ig_officer, agreement=version.agreement)
    with pytest.raises(ValidationError):
        transition(flow, "suspend", actor=ig_officer)
    transition(flow, "suspend", actor=ig_officer, comment="Partner's secure mailbox is down.")
    transition(version, "terminate", actor=dpo, comment="Partner left the system.")
    with pytest.raises(ValidationError, match="not in force"):
        transition(flow, "resume", actor=ig_officer)
    transition(flow, "end", actor=ig_officer, comment="No longer needed.")
    assert flow.status == F.ENDED
    assert [h.comment for h in flow.history.all()] == [
        "Partner's secure mailbox is down.",
        "No longer needed.",
    ]


def test_a_review_sets_the_next_date_and_clears_a_reassessment(requester: User, ig_officer: User) -> None:
    flow = make_flow(
        requester=requester, created_by=ig_officer, needs_reassessment=True, reassessment_reason="CW-1"
    )
    next_review = timezone.localdate() + datetime.timedelta(days=200)
    review = data_flow_review(
        flow=flow,
        actor=ig_officer,
        note="Implied consent no longer applies: public task now.",
        next_review_on=next_review,
    )
    flow.refresh_from_db()
    assert (flow.next_review_on, flow.needs_reassessment, flow.reassessment_reason) == (
        next_review,
        False,
        "",
    )
    assert review.cleared_reassessment
    assert AuditEvent.objects.get(action="data_flow.review").detail["cleared_reassessment"] is True
    with pytest.raises(ValidationError) as caught:
        data_flow_review(flow=flow, actor=ig_officer, note="", next_review_on=timezone.localdate())
    assert set(caught.value.message_dict) == {"note", "next_review_on"}


# --- pages -----------------------------------------------------------------------------------------------


def test_the_ig_team_registers_a_flow_from_the_request_page(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    request = _routine(requester)
    covering = make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE, parties=[request.recipient])
    client = client_for(ig_officer)
    page = client.get(reverse("request_detail", args=[request.reference])).content.decode()
    assert reverse("request_flow", args=[request.reference]) in page
    items = DataItemType.objects.filter(code__in=["nhs_number", "health_data"])
    response = client.post(
        reverse("request_flow", args=[request.reference]),
        {
            "name": "Monthly extract",
            "source_asset": "Cardiology PAS",
            "asset_owner": ig_officer.pk,
            "schedule": "monthly",
            "data_form": "pseudonymised",
            "data_items": [item.pk for item in items],
            "art6": "e_public_task",
            "art9": "h_health_social_care",
            "confidentiality_basis": "section_251",
            "transfer_method": "secure_file_transfer",
            "agreement": covering.agreement_id,
            "next_review_on": (timezone.localdate() + datetime.timedelta(days=300)).strftime("%d/%m/%Y"),
        },
    )
    flow = DataFlow.objects.get()
    assert response["Location"] == reverse("flow_detail", args=[flow.pk])
    assert flow.status == F.ACTIVE
    detail = client.get(response["Location"]).content.decode()
    assert covering.agreement.reference in detail
    assert client.get(reverse("request_flow", args=[request.reference]))["Location"] == response["Location"]


def test_a_requester_cannot_register_a_flow(requester: User, client_for: ClientFor) -> None:
    request = _routine(requester)
    assert client_for(requester).get(reverse("request_flow", args=[request.reference])).status_code == 403


def test_the_flow_page_suspends_with_a_reason_and_explains_a_missing_one(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    flow = make_flow(
        requester=requester,
        created_by=ig_officer,
        agreement=make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE).agreement,
    )
    client = client_for(ig_officer)
    url = reverse("flow_transition", args=[flow.pk, "suspend"])
    missing = client.post(url, {"comment": ""})
    assert missing.status_code == 400 and "Give your reasons" in missing.content.decode()
    done = client.post(url, {"comment": "Mailbox down."})
    assert done.status_code == 302
    flow.refresh_from_db()
    assert flow.status == F.SUSPENDED
    assert client.post(reverse("flow_transition", args=[flow.pk, "fly"]), {}).status_code == 404


def test_a_stale_page_is_told_who_acted_first(
    requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    flow = make_flow(requester=requester, created_by=ig_officer)
    transition(flow, "end", actor=dpo, comment="Stopped.")
    response = client_for(ig_officer).post(
        reverse("flow_transition", args=[flow.pk, "suspend"]), {"comment": "x"}
    )
    # The page reloads the flow, so the move is no longer offered: a plain refusal, not a conflict.
    assert response.status_code == 400
    assert "is ended" in response.content.decode()


def test_the_review_form_on_the_flow_page(requester: User, ig_officer: User, client_for: ClientFor) -> None:
    flow = make_flow(
        requester=requester,
        created_by=ig_officer,
        next_review_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    client = client_for(ig_officer)
    page = client.get(reverse("flow_detail", args=[flow.pk])).content.decode()
    assert "Review overdue" in page
    bad = client.post(reverse("flow_review", args=[flow.pk]), {"note": "", "next_review_on": "31/02/2027"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    good = client.post(
        reverse("flow_review", args=[flow.pk]),
        {
            "note": "Still needed.",
            "next_review_on": (timezone.localdate() + datetime.timedelta(days=365)).strftime("%d/%m/%Y"),
        },
    )
    assert good.status_code == 302
    assert "Still needed." in client.get(reverse("flow_detail", args=[flow.pk])).content.decode()


def test_the_flow_csv_lists_what_the_filter_shows(
    requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    overdue = make_flow(
        requester=requester,
        created_by=ig_officer,
        next_review_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    make_flow(requester=requester, created_by=ig_officer)
    response = client_for(dpo).get(reverse("flow_export"), {"overdue": "on"})
    rows = csv_rows(response)
    assert rows[0][:3] == ["Reference", "Flow", "Status"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Reference"] == overdue.reference
    assert row["Data items"] == "NHS number; Health data (diagnoses, conditions, treatment)"
    assert row["Review overdue"] == "Yes"
    assert row["Legal basis"].startswith("Art 6(1)(e) public task")
    assert AuditEvent.objects.get(action="data_flow.export").detail == {
        "register": "Data flow",
        "filters": {"overdue": "True"},
        "rows": 1,
    }


def test_the_register_pages_overdue_reviews_first_then_soonest_review_across_page_breaks(
    requester: User, ig_officer: User, dpo: User, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("requests_app.views.registers.PAGE_SIZE", 2)
    today = timezone.localdate()
    made = {
        days: make_flow(
            requester=requester, created_by=ig_officer, next_review_on=today + datetime.timedelta(days)
        )
        for days in (-1, -30, 40, -10, 20, 10)
    }
    ended = make_flow(
        requester=requester,
        created_by=ig_officer,
        status=DataFlowStatus.ENDED,
        next_review_on=today - datetime.timedelta(days=400),
    )
    # Overdue oldest first; then the rest by review date, the ended flow's long-past date among them.
    expected = [made[-30], made[-10], made[-1], ended, made[10], made[20], made[40]]
    client = client_for(dpo)
    shown = []
    for number in (1, 2, 3, 4):
        page = client.get(reverse("flow_list"), {"page": number}).content.decode()
        on_page = sorted((page.index(flow.reference), flow) for flow in expected if flow.reference in page)
        assert len(on_page) == (2 if number < 4 else 1)
        assert ("Overdue</strong>" in page) == (number <= 2)
        shown += [flow for _, flow in on_page]
    assert shown == expected


def test_a_register_page_is_one_statement_union_all_where_the_database_allows_it(
    requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    today = timezone.localdate()
    overdue = make_flow(
        requester=requester, created_by=ig_officer, next_review_on=today - datetime.timedelta(1)
    )
    later = make_flow(
        requester=requester, created_by=ig_officer, next_review_on=today + datetime.timedelta(9)
    )
    client = client_for(dpo)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("flow_list")).content.decode()
    assert page.index(overdue.reference) < page.index(later.reference)
    page_statements = [q["sql"] for q in queries if '"next_review_on"' in q["sql"] and "ORDER BY" in q["sql"]]
    assert len(page_statements) == 1, page_statements
    # PostgreSQL walks the two bands' index and joins them (the benchmark's plan); SQLite cannot
    # limit inside a compound statement, so it sorts on the overdue flag in one statement instead.
    assert ("UNION ALL" in page_statements[0]) == connection.features.supports_slicing_ordering_in_compound
    assert ("UNION ALL" in page_statements[0]) == (connection.vendor == "postgresql")


def test_a_requester_sees_their_own_data_flows_overdue_first(
    requester: User, other_requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    today = timezone.localdate()
    later = make_flow(
        requester=requester, created_by=ig_officer, next_review_on=today + datetime.timedelta(5)
    )
    overdue = make_flow(
        requester=requester, created_by=ig_officer, next_review_on=today - datetime.timedelta(2)
    )
    theirs = make_flow(requester=other_requester, created_by=ig_officer)
    response = client_for(requester).get(reverse("flow_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(overdue.reference) < page.index(later.reference)
    assert theirs.reference not in page
