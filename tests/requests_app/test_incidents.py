"""Incidents: the breach assessment grid, the ICO's 72 hours, and what closing needs."""

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
from requests_app.incident_grading import Band, grade, ico_clock
from requests_app.models import AuditEvent, Incident, IncidentHistory, IncidentStatus
from requests_app.services.incidents import incident_create, incident_update
from requests_app.services.workflow import transition
from tests.conftest import ClientFor, MakeUser
from tests.factories import make_flow, make_incident, make_request
from tests.requests_app.registers import csv_rows

UTC = datetime.UTC
AWARE = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


# --- the grid (pure) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("likelihood", "severity", "band", "reportable", "within"),
    [
        (1, 5, Band.GREY, False, None),
        (5, 1, Band.GREY, False, None),
        (1, 1, Band.GREY, False, None),
        (2, 2, Band.AMBER, True, 72),
        (3, 2, Band.AMBER, True, 72),
        (2, 5, Band.AMBER, True, 72),
        (3, 4, Band.AMBER, True, 72),
        (3, 5, Band.RED, True, 24),
        (4, 4, Band.RED, True, 24),
        (5, 5, Band.RED, True, 24),
    ],
)
def test_the_breach_assessment_grid(
    likelihood: int, severity: int, band: Band, reportable: bool, within: int | None
) -> None:
    graded = grade(likelihood, severity)
    assert (graded.band, graded.reportable, graded.advised_within_hours) == (band, reportable, within)


@pytest.mark.parametrize(("likelihood", "severity"), [(0, 3), (6, 1), (3, 0), (2, 6)])
def test_scores_outside_1_to_5_are_refused(likelihood: int, severity: int) -> None:
    with pytest.raises(ValueError, match="from 1 to 5"):
        grade(likelihood, severity)


@pytest.mark.parametrize(
    ("now", "left", "overdue"),
    [
        (AWARE, "72 hours 0 minutes left", False),
        (AWARE + datetime.timedelta(hours=30, minutes=48), "41 hours 12 minutes left", False),
        (AWARE + datetime.timedelta(hours=71, minutes=59), "0 hours 1 minute left", False),
        (AWARE + datetime.timedelta(hours=77, minutes=3), "5 hours 3 minutes overdue", True),
    ],
)
def test_the_ico_clock_counts_72_real_hours_from_awareness(
    now: datetime.datetime, left: str, overdue: bool
) -> None:
    clock = ico_clock(aware_at=AWARE, now=now)
    assert clock.deadline == datetime.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert (clock.remaining_text, clock.overdue, clock.running) == (left, overdue, True)


def test_a_report_stops_the_clock_where_it_was_made() -> None:
    in_time = ico_clock(
        aware_at=AWARE,
        now=AWARE + datetime.timedelta(days=9),
        reported_at=AWARE + datetime.timedelta(hours=70),
    )
    assert (in_time.running, in_time.reported_in_time, in_time.remaining_text) == (
        False,
        True,
        "2 hours 0 minutes left",
    )
    late = ico_clock(aware_at=AWARE, now=AWARE, reported_at=AWARE + datetime.timedelta(hours=80))
    assert late.reported_in_time is False


# --- the service -------------------------------------------------------------------------------------------


def _incident(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "breach",
        "category": "disclosed_in_error",
        "title": "Letter to the wrong GP practice",
        "description": "A discharge letter went to the wrong practice.",
        "occurred_at": timezone.now() - datetime.timedelta(hours=5),
        "aware_at": timezone.now() - datetime.timedelta(hours=2),
        "likelihood": 3,
        "severity": 2,
        "people_affected": 1,
        "ico_reportable": True,
        "reportability_reason": "",
        **changes,
    }


@pytest.mark.django_db
def test_the_ig_team_records_an_incident_linked_to_a_flow(ig_officer: User, requester: User) -> None:
    flow = make_flow(requester=requester, created_by=ig_officer)
    incident = incident_create(actor=ig_officer, **_incident(flow=flow))
    assert (
        incident.reference.startswith("INC-")
        and incident.flow == flow
        and incident.status == IncidentStatus.OPEN
    )
    assert AuditEvent.objects.get(action="incident.create").detail == {
        "kind": "breach",
        "grade": "3x2",
        "ico_reportable": True,
    }
    with pytest.raises(PermissionDenied):
        incident_create(actor=requester, **_incident())


@pytest.mark.django_db
def test_a_decision_that_departs_from_the_grid_needs_a_reason(ig_officer: User) -> None:
    with pytest.raises(ValidationError) as caught:
        incident_create(actor=ig_officer, **_incident(ico_reportable=False))
    assert "The grading says reportable" in caught.value.message_dict["reportability_reason"][0]
    incident_create(
        actor=ig_officer,
        **_incident(
            ico_reportable=False, reportability_reason="Encrypted; the recipient confirmed deletion."
        ),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "near_miss"}, "ico_reportable"),
        ({"category": "no_legal_basis", "kind": "near_miss", "ico_reportable": False}, "kind"),
        ({"aware_at": timezone.now() + datetime.timedelta(hours=1)}, "aware_at"),
        ({"occurred_at": timezone.now() - datetime.timedelta(minutes=1)}, "occurred_at"),
        ({"reported_to_ico_at": timezone.now() - datetime.timedelta(days=3)}, "reported_to_ico_at"),
        ({"person_informed_on": timezone.localdate()}, "explanation"),
        ({"explanation": "We wrote to apologise."}, "person_informed_on"),
    ],
)
def test_what_cannot_be_true_is_refused_on_its_field(
    ig_officer: User, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        incident_create(actor=ig_officer, **_incident(**changes))
    assert field in caught.value.message_dict


@pytest.mark.django_db
def test_a_breach_closes_only_with_its_actions_report_and_the_explanation_given(ig_officer: User) -> None:
    incident = make_incident(reported_by=ig_officer, aware_at=timezone.now() - datetime.timedelta(hours=3))
    with pytest.raises(ValidationError) as caught:
        transition(incident, "close", actor=ig_officer)
    assert len(caught.value.messages) == 3
    incident_update(
        incident=incident,
        actor=ig_officer,
        actions="Letter retrieved; the practice confirmed deletion.",
        reported_to_ico_at=timezone.now() - datetime.timedelta(hours=1),
        ico_reference="IC-123456",
        person_informed_on=timezone.localdate(),
        explanation="We explained the error and what we changed.",
        apology_given=True,
    )
    incident.refresh_from_db()
    transition(incident, "close", actor=ig_officer)
    assert incident.status == IncidentStatus.CLOSED
    with pytest.raises(ValidationError, match="reopen it"):
        incident_update(incident=incident, actor=ig_officer, actions="More.")
    transition(incident, "reopen", actor=ig_officer, comment="The practice found a second letter.")
    assert AuditEvent.objects.get(action="incident.update").detail["changed"] == [
        "actions",
        "apology_given",
        "explanation",
        "ico_reference",
        "person_informed_on",
        "reported_to_ico_at",
    ]


@pytest.mark.django_db
def test_a_near_miss_closes_without_a_report(ig_officer: User) -> None:
    incident = make_incident(
        reported_by=ig_officer, kind="near_miss", ico_reportable=False, actions="Caught before sending."
    )
    transition(incident, "close", actor=ig_officer)
    assert incident.status == IncidentStatus.CLOSED


# --- pages -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_ig_team_records_an_incident_and_sees_the_72_hours(
    ig_officer: User, requester: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester)
    aware = timezone.localtime(timezone.now() - datetime.timedelta(hours=30))
    client = client_for(ig_officer)
    response = client.post(
        reverse("incident_create"),
        {
            "kind": "breach",
            "category": "disclosed_in_error",
            "title": "Email to the wrong address",
            "description": "An email with one patient's discharge summary went to the wrong address.",
            "aware_at": aware.strftime("%d/%m/%Y %H:%M"),
            "likelihood": "3",
            "severity": "3",
            "ico_reportable": "yes",
            "request_reference": request.reference.lower(),
        },
    )
    incident = Incident.objects.get()
    assert response["Location"] == reverse("incident_detail", args=[incident.pk])
    assert incident.request == request
    page = client.get(response["Location"]).content.decode()
    assert "Report to the ICO by" in page and "41 hours" in page
    assert "Grade 3 x 3: reportable to the ICO, within 72 hours of becoming aware" in page


@pytest.mark.django_db
def test_an_unknown_linked_reference_is_explained(ig_officer: User, client_for: ClientFor) -> None:
    response = client_for(ig_officer).post(
        reverse("incident_create"), {"request_reference": "ISR-2026-99999", "flow_reference": "DF-2026-99999"}
    )
    content = response.content.decode()
    assert "There is no sharing request with that reference." in content
    assert "There is no data flow with that reference." in content


@pytest.mark.django_db
def test_the_ico_report_is_recorded_through_the_page(ig_officer: User, client_for: ClientFor) -> None:
    incident = make_incident(reported_by=ig_officer, aware_at=timezone.now() - datetime.timedelta(hours=80))
    client = client_for(ig_officer)
    assert "Overdue" in client.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    form = client.get(reverse("incident_edit", args=[incident.pk])).content.decode()
    assert "Reported to the ICO at" in form
    data = {
        "kind": "breach",
        "category": "disclosed_in_error",
        "title": incident.title,
        "description": incident.description,
        "aware_at": timezone.localtime(incident.aware_at).strftime("%d/%m/%Y %H:%M"),
        "likelihood": "3",
        "severity": "2",
        "ico_reportable": "yes",
        "reported_to_ico_at": timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).strftime(
            "%d/%m/%Y %H:%M"
        ),
        "ico_reference": "IC-99",
    }
    assert client.post(reverse("incident_edit", args=[incident.pk]), data).status_code == 302
    incident.refresh_from_db()
    assert incident.ico_reference == "IC-99"
    page = client.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert "after the 72 hours" in page


@pytest.mark.django_db
def test_the_incident_list_puts_overdue_reports_first_and_exports_them(
    ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    recent = make_incident(reported_by=ig_officer)
    late = make_incident(reported_by=ig_officer, aware_at=timezone.now() - datetime.timedelta(hours=90))
    client = client_for(dpo)
    page = client.get(reverse("incident_list")).content.decode()
    assert page.index(late.reference) < page.index(recent.reference)
    assert "Report overdue" in page
    response = client.get(reverse("incident_export"), {"clock_running": "on"})
    rows = csv_rows(response)
    by_reference = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_reference) == {recent.reference, late.reference}
    assert by_reference[late.reference]["ICO report overdue"] == "Yes"
    assert by_reference[recent.reference]["Grade"] == "3 x 2 amber"


@pytest.mark.django_db
def test_closing_an_incident_without_what_it_needs_is_explained_on_its_page(
    ig_officer: User, client_for: ClientFor
) -> None:
    incident = make_incident(reported_by=ig_officer)
    response = client_for(ig_officer).post(reverse("incident_transition", args=[incident.pk, "close"]), {})
    assert response.status_code == 400
    assert "Record the containment and remedial actions taken." in response.content.decode()


@pytest.mark.django_db
def test_a_near_miss_is_closed_and_reopened_through_its_page(ig_officer: User, client_for: ClientFor) -> None:
    incident = make_incident(
        reported_by=ig_officer, kind="near_miss", ico_reportable=False, actions="Caught in time."
    )
    client = client_for(ig_officer)
    assert client.post(reverse("incident_transition", args=[incident.pk, "close"]), {}).status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    page = client.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert "Reopen the incident" in page and "Update the incident" not in page
    assert (
        client.post(
            reverse("incident_transition", args=[incident.pk, "reopen"]), {"comment": "More found."}
        ).status_code
        == 302
    )
    assert [h.action for h in incident.history.all()] == ["close", "reopen"]


# --- the state x transition x role matrix ---------------------------------------------------------------

INCIDENT_PEOPLE = {
    "ig_officer": Role.IG_OFFICER,
    "dpo": Role.DPO,
    "caldicott": Role.CALDICOTT_GUARDIAN,
    "siro": Role.SIRO,
    "auditor": Role.AUDITOR,
    "requester": Role.REQUESTER,
}


def incident_allowed(state: IncidentStatus, name: str, person: str) -> bool:
    """Written out from the issue, not derived from the table: the IG team closes and reopens."""
    if name == "close":
        return state == IncidentStatus.OPEN and person in {"ig_officer", "dpo"}
    if name == "reopen":
        return state == IncidentStatus.CLOSED and person in {"ig_officer", "dpo"}
    raise AssertionError(name)


@pytest.mark.parametrize("state", list(IncidentStatus), ids=str)
@pytest.mark.parametrize("name", ["close", "reopen"])
def test_only_allowed_incident_transitions_succeed(
    make_user: MakeUser, state: IncidentStatus, name: str
) -> None:
    people = {person: make_user(role) for person, role in INCIDENT_PEOPLE.items()}
    for person in INCIDENT_PEOPLE:
        with transaction.atomic():
            # Everything closing needs is recorded, so that only the state and the role decide.
            incident = make_incident(
                reported_by=people["ig_officer"],
                status=state,
                actions="Letter retrieved; practice confirmed deletion.",
                person_informed_on=datetime.date(2026, 1, 5),
                explanation="We told them what happened and what we did.",
                reported_to_ico_at=timezone.now(),
            )
            history = IncidentHistory.objects.filter(incident=incident).count()
            try:
                transition(incident, name, actor=people[person], comment="Because the policy says so.")
            except (PermissionDenied, ValidationError):
                succeeded = False
            else:
                succeeded = True
            assert succeeded is incident_allowed(state, name, person), (state, name, person)
            written = IncidentHistory.objects.filter(incident=incident).count() - history
            assert written == (1 if succeeded else 0), (state, name, person)
            audited = AuditEvent.objects.filter(action="incident.transition", target_id=str(incident.pk))
            assert audited.count() == (1 if succeeded else 0), (state, name, person)
            incident.refresh_from_db()
            assert incident.status == (
                {"close": IncidentStatus.CLOSED, "reopen": IncidentStatus.OPEN}[name] if succeeded else state
            )
            transaction.set_rollback(True)
