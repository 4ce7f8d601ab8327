"""Reads of access request cases: who may see them, the register list, and what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from igportal.dates import long_date as _fmt
from igportal.roles import IG_TEAM, role_holders
from requests_app.access_workflow import ACCESS_WORKFLOW
from requests_app.charts import Chart, stacked_columns
from requests_app.deadlines import add_working_days
from requests_app.models import AccessRequest, AccessRequestKind, AccessRequestStatus, OrganisationSettings
from requests_app.models.access import ONE_MONTH_KINDS, OPEN_STATUSES, AccessRequestOutcome
from requests_app.permissions import can_change_access_requests, can_view_access_requests
from requests_app.transitions import Transition

# Home page tasks list at most this many cases of each sort before linking to the full list.
HOME_TASK_LIMIT = 10
HOME_DUE_WITHIN_WORKING_DAYS = 5


def get_access_request_for_user(
    user: AbstractBaseUser | AnonymousUser, pk: int, *, for_change: bool = False
) -> AccessRequest:
    """The case, if ``user`` may see it: 404 when they may not, 403 when they may see but not change it."""
    if not can_view_access_requests(user):
        raise Http404("No such access request.")
    case = (
        AccessRequest.objects.select_related("handler", "created_by")
        .prefetch_related("clarifications")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("No such access request.")
    if for_change and not can_change_access_requests(user):
        raise PermissionDenied("Only IG officers and the Data Protection Officer can change access requests.")
    return case


def access_request_actions(case: AccessRequest) -> list[Transition[AccessRequest]]:
    """The moves the case's kind and status allow now, in the table's order (the IG team makes them all)."""
    today = timezone.localdate()
    return [
        t
        for t in ACCESS_WORKFLOW.transitions.values()
        if not t.system and case.status in t.sources and not (t.guard is not None and t.guard(case, today))
    ]


def access_request_handlers() -> QuerySet[User]:
    """Active people who may be assigned a case: IG officers and the DPO."""
    return role_holders(IG_TEAM).order_by("first_name", "last_name", "username")


def _due_within(today: date, working_days: int) -> Q:
    """Open cases due from today to the ``working_days``-th working day after it.

    SAR and deceased person's records count the organisation's nation's working days; FOI and EIR the
    UK-wide calendar of FOIA s10(6). Reading the nation for a SAR costs one query.
    """
    nation = OrganisationSettings.load().nation
    sar_until = add_working_days(today, working_days, kind="sar", nation=nation)
    foi_until = add_working_days(today, working_days, kind="foi", nation=nation)
    return Q(status__in=OPEN_STATUSES, due_on__gte=today) & (
        Q(kind__in=[AccessRequestKind.FOI, AccessRequestKind.EIR], due_on__lte=foi_until)
        | Q(kind__in=[*ONE_MONTH_KINDS, AccessRequestKind.DECEASED], due_on__lte=sar_until)
    )


def access_overdue(today: date) -> Q:
    """The one notion of an overdue access request: open and past its due date. The home pages, the
    DPO's dashboard, the list's filter and the reminders' escalation (due before today) all use it.

    due_on is None while a clock is stopped, so a case waiting on the requester is never overdue.
    """
    return Q(status__in=OPEN_STATUSES, due_on__lt=today)


def access_request_list(
    *,
    user: AbstractBaseUser | AnonymousUser,
    today: date,
    search: str = "",
    kind: str = "",
    status: str = "",
    handler: User | None = None,
    due_within: int | None = None,
    overdue: bool = False,
) -> QuerySet[AccessRequest]:
    """The register as ``user`` may see it, filtered; soonest due first, stopped clocks last.

    ``status`` "open" means every status before responded or closed. Each row carries ``overdue``.
    """
    if not can_view_access_requests(user):
        return AccessRequest.objects.none()
    cases = AccessRequest.objects.select_related("handler")
    if search:
        cases = cases.filter(
            Q(reference__icontains=search)
            | Q(requester_name__icontains=search)
            | Q(subject_name__icontains=search)
        )
    if kind:
        cases = cases.filter(kind=kind)
    if status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif status:
        cases = cases.filter(status=status)
    if handler is not None:
        cases = cases.filter(handler=handler)
    if due_within is not None:
        cases = cases.filter(_due_within(today, due_within))
    if overdue:
        cases = cases.filter(access_overdue(today))
    return cases.annotate(
        overdue=Case(
            When(access_overdue(today), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    ).order_by("-overdue", F("due_on").asc(nulls_last=True), "-received_on", "-id")


@dataclass(frozen=True)
class DueTask:
    text: str
    url: str


def access_request_due_tasks(*, today: date) -> list[DueTask]:
    """Overdue cases and cases due in the next five working days, as links for the home page.

    The text names the reference and the date only: the home page is no place for requesters' names.
    """
    list_url = reverse("access_request_list")
    tasks: list[DueTask] = []
    overdue = list(
        AccessRequest.objects.filter(access_overdue(today)).order_by("due_on", "id")[: HOME_TASK_LIMIT + 1]
    )
    for case in overdue[:HOME_TASK_LIMIT]:
        assert case.due_on is not None
        tasks.append(
            DueTask(f"{case.reference} is overdue: it was due {_fmt(case.due_on)}", case.get_absolute_url())
        )
    if len(overdue) > HOME_TASK_LIMIT:
        tasks.append(DueTask("See every overdue access request", f"{list_url}?overdue=on"))
    due_soon = list(
        AccessRequest.objects.filter(_due_within(today, HOME_DUE_WITHIN_WORKING_DAYS)).order_by(
            "due_on", "id"
        )[: HOME_TASK_LIMIT + 1]
    )
    for case in due_soon[:HOME_TASK_LIMIT]:
        assert case.due_on is not None
        tasks.append(DueTask(f"{case.reference} is due {_fmt(case.due_on)}", case.get_absolute_url()))
    if len(due_soon) > HOME_TASK_LIMIT:
        tasks.append(
            DueTask(
                f"See every access request due in the next {HOME_DUE_WITHIN_WORKING_DAYS} working days",
                f"{list_url}?due_within={HOME_DUE_WITHIN_WORKING_DAYS}",
            )
        )
    return tasks


def published_disclosure_log() -> QuerySet[AccessRequest]:
    """FOI and EIR answers the IG team chose to publish, newest first. The page shows only the reference,
    dates, outcome, exemptions and the summary written for publication: never the requester's details
    or words."""
    return (
        AccessRequest.objects.filter(
            kind__in=[AccessRequestKind.FOI, AccessRequestKind.EIR],
            publish_in_disclosure_log=True,
            status=AccessRequestStatus.RESPONDED,
        )
        .only("reference", "kind", "received_on", "responded_on", "outcome", "disclosure_log_summary")
        .prefetch_related("exemptions")
        .order_by("-responded_on", "-id")
    )


# --- quarterly statistics (FOI s45 Code of Practice; the Scottish Commissioner's quarterly return) ------


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    received: int
    answered: int
    in_time: int
    late: int


@dataclass(frozen=True)
class QuarterStats:
    year: int
    quarter: int
    first: date
    last: date
    kinds: list[KindRow]
    exemptions: list[tuple[str, int]]
    reviews: list[tuple[str, str, int]]
    pauses: list[tuple[str, int]]

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter} ({_fmt(self.first)} to {_fmt(self.last)})"

    def csv_rows(self) -> list[tuple[str, str, int]]:
        """(section, item, value): one flat table that a spreadsheet or the publication scheme takes."""
        rows: list[tuple[str, str, int]] = []
        for row in self.kinds:
            rows += [
                ("received", row.label, row.received),
                ("answered", row.label, row.answered),
                ("answered in time", row.label, row.in_time),
                ("answered late", row.label, row.late),
            ]
        rows += [("exemption used", citation, count) for citation, count in self.exemptions]
        rows += [(f"{kind} outcome", outcome, count) for kind, outcome, count in self.reviews]
        rows += [("pause started", reason, count) for reason, count in self.pauses]
        return rows


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, after - timedelta(days=1)


# One figure before it is summed for a page: (quarter's first day, measure, kind, original_kind, outcome,
# timing, code), as ``AccessStatisticCount`` keeps them (models/counts.py says what each means).
FigureKey = tuple[date, str, str, str, str, str, str]
_KEY_FIELDS = ("kind", "original_kind", "outcome", "timing", "code")


@dataclass(frozen=True)
class QuarterFigures:
    """A quarter's kept figures, summed as each table on the statistics page and the return needs."""

    counts: dict[FigureKey, int]

    def total(self, measure: str, **match: str | frozenset[str]) -> int:
        return sum(self.by(measure, "measure", **match).values())

    def by(self, measure: str, field: str, **match: str | frozenset[str]) -> dict[str, int]:
        """The measure's figures summed by ``field``, over those whose other fields match (a value, or
        a set of values); only those above nought, as a grouped count gives."""
        summed: dict[str, int] = {}
        for key, n in self.counts.items():
            row = dict(zip(("measure", *_KEY_FIELDS), key[1:], strict=True))
            if row["measure"] != measure or not all(
                row[name] in wanted if isinstance(wanted, frozenset) else row[name] == wanted
                for name, wanted in match.items()
            ):
                continue
            summed[row[field]] = summed.get(row[field], 0) + n
        return {value: n for value, n in summed.items() if n}


def recount_access_statistics(*, first: date | None = None, last: date | None = None) -> dict[FigureKey, int]:
    """Every figure counted now from the cases, their exemptions and their clarifications, for the
    quarter from ``first`` to ``last`` or for all time: the check on the kept counts, and what SQLite
    (development without PostgreSQL, which has no triggers to keep them) shows. Six grouped counts."""
    from django.db.models.functions import Coalesce, TruncQuarter

    from requests_app.models import AccessRequestClarification, AccessRequestExemption

    def dated(field: str) -> Q:
        return Q(**{f"{field}__range": (first, last)}) if first and last else Q(**{f"{field}__isnull": False})

    blank = Value("")
    original = Coalesce(F("original__kind"), blank)
    timing = Case(
        When(due_on__isnull=True, then=blank),
        When(responded_on__lte=F("due_on"), then=Value("in_time")),
        default=Value("late"),
    )
    cases = AccessRequest.objects.all()
    sources: list[tuple[str, QuerySet[Any], str, dict[str, Any]]] = [
        ("received", cases, "received_on", {"kind": F("kind"), "original_kind": original}),
        (
            "answered",
            cases,
            "responded_on",
            {"kind": F("kind"), "original_kind": original, "outcome": F("outcome"), "timing": timing},
        ),
        ("identity", cases, "identity_requested_on", {"kind": F("kind")}),
        ("fee", cases, "fee_requested_on", {"kind": F("kind")}),
        (
            "exemption",
            AccessRequestExemption.objects.all(),
            "access_request__responded_on",
            {"kind": F("access_request__kind"), "code": F("code")},
        ),
        ("clarification", AccessRequestClarification.objects.all(), "asked_on", {}),
    ]
    counts: dict[FigureKey, int] = {}
    for measure, rows, day, columns in sources:
        grouped = (
            rows.filter(dated(day))
            .annotate(
                figure_quarter=TruncQuarter(day),
                **{f"figure_{name}": columns.get(name, blank) for name in _KEY_FIELDS},
            )
            .values_list("figure_quarter", *(f"figure_{name}" for name in _KEY_FIELDS))
            .annotate(n=Count("*"))
            .order_by()
        )
        for quarter_day, *fields, n in grouped:
            counts[(quarter_day, measure, *fields)] = n
    return counts


def kept_access_statistics(*, first: date | None = None) -> dict[FigureKey, int]:
    """The figures the database keeps (PostgreSQL's triggers, migration 0038): one quarter's, or all."""
    from requests_app.models import AccessStatisticCount

    kept = AccessStatisticCount.objects.exclude(total=0)
    if first is not None:
        kept = kept.filter(quarter=first)
    return {
        (quarter_day, measure, *fields): total
        for quarter_day, measure, *fields, total in kept.values_list(
            "quarter", "measure", *_KEY_FIELDS, "total"
        )
    }


def quarter_figures(*, year: int, quarter: int) -> QuarterFigures:
    """The quarter's figures in one query: kept by the database on PostgreSQL, counted on SQLite."""
    first, last = quarter_bounds(year, quarter)
    if connection.vendor != "postgresql":
        return QuarterFigures(recount_access_statistics(first=first, last=last))
    return QuarterFigures(kept_access_statistics(first=first))


def access_statistics(*, year: int, quarter: int, figures: QuarterFigures | None = None) -> QuarterStats:
    """Received in the quarter by type; answered in it, in time or late against the due date; exemptions
    relied on in answers sent in it; reviews and complaints to the Commissioner closed in it, by outcome;
    pauses started in it, by reason. Counts only: no case is named."""
    from requests_app.foi_exemptions import EXEMPTIONS
    from requests_app.models.access import FEE_PAUSE_KINDS, FOLLOW_UP_KINDS, PauseReason

    first, last = quarter_bounds(year, quarter)
    figures = figures or quarter_figures(year=year, quarter=quarter)
    received = figures.by("received", "kind")
    kinds = [
        KindRow(
            kind,
            label,
            received.get(kind, 0),
            figures.total("answered", kind=kind),
            figures.total("answered", kind=kind, timing="in_time"),
            figures.total("answered", kind=kind, timing="late"),
        )
        for kind, label in AccessRequestKind.choices
    ]
    exemptions = sorted(
        ((EXEMPTIONS[code].label, n) for code, n in figures.by("exemption", "code").items()),
        key=lambda r: (-r[1], r[0]),
    )
    reviews = [
        (AccessRequestKind(kind).label, AccessRequest(outcome=outcome).get_outcome_display(), n)
        for kind in sorted(FOLLOW_UP_KINDS)
        for outcome, n in sorted(figures.by("answered", "outcome", kind=kind).items())
    ]
    pauses = [
        (PauseReason.IDENTITY.label, figures.total("identity")),
        (PauseReason.CLARIFICATION.label, figures.total("clarification")),
        (PauseReason.FEE.label, figures.total("fee", kind=frozenset(FEE_PAUSE_KINDS))),
    ]
    return QuarterStats(year, quarter, first, last, kinds, exemptions, reviews, pauses)


def statistics_chart(stats: QuarterStats) -> Chart:
    """Answered in time and late, by type of request, for the quarter; the include adds the table."""
    shown = [row for row in stats.kinds if row.answered]
    in_time = sum(row.in_time for row in shown)
    late = sum(row.late for row in shown)
    return stacked_columns(
        slug="quarter",
        title=f"Answered in time and late, {stats.year} Q{stats.quarter}",
        description=(
            f"{in_time + late} answers with a due date in the quarter: {in_time} in time, {late} late."
        ),
        categories=[AccessRequestKind(row.kind).prefix for row in shown],
        series=[
            ("In time", "portal-chart--green", [row.in_time for row in shown]),
            ("Late", "portal-chart--red", [row.late for row in shown]),
        ],
    )


# --- the Scottish Information Commissioner's quarterly return (FOISA regime) ------------------------------

# The Commissioner collects, every three months, each Scottish public authority's FOI and EIR figures:
# requests received and how they were answered, the exemptions and exceptions applied, reviews and their
# outcomes ("FOI and EIRs statistics", itspublicknowledge.info/ScottishPublicAuthorities/
# StatisticsCollection.aspx; the schedule of fields itself is an Excel file the stored copy does not
# carry, so the measures below follow the categories that page and the Commissioner's guidance name).
SIC_LAWS: tuple[tuple[str, str], ...] = (
    (AccessRequestKind.FOI, "FOISA"),
    (AccessRequestKind.EIR, "EIRs (EISR 2004)"),
)
# A review's finding in the words of FOISA s21(4): confirm the decision (with or without modification)
# or substitute a different one.
SIC_REVIEW_OUTCOMES: tuple[tuple[str, str], ...] = (
    (AccessRequestOutcome.UPHELD, "original decision upheld without modification"),
    (AccessRequestOutcome.PARTLY_UPHELD, "original decision upheld with modification"),
    (AccessRequestOutcome.OVERTURNED, "original decision overturned (a different decision substituted)"),
)
SIC_ANSWER_OUTCOMES: tuple[tuple[str, str], ...] = (
    (AccessRequestOutcome.PROVIDED_IN_FULL, "information released in full"),
    (AccessRequestOutcome.PROVIDED_IN_PART, "information released in part"),
    (AccessRequestOutcome.REFUSED, "information withheld in full (refused)"),
    (AccessRequestOutcome.NOT_HELD, "information not held"),
)


@dataclass(frozen=True)
class ScottishReturn:
    first: date
    last: date
    rows: list[tuple[str, str, int]]

    @property
    def label(self) -> str:
        return f"{_fmt(self.first)} to {_fmt(self.last)}"


def scottish_return(*, year: int, quarter: int, figures: QuarterFigures | None = None) -> ScottishReturn:
    """The quarter's figures for the Scottish Information Commissioner, FOISA and EIRs apart: (law,
    measure, count). Received in the quarter; answered in it (a refusal is an answer), in time or not
    against the statutory date; outcomes; exemptions and exceptions applied in answers sent in it;
    fees notices given; reviews received and decided, by outcome; applications to the Commissioner
    received. Counts only: no case is named."""
    from requests_app.foi_exemptions import EXEMPTIONS

    first, last = quarter_bounds(year, quarter)
    figures = figures or quarter_figures(year=year, quarter=quarter)
    rows: list[tuple[str, str, int]] = []
    for kind, law in SIC_LAWS:
        outcomes = figures.by("answered", "outcome", kind=kind)
        rows += [
            (law, "requests received", figures.total("received", kind=kind)),
            (law, "requests responded to", figures.total("answered", kind=kind)),
            (
                law,
                "responded to within the statutory timescale",
                figures.total("answered", kind=kind, timing="in_time"),
            ),
            (
                law,
                "responded to outwith the statutory timescale",
                figures.total("answered", kind=kind, timing="late"),
            ),
        ]
        rows += [(law, f"outcome: {label}", outcomes.get(value, 0)) for value, label in SIC_ANSWER_OUTCOMES]
        what = "exemption applied" if kind == AccessRequestKind.FOI else "exception applied"
        rows += sorted(
            (
                (law, f"{what}: {EXEMPTIONS[code].citation}", n)
                for code, n in figures.by("exemption", "code", kind=kind).items()
            ),
            key=lambda row: row[1],
        )
        if kind == AccessRequestKind.FOI:
            rows.append((law, "fees notices issued", figures.total("fee", kind=kind)))
        review = {"kind": AccessRequestKind.REVIEW.value, "original_kind": kind}
        rows.append((law, "requests for review received", figures.total("received", **review)))
        decided = figures.by("answered", "outcome", **review)
        rows += [
            (law, f"review outcome: {label}", decided.get(value, 0)) for value, label in SIC_REVIEW_OUTCOMES
        ]
        appeals = figures.total("received", kind=AccessRequestKind.APPEAL.value, original_kind=kind)
        rows.append((law, "applications to the Commissioner received", appeals))
    return ScottishReturn(first, last, rows)
