"""Reads of access request cases: who may see them, the register list, and what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
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


def access_statistics(*, year: int, quarter: int) -> QuarterStats:
    """Received in the quarter by type; answered in it, in time or late against the due date; exemptions
    relied on in answers sent in it; reviews and complaints to the Commissioner closed in it, by outcome;
    pauses started in it, by reason. Counts only: no case is named."""
    from requests_app.models import AccessRequestClarification, AccessRequestExemption
    from requests_app.models.access import FEE_PAUSE_KINDS, FOLLOW_UP_KINDS, PauseReason

    first, last = quarter_bounds(year, quarter)
    received = dict(
        AccessRequest.objects.filter(received_on__range=(first, last))
        .values_list("kind")
        .annotate(n=Count("*"))
        .values_list("kind", "n")
        .order_by()
    )
    answered_rows = (
        AccessRequest.objects.filter(responded_on__range=(first, last))
        .values_list("kind")
        .annotate(
            n=Count("*"),
            in_time=Count("pk", filter=Q(due_on__isnull=False, responded_on__lte=F("due_on"))),
            late=Count("pk", filter=Q(due_on__isnull=False, responded_on__gt=F("due_on"))),
        )
        .values_list("kind", "n", "in_time", "late")
        .order_by()
    )
    answered = {kind: (n, in_time, late) for kind, n, in_time, late in answered_rows}
    kinds = [
        KindRow(kind, label, received.get(kind, 0), *answered.get(kind, (0, 0, 0)))
        for kind, label in AccessRequestKind.choices
    ]
    exemption_counts = (
        AccessRequestExemption.objects.filter(access_request__responded_on__range=(first, last))
        .values_list("code")
        .annotate(n=Count("*"))
        .values_list("code", "n")
        .order_by()
    )
    from requests_app.foi_exemptions import EXEMPTIONS

    exemptions = sorted(
        ((EXEMPTIONS[code].label, n) for code, n in exemption_counts), key=lambda r: (-r[1], r[0])
    )
    reviews = [
        (AccessRequestKind(kind).label, AccessRequest(outcome=outcome).get_outcome_display(), n)
        for kind, outcome, n in AccessRequest.objects.filter(
            kind__in=FOLLOW_UP_KINDS, responded_on__range=(first, last)
        )
        .values_list("kind", "outcome")
        .annotate(n=Count("*"))
        .values_list("kind", "outcome", "n")
        .order_by("kind", "outcome")
    ]
    pauses = [
        (
            PauseReason.IDENTITY.label,
            AccessRequest.objects.filter(identity_requested_on__range=(first, last)).count(),
        ),
        (
            PauseReason.CLARIFICATION.label,
            AccessRequestClarification.objects.filter(asked_on__range=(first, last)).count(),
        ),
        (
            PauseReason.FEE.label,
            AccessRequest.objects.filter(
                kind__in=FEE_PAUSE_KINDS, fee_requested_on__range=(first, last)
            ).count(),
        ),
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


def scottish_return(*, year: int, quarter: int) -> ScottishReturn:
    """The quarter's figures for the Scottish Information Commissioner, FOISA and EIRs apart: (law,
    measure, count). Received in the quarter; answered in it (a refusal is an answer), in time or not
    against the statutory date; outcomes; exemptions and exceptions applied in answers sent in it;
    fees notices given; reviews received and decided, by outcome; applications to the Commissioner
    received. Counts only: no case is named."""
    from requests_app.foi_exemptions import EXEMPTIONS
    from requests_app.models import AccessRequestExemption

    first, last = quarter_bounds(year, quarter)
    quarter_range = (first, last)
    rows: list[tuple[str, str, int]] = []
    for kind, law in SIC_LAWS:
        answered = AccessRequest.objects.filter(kind=kind, responded_on__range=quarter_range)
        totals = answered.aggregate(
            n=Count("pk"),
            in_time=Count("pk", filter=Q(due_on__isnull=False, responded_on__lte=F("due_on"))),
            late=Count("pk", filter=Q(due_on__isnull=False, responded_on__gt=F("due_on"))),
        )
        outcomes = dict(
            answered.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n").order_by()
        )
        rows += [
            (
                law,
                "requests received",
                AccessRequest.objects.filter(kind=kind, received_on__range=quarter_range).count(),
            ),
            (law, "requests responded to", totals["n"]),
            (law, "responded to within the statutory timescale", totals["in_time"]),
            (law, "responded to outwith the statutory timescale", totals["late"]),
        ]
        rows += [(law, f"outcome: {label}", outcomes.get(value, 0)) for value, label in SIC_ANSWER_OUTCOMES]
        applied = (
            AccessRequestExemption.objects.filter(
                access_request__kind=kind, access_request__responded_on__range=quarter_range
            )
            .values_list("code")
            .annotate(n=Count("pk"))
            .values_list("code", "n")
            .order_by()
        )
        what = "exemption applied" if kind == AccessRequestKind.FOI else "exception applied"
        rows += sorted(
            ((law, f"{what}: {EXEMPTIONS[code].citation}", n) for code, n in applied),
            key=lambda row: row[1],
        )
        if kind == AccessRequestKind.FOI:
            rows.append(
                (
                    law,
                    "fees notices issued",
                    AccessRequest.objects.filter(kind=kind, fee_requested_on__range=quarter_range).count(),
                )
            )
        reviews = AccessRequest.objects.filter(kind=AccessRequestKind.REVIEW, original__kind=kind)
        rows.append(
            (law, "requests for review received", reviews.filter(received_on__range=quarter_range).count())
        )
        decided = dict(
            reviews.filter(responded_on__range=quarter_range)
            .values_list("outcome")
            .annotate(n=Count("pk"))
            .values_list("outcome", "n")
            .order_by()
        )
        rows += [
            (law, f"review outcome: {label}", decided.get(value, 0)) for value, label in SIC_REVIEW_OUTCOMES
        ]
        rows.append(
            (
                law,
                "applications to the Commissioner received",
                AccessRequest.objects.filter(
                    kind=AccessRequestKind.APPEAL, original__kind=kind, received_on__range=quarter_range
                ).count(),
            )
        )
    return ScottishReturn(first, last, rows)
