"""The DPO's register dashboard: counts, overdue items and two charts, each from one aggregate query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from igportal.dates import date_time, short_date
from requests_app.charts import Chart, horizontal_bars, last_months, stacked_columns
from requests_app.incident_grading import ICO_DEADLINE
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
    return reverse(name) + (f"?{query}" if query else "")


def register_summaries(*, today: datetime.date, now: datetime.datetime) -> list[RegisterSummary]:
    """One card per register; one aggregate query each."""
    year_start = today.replace(month=1, day=1)
    disclosures = Disclosure.objects.aggregate(
        this_year=Count("pk", filter=Q(kind=DisclosureKind.DISCLOSURE, disclosed_on__gte=year_start)),
        refused=Count("pk", filter=Q(kind=DisclosureKind.REFUSAL, disclosed_on__gte=year_start)),
        outside=Count("pk", filter=Q(request__isnull=True, disclosed_on__gte=year_start)),
    )
    flows = _flow_counts(today)
    agreements = AgreementVersion.objects.aggregate(
        active=Count("pk", filter=Q(status=AgreementStatus.ACTIVE)),
        awaiting=Count("pk", filter=Q(status=AgreementStatus.AWAITING_CALDICOTT)),
        drafts=Count("pk", filter=Q(status=AgreementStatus.DRAFT)),
        signatures=Count("pk", filter=Q(status=AgreementStatus.AWAITING_SIGNATURES)),
        overdue=Count("pk", filter=Q(status=AgreementStatus.ACTIVE, review_on__lt=today)),
        ending=Count(
            "pk",
            filter=Q(
                status=AgreementStatus.ACTIVE,
                end_on__gte=today,
                end_on__lte=today + datetime.timedelta(days=90),
            ),
        ),
    )
    lapsed = Organisation.objects.filter(lapsed_assurance(today))
    agreements["lapsed"] = (
        AgreementVersion.objects.filter(
            status__in=[AgreementStatus.ACTIVE, AgreementStatus.AWAITING_SIGNATURES], parties__in=lapsed
        )
        .distinct()
        .count()
    )
    flows["lapsed"] = DataFlow.objects.filter(
        status__in=[DataFlowStatus.ACTIVE, DataFlowStatus.SUSPENDED, DataFlowStatus.AWAITING_ISA],
        recipient__in=lapsed,
    ).count()
    dpias = Dpia.objects.aggregate(
        advice=Count("pk", filter=Q(status=DpiaStatus.AWAITING_DPO)),
        siro=Count("pk", filter=Q(status=DpiaStatus.AWAITING_SIRO)),
        drafts=Count("pk", filter=Q(status=DpiaStatus.DRAFT)),
        overdue=Count("pk", filter=dpia_selectors.review_overdue(today)),
    )
    incidents = Incident.objects.aggregate(
        open=Count("pk", filter=Q(status=IncidentStatus.OPEN)),
        running=Count(
            "pk",
            filter=incident_selectors.ico_clock_running() & Q(aware_at__gte=now - ICO_DEADLINE),
        ),
        overdue=Count("pk", filter=incident_selectors.ico_overdue(now)),
        this_year=Count("pk", filter=Q(aware_at__date__gte=year_start)),
    )
    unsent = ConsentWithdrawalNotice.objects.filter(email="", notified_at__isnull=True).count()
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


def _flow_counts(today: datetime.date) -> dict[str, int]:
    """The flow card's counts from one pass grouped by status: hashing the status once per flow costs
    less than testing it against five filters."""
    by_status = (
        DataFlow.objects.values_list("status")
        .annotate(
            total=Count("*"),
            overdue=Count("pk", filter=Q(next_review_on__lt=today)),
            reassess=Count("pk", filter=Q(needs_reassessment=True)),
        )
        .order_by()
    )
    counts = {"active": 0, "awaiting": 0, "suspended": 0, "overdue": 0, "reassess": 0}
    names = {
        DataFlowStatus.ACTIVE: "active",
        DataFlowStatus.AWAITING_ISA: "awaiting",
        DataFlowStatus.SUSPENDED: "suspended",
    }
    for status, total, overdue, reassess in by_status:
        if status in names:
            counts[names[status]] = total
        if status in flow_selectors.REVIEWED_STATUSES:
            counts["overdue"] += overdue
        if status != DataFlowStatus.ENDED:
            counts["reassess"] += reassess
    return counts


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
            reverse("incident_detail", args=[incident.pk]),
        )
        for incident in Incident.objects.filter(incident_selectors.ico_overdue(now)).order_by("aware_at")[
            :OVERDUE_LIMIT
        ]
    ]
    items += [
        OverdueItem(
            f"{flow.reference}: reassess, consent was withdrawn", reverse("flow_detail", args=[flow.pk])
        )
        for flow in DataFlow.objects.filter(needs_reassessment=True)
        .exclude(status=DataFlowStatus.ENDED)
        .only("reference")
        .order_by("reference")[:OVERDUE_LIMIT]
    ]
    items += [
        OverdueItem(
            f"{flow.reference}: review was due {short_date(flow.next_review_on)}",
            reverse("flow_detail", args=[flow.pk]),
        )
        for flow in DataFlow.objects.filter(flow_selectors.review_overdue(today))
        .only("reference", "next_review_on")
        .order_by("next_review_on")[:OVERDUE_LIMIT]
    ]
    items += [
        OverdueItem(
            f"{version.audit_label}: review was due {short_date(version.review_on)}",
            reverse("agreement_detail", args=[version.agreement_id]),
        )
        for version in AgreementVersion.objects.select_related("agreement")
        .filter(status=AgreementStatus.ACTIVE, review_on__lt=today)
        .order_by("review_on")[:OVERDUE_LIMIT]
    ]
    items += [
        OverdueItem(
            f"{dpia.reference}: review was due {dpia.next_review_on:%d %b %Y}",
            reverse("dpia_detail", args=[dpia.pk]),
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
    counts = dict(
        SharingRequest.objects.exclude(status=RequestStatus.DRAFT)
        .values_list("status")
        # COUNT(*), not COUNT(id): the status index alone answers it, without reading the table.
        .annotate(total=Count("*"))
        .values_list("status", "total")
    )
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
