"""The DPO's register dashboard: counts, overdue items and two charts, each from one aggregate query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Model, Q, QuerySet
from django.utils import timezone

from igportal.dates import date_time, short_date
from requests_app.charts import Chart, horizontal_bars, last_months, stacked_columns
from requests_app.incident_grading import ICO_DEADLINE
from requests_app.links import pk_url, plain_url
from requests_app.models import (
    AccessRequest,
    AgreementStatus,
    AgreementVersion,
    ConsentWithdrawalNotice,
    DataFlow,
    DataFlowStatus,
    Disclosure,
    DisclosureKind,
    Dpia,
    DpiaStatus,
    Incident,
    IncidentStatus,
    Organisation,
    RequestStatus,
    SharingRequest,
    StatusCount,
)
from requests_app.models.organisations import lapsed_assurance
from requests_app.selectors import dpias as dpia_selectors
from requests_app.selectors import flows as flow_selectors
from requests_app.selectors import incidents as incident_selectors
from requests_app.selectors.access import access_overdue

OVERDUE_LIMIT = 10
# The dashboard's two history charts cover every request since the start and a year of access requests:
# counting them takes tens of milliseconds at an ICB's volume, and they move by a request or two a
# minute, so each process keeps them this long and the page says when they were counted. The figures
# that call for action (summaries, overdue items) are always counted afresh.
CHARTS_FRESH_SECONDS = 300


def _due(aware_at: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(aware_at + ICO_DEADLINE)


@dataclass(frozen=True)
class Tally:
    text: str
    value: int
    url: str
    warning: bool = False


@dataclass(frozen=True)
class RegisterSummary:
    title: str
    url: str
    counts: list[Tally]


def _link(name: str, query: str = "") -> str:
    return plain_url(name) + (f"?{query}" if query else "")


# The registers whose entries the database counts by status as they move (models/counts.py).
COUNTED_MODELS: tuple[type[Model], ...] = (SharingRequest, DataFlow, AgreementVersion, Dpia, Incident)


def recount_statuses(model: type[Model]) -> dict[str, int]:
    """How many entries of ``model`` stand in each status, counted now (the check on the kept counts)."""
    rows = model._default_manager.values_list("status").annotate(total=Count("*")).order_by()
    return {status: total for status, total in rows if total}


def status_counts() -> dict[type[Model], dict[str, int]]:
    """Entries per status of every counted register, from the counts the database keeps: one query.

    On SQLite (development without PostgreSQL) there are no triggers to keep them, so it counts.
    """
    if connection.vendor != "postgresql":
        return {model: recount_statuses(model) for model in COUNTED_MODELS}
    by_table = {model._meta.db_table: model for model in COUNTED_MODELS}
    counts: dict[type[Model], dict[str, int]] = {model: {} for model in COUNTED_MODELS}
    for table, status, total in StatusCount.objects.filter(table_name__in=by_table).values_list(
        "table_name", "status", "total"
    ):
        if total:
            counts[by_table[table]][status] = total
    return counts


def count_each(**querysets: QuerySet[Any]) -> dict[str, int]:
    """How many rows each queryset has, all counted in one statement.

    Each is its own ``SELECT count(*)``, so PostgreSQL answers each from the index made for it (an
    index-only scan of the few rows concerned) rather than one pass over the table with a FILTER per
    count; and the dashboard's dozen counts cost one round trip and one plan rather than eight.
    """
    columns: list[str] = []
    params: list[Any] = []
    for queryset in querysets.values():
        sql, values = queryset.order_by().values("pk").query.sql_with_params()
        columns.append(f"(SELECT count(*) FROM ({sql}) AS counted)")  # noqa: S608 - the ORM's own SQL; values stay parameters
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = cursor.fetchone()
    return {name: int(total) for name, total in zip(querysets, row, strict=True)}


def register_summaries(*, today: datetime.date, now: datetime.datetime) -> list[RegisterSummary]:
    """One card per register: entries per status from the kept counts; what depends on today's date
    (overdue reviews, the ICO's clock, this year) counted in one statement over the rows concerned."""
    year_start = today.replace(month=1, day=1)
    statuses = status_counts()
    this_year = Disclosure.objects.filter(disclosed_on__gte=year_start)
    active = AgreementVersion.objects.filter(status=AgreementStatus.ACTIVE)
    lapsed = Organisation.objects.filter(lapsed_assurance(today))
    counted = count_each(
        disclosures=this_year.filter(kind=DisclosureKind.DISCLOSURE),
        refusals=this_year.filter(kind=DisclosureKind.REFUSAL),
        outside=this_year.filter(request__isnull=True),
        flows_overdue=DataFlow.objects.filter(flow_selectors.review_overdue(today)),
        flows_reassess=DataFlow.objects.filter(Q(needs_reassessment=True) & ~Q(status=DataFlowStatus.ENDED)),
        flows_lapsed=DataFlow.objects.filter(
            status__in=[DataFlowStatus.ACTIVE, DataFlowStatus.SUSPENDED, DataFlowStatus.AWAITING_ISA],
            recipient__in=lapsed,
        ),
        agreements_overdue=active.filter(review_on__lt=today),
        agreements_ending=active.filter(end_on__gte=today, end_on__lte=today + datetime.timedelta(days=90)),
        agreements_lapsed=AgreementVersion.objects.filter(
            status__in=[AgreementStatus.ACTIVE, AgreementStatus.AWAITING_SIGNATURES], parties__in=lapsed
        ).distinct(),
        dpias_overdue=Dpia.objects.filter(dpia_selectors.review_overdue(today)),
        incidents_running=Incident.objects.filter(
            incident_selectors.ico_clock_running() & Q(aware_at__gte=now - ICO_DEADLINE)
        ),
        incidents_overdue=Incident.objects.filter(incident_selectors.ico_overdue(now)),
        incidents_this_year=Incident.objects.filter(aware_at__date__gte=year_start),
        unsent=ConsentWithdrawalNotice.objects.filter(email="", notified_at__isnull=True),
    )
    disclosures = {
        "this_year": counted["disclosures"],
        "refused": counted["refusals"],
        "outside": counted["outside"],
    }
    flows = _flow_counts(
        statuses[DataFlow], overdue=counted["flows_overdue"], reassess=counted["flows_reassess"]
    )
    flows["lapsed"] = counted["flows_lapsed"]
    isa_statuses = statuses[AgreementVersion]
    agreements = {
        "overdue": counted["agreements_overdue"],
        "ending": counted["agreements_ending"],
        "lapsed": counted["agreements_lapsed"],
        "signatures": isa_statuses.get(AgreementStatus.AWAITING_SIGNATURES, 0),
        "active": isa_statuses.get(AgreementStatus.ACTIVE, 0),
        "awaiting": isa_statuses.get(AgreementStatus.AWAITING_CALDICOTT, 0),
        "drafts": isa_statuses.get(AgreementStatus.DRAFT, 0),
    }
    dpia_statuses = statuses[Dpia]
    dpias = {
        "advice": dpia_statuses.get(DpiaStatus.AWAITING_DPO, 0),
        "siro": dpia_statuses.get(DpiaStatus.AWAITING_SIRO, 0),
        "drafts": dpia_statuses.get(DpiaStatus.DRAFT, 0),
        "overdue": counted["dpias_overdue"],
    }
    incidents = {
        "running": counted["incidents_running"],
        "overdue": counted["incidents_overdue"],
        "this_year": counted["incidents_this_year"],
        "open": statuses[Incident].get(IncidentStatus.OPEN, 0),
    }
    unsent = counted["unsent"]
    return [
        RegisterSummary(
            "Disclosure log",
            _link("disclosure_list"),
            [
                Tally(
                    "disclosures this year",
                    disclosures["this_year"],
                    _link("disclosure_list", "kind=disclosure"),
                ),
                Tally("refusals this year", disclosures["refused"], _link("disclosure_list", "kind=refusal")),
                Tally(
                    "logged outside the wizard this year",
                    disclosures["outside"],
                    _link("disclosure_list", "outside_wizard=on"),
                ),
            ],
        ),
        RegisterSummary(
            "Data flows",
            _link("flow_list"),
            [
                Tally("active", flows["active"], _link("flow_list", "status=active")),
                Tally("awaiting their ISA", flows["awaiting"], _link("flow_list", "status=awaiting_isa")),
                Tally("suspended", flows["suspended"], _link("flow_list", "status=suspended")),
                Tally("reviews overdue", flows["overdue"], _link("flow_list", "overdue=on"), warning=True),
                Tally(
                    "to reassess after consent was withdrawn",
                    flows["reassess"],
                    _link("flow_list", "needs_reassessment=on"),
                    warning=True,
                ),
                Tally(
                    "to a partner whose assurance has lapsed",
                    flows["lapsed"],
                    _link("organisation_list", "lapsed=on"),
                    warning=True,
                ),
            ],
        ),
        RegisterSummary(
            "Information sharing agreements",
            _link("agreement_list"),
            [
                Tally("in force", agreements["active"], _link("agreement_list", "status=active")),
                Tally(
                    "awaiting the Caldicott Guardian",
                    agreements["awaiting"],
                    _link("agreement_list", "status=awaiting_caldicott"),
                ),
                Tally(
                    "awaiting signatures",
                    agreements["signatures"],
                    _link("agreement_list", "status=awaiting_signatures"),
                ),
                Tally("drafts", agreements["drafts"], _link("agreement_list", "status=draft")),
                Tally(
                    "ending in the next 90 days",
                    agreements["ending"],
                    _link("agreement_list", "status=active"),
                ),
                Tally(
                    "reviews overdue",
                    agreements["overdue"],
                    _link("agreement_list", "overdue=on"),
                    warning=True,
                ),
                Tally(
                    "with a partner whose assurance has lapsed",
                    agreements["lapsed"],
                    _link("organisation_list", "lapsed=on"),
                    warning=True,
                ),
            ],
        ),
        RegisterSummary(
            "DPIAs",
            _link("dpia_list"),
            [
                Tally("awaiting DPO advice", dpias["advice"], _link("dpia_list", "status=awaiting_dpo")),
                Tally("awaiting SIRO sign-off", dpias["siro"], _link("dpia_list", "status=awaiting_siro")),
                Tally("drafts", dpias["drafts"], _link("dpia_list", "status=draft")),
                Tally("reviews overdue", dpias["overdue"], _link("dpia_list", "overdue=on"), warning=True),
            ],
        ),
        RegisterSummary(
            "Incidents",
            _link("incident_list"),
            [
                Tally("open", incidents["open"], _link("incident_list", "status=open")),
                Tally("this year", incidents["this_year"], _link("incident_list")),
                Tally(
                    "with the ICO's 72 hours running",
                    incidents["running"],
                    _link("incident_list", "clock_running=on"),
                ),
                Tally(
                    "ICO report overdue",
                    incidents["overdue"],
                    _link("incident_list", "clock_running=on"),
                    warning=True,
                ),
            ],
        ),
        RegisterSummary(
            "Withdrawals of consent",
            _link("consent_withdrawal_list"),
            [
                Tally(
                    "organisations to tell another way",
                    unsent,
                    _link("consent_withdrawal_list"),
                    warning=True,
                )
            ],
        ),
    ]


def _flow_counts(by_status: dict[str, int], *, overdue: int, reassess: int) -> dict[str, int]:
    """The flow card: entries per status as kept; overdue reviews and reassessments as counted."""
    return {
        "active": by_status.get(DataFlowStatus.ACTIVE, 0),
        "awaiting": by_status.get(DataFlowStatus.AWAITING_ISA, 0),
        "suspended": by_status.get(DataFlowStatus.SUSPENDED, 0),
        "overdue": overdue,
        "reassess": reassess,
    }


@dataclass(frozen=True)
class Attention:
    ico_overdue: int
    flow_reviews: int
    flows_to_reassess: int
    agreement_reviews: int
    dpia_reviews: int
    dpias_for_advice: int


def register_attention(*, today: datetime.date, now: datetime.datetime) -> Attention:
    """The counts the DPO's home page leads with; one query per register."""
    flows = DataFlow.objects.aggregate(
        overdue=Count("pk", filter=flow_selectors.review_overdue(today)),
        reassess=Count("pk", filter=Q(needs_reassessment=True) & ~Q(status=DataFlowStatus.ENDED)),
    )
    dpias = Dpia.objects.aggregate(
        overdue=Count("pk", filter=dpia_selectors.review_overdue(today)),
        advice=Count("pk", filter=Q(status=DpiaStatus.AWAITING_DPO)),
    )
    return Attention(
        ico_overdue=Incident.objects.filter(incident_selectors.ico_overdue(now)).count(),
        flow_reviews=flows["overdue"],
        flows_to_reassess=flows["reassess"],
        agreement_reviews=AgreementVersion.objects.filter(
            status=AgreementStatus.ACTIVE, review_on__lt=today
        ).count(),
        dpia_reviews=dpias["overdue"],
        dpias_for_advice=dpias["advice"],
    )


@dataclass(frozen=True)
class OverdueItem:
    text: str
    url: str


def overdue_items(*, today: datetime.date, now: datetime.datetime) -> list[OverdueItem]:
    """What is late, most urgent kinds first, at most ``OVERDUE_LIMIT`` of each kind.

    Access requests first: their deadlines are statutory, and the home page lists the same ones.
    """
    items = [
        OverdueItem(f"{case.reference}: response was due {case.due_on:%d %b %Y}", case.get_absolute_url())
        for case in AccessRequest.objects.filter(access_overdue(today))
        .only("reference", "kind", "due_on")
        .order_by("due_on", "id")[:OVERDUE_LIMIT]
    ]
    items += [
        OverdueItem(
            f"{incident.reference}: ICO report was due {date_time(_due(incident.aware_at))}",
            pk_url("incident_detail", incident.pk),
        )
        for incident in Incident.objects.filter(incident_selectors.ico_overdue(now)).order_by("aware_at")[
            :OVERDUE_LIMIT
        ]
    ]
    items += [
        OverdueItem(f"{flow.reference}: reassess, consent was withdrawn", pk_url("flow_detail", flow.pk))
        for flow in DataFlow.objects.filter(needs_reassessment=True)
        .exclude(status=DataFlowStatus.ENDED)
        .only("reference")
        .order_by("reference")[:OVERDUE_LIMIT]
    ]
    items += [
        OverdueItem(
            f"{flow.reference}: review was due {short_date(flow.next_review_on)}",
            pk_url("flow_detail", flow.pk),
        )
        for flow in DataFlow.objects.filter(flow_selectors.review_overdue(today))
        .only("reference", "next_review_on")
        .order_by("next_review_on")[:OVERDUE_LIMIT]
    ]
    items += [
        OverdueItem(
            f"{version.audit_label}: review was due {short_date(version.review_on)}",
            pk_url("agreement_detail", version.agreement_id),
        )
        for version in AgreementVersion.objects.select_related("agreement")
        .filter(status=AgreementStatus.ACTIVE, review_on__lt=today)
        .order_by("review_on")[:OVERDUE_LIMIT]
    ]
    items += [
        OverdueItem(
            f"{dpia.reference}: review was due {dpia.next_review_on:%d %b %Y}",
            pk_url("dpia_detail", dpia.pk),
        )
        for dpia in Dpia.objects.filter(dpia_selectors.review_overdue(today)).order_by("next_review_on")[
            :OVERDUE_LIMIT
        ]
    ]
    return items


# --- charts --------------------------------------------------------------------------------------------

_OUTCOMES: list[tuple[str, frozenset[str], str]] = [
    ("Shared and closed", frozenset({RequestStatus.CLOSED}), "portal-chart--green"),
    ("Approved", frozenset({RequestStatus.APPROVED}), "portal-chart--green-light"),
    ("Approved with conditions", frozenset({RequestStatus.APPROVED_WITH_CONDITIONS}), "portal-chart--yellow"),
    ("Rejected", frozenset({RequestStatus.REJECTED}), "portal-chart--red"),
    ("Withdrawn", frozenset({RequestStatus.WITHDRAWN}), "portal-chart--grey"),
    (
        "Still being decided",
        frozenset(
            {
                RequestStatus.SUBMITTED,
                RequestStatus.IG_REVIEW,
                RequestStatus.AWAITING_CALDICOTT,
                RequestStatus.AWAITING_SIRO,
                RequestStatus.CHANGES_REQUESTED,
            }
        ),
        "portal-chart--blue",
    ),
]


@dataclass(frozen=True)
class DashboardCharts:
    charts: list[Chart]
    counted_at: datetime.datetime


def dashboard_charts(*, today: datetime.date) -> DashboardCharts:
    """The dashboard's history charts, counted at most ``CHARTS_FRESH_SECONDS`` ago."""
    key = f"register-dashboard-charts:{today.isoformat()}"
    kept: DashboardCharts | None = cache.get(key)
    if kept is None:
        kept = DashboardCharts(
            charts=[requests_by_outcome_chart(), deadlines_met_chart(today=today)], counted_at=timezone.now()
        )
        cache.set(key, kept, CHARTS_FRESH_SECONDS)
    return kept


def requests_by_outcome_chart() -> Chart:
    """Every submitted sharing request by where it ended up (drafts are not requests yet)."""
    counts = status_counts()[SharingRequest]  # drafts are not among the outcomes below
    data = [
        (text, sum(counts.get(status, 0) for status in statuses), css) for text, statuses, css in _OUTCOMES
    ]
    total = sum(value for _, value, _ in data)
    summary = ", ".join(f"{text.lower()} {value}" for text, value, _ in data)
    return horizontal_bars(
        slug="outcomes",
        title="Sharing requests by outcome",
        description=f"{total} submitted sharing request{'s' if total != 1 else ''}: {summary}.",
        data=data,
    )


def deadlines_met_chart(*, today: datetime.date, months: int = 12) -> Chart:
    """Access requests answered by their statutory due date, per month of the response."""
    first = last_months(today, months)
    # Grouped by day and folded into months here: at most a year of rows, and PostgreSQL groups a date
    # far faster than it truncates each one to its month (a cast through timestamptz).
    rows = (
        AccessRequest.objects.filter(
            responded_on__gte=first[0], responded_on__lte=today, due_on__isnull=False
        )
        .values_list("responded_on")
        .annotate(
            on_time=Count("pk", filter=Q(responded_on__lte=F("due_on"))),
            late=Count("pk", filter=Q(responded_on__gt=F("due_on"))),
        )
        .order_by()
    )
    by_month: dict[tuple[int, int], list[int]] = {(month.year, month.month): [0, 0] for month in first}
    for day, day_on_time, day_late in rows:
        tally = by_month[(day.year, day.month)]
        tally[0] += day_on_time
        tally[1] += day_late
    on_time = [by_month[(month.year, month.month)][0] for month in first]
    late = [by_month[(month.year, month.month)][1] for month in first]
    answered = sum(on_time) + sum(late)
    share = f"{round(100 * sum(on_time) / answered)}%" if answered else "none"
    return stacked_columns(
        slug="deadlines",
        title="Access requests answered by their due date, by month",
        description=(
            f"In the last {months} months {answered} subject access, FOI, EIR and deceased records requests "
            f"were answered; {sum(on_time)} by their statutory due date ({share}), {sum(late)} late."
        ),
        categories=[month.strftime("%b %y") for month in first],
        series=[
            ("On time", "portal-chart--green", on_time),
            ("Late", "portal-chart--red", late),
        ],
    )
