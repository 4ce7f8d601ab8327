"""Pages of the incident log. Each fetches through the checked getter or the list selector."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.incidents import FOLLOW_UP_FIELDS, IncidentForm
from requests_app.forms.registers import IncidentFilterForm
from requests_app.models import Incident
from requests_app.permissions import can_change_registers, can_read_registers
from requests_app.selectors import incidents as selectors
from requests_app.services import incidents as services
from requests_app.views.registers import RegisterCreate, RegisterEdit, RegisterList, RegisterPages

CSV_HEADER = (
    "Reference",
    "Kind",
    "Category",
    "Summary",
    "Status",
    "Happened",
    "Became aware",
    "Likelihood",
    "Severity",
    "Grade",
    "Reportable to the ICO",
    "ICO deadline",
    "Reported to the ICO",
    "ICO reference",
    "ICO report overdue",
    "People affected",
    "Person told on",
    "Apology given",
    "Sharing request",
    "Data flow",
)


def _csv_row(incident: Incident) -> list[object]:
    grade = incident.grade
    clock = incident.ico_clock(now=timezone.now())
    return [
        incident.reference,
        incident.get_kind_display(),
        incident.get_category_display(),
        incident.title,
        incident.get_status_display(),
        timezone.localtime(incident.occurred_at) if incident.occurred_at else None,
        timezone.localtime(incident.aware_at),
        incident.likelihood,
        incident.severity,
        f"{grade.likelihood} x {grade.severity} {grade.band.value}",
        incident.ico_reportable,
        timezone.localtime(clock.deadline) if clock else None,
        timezone.localtime(incident.reported_to_ico_at) if incident.reported_to_ico_at else None,
        incident.ico_reference,
        incident.overdue,  # type: ignore[attr-defined]
        incident.people_affected,
        incident.person_informed_on,
        incident.apology_given,
        incident.request.reference if incident.request else "",
        incident.flow.reference if incident.flow else "",
    ]


def _detail_context(request: AuthenticatedHttpRequest, incident: Incident) -> dict[str, Any]:
    return {
        "grade": incident.grade,
        "clock": incident.ico_clock(now=timezone.now()),
        "can_change": can_change_registers(request.user) and incident.status == "open",
    }


def _initial(incident: Incident) -> dict[str, Any]:
    fields = ("kind", "category", "title", "description", "occurred_at", "aware_at", "likelihood", "severity")
    initial: dict[str, Any] = {name: getattr(incident, name) for name in fields}
    initial |= {
        name: getattr(incident, name)
        for name in ("people_affected", "ico_reportable", "reportability_reason")
    }
    initial |= {name: getattr(incident, name) for name in FOLLOW_UP_FIELDS}
    for name in ("occurred_at", "aware_at", "reported_to_ico_at"):
        if initial[name] is not None:
            initial[name] = timezone.localtime(initial[name])
    initial["request_reference"] = incident.request.reference if incident.request else ""
    initial["flow_reference"] = incident.flow.reference if incident.flow else ""
    return initial


PAGES = RegisterPages[Incident](
    kind="incident",
    prefix="registers/incidents/",
    noun="incident",
    may_open=can_read_registers,
    get=selectors.get_incident_for_user,
    listing=RegisterList(
        register="incidents",
        filter_form=IncidentFilterForm,
        rows=lambda request, filters, now: selectors.incident_list(user=request.user, now=now, **filters),
        template="requests_app/incident_list.html",
        context=lambda request, now: {"can_change": can_change_registers(request.user), "now": now},
        csv_name="Incident",
        header=CSV_HEADER,
        row=_csv_row,
    ),
    creating=RegisterCreate(
        wanted="record an incident",
        template="requests_app/incident_form.html",
        new_form=lambda request, start: IncidentForm(request.POST or None),
        save=lambda request, form, start: services.incident_create(
            actor=request.user,
            http_request=request,
            **form.service_data(),  # type: ignore[attr-defined]
        ),
        created=lambda incident: f"{incident.reference} recorded.",
        context=lambda start: {"heading": "Record an incident"},
    ),
    editing=RegisterEdit(
        template="requests_app/incident_form.html",
        new_form=lambda request, incident: IncidentForm(
            request.POST or None, initial=_initial(incident), follow_up=True
        ),
        save=lambda request, incident, form: services.incident_update(
            incident=incident,
            actor=request.user,
            http_request=request,
            **form.service_data(),  # type: ignore[attr-defined]
        ),
        saved=lambda incident: f"{incident.reference} saved.",
        context=lambda incident: {"heading": f"Update {incident.reference}"},
    ),
    detail_template="requests_app/incident_detail.html",
    detail_context=_detail_context,
    moves=True,
)
