"""The DPO's dashboard: counts and overdue items per register, accessible SVG charts, home page tasks."""

from __future__ import annotations

import datetime
import re
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from requests_app.charts import horizontal_bars, last_months, stacked_columns
from requests_app.csv_export import csv_cell, csv_lines
from requests_app.models import (
    AgreementStatus,
    AgreementVersion,
    DataFlow,
    DataFlowStatus,
    Dpia,
    DpiaStatus,
    Incident,
    RequestStatus,
)
from requests_app.selectors import flows as flow_selectors
from requests_app.selectors import incidents as incident_selectors
from requests_app.selectors.dashboard import (
    CHARTS_FRESH_SECONDS,
    count_each,
    deadlines_met_chart,
    requests_by_outcome_chart,
)
from tests.conftest import ClientFor
from tests.factories import (
    AccessRequestFactory,
    make_agreement,
    make_dpia,
    make_flow,
    make_incident,
    make_request,
    partner_with_signatory,
)
from tests.igportal.test_security_headers import INLINE_HANDLER, INLINE_SCRIPT, INLINE_STYLE

TODAY = datetime.date(2026, 11, 21)


# --- charts and CSV cells (pure) -------------------------------------------------------------------------


def test_the_longest_bar_fills_the_plot_and_the_others_scale() -> None:
    chart = horizontal_bars(
        slug="x", title="T", description="D", data=[("A", 10, "a"), ("B", 5, "b"), ("C", 0, "c")]
    )
    widths = [segment.width for segment in chart.segments]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert [row.values for row in chart.rows] == [(10,), (5,), (0,)]
    assert not chart.empty


def test_stacked_columns_put_each_series_on_the_one_below() -> None:
    chart = stacked_columns(
        slug="y",
        title="T",
        description="D",
        categories=["Oct", "Nov"],
        series=[("On time", "g", [3, 0]), ("Late", "r", [1, 0])],
    )
    on_time, late = chart.segments
    assert on_time.series == "On time" and late.series == "Late"
    assert late.y + late.height == pytest.approx(on_time.y)
    assert [row.total for row in chart.rows] == [4, 0]


def test_an_empty_chart_says_so() -> None:
    assert horizontal_bars(slug="x", title="T", description="D", data=[("A", 0, "a")]).empty


def test_the_last_twelve_months_end_with_this_one() -> None:
    months = last_months(TODAY, 12)
    assert (
        months[0] == datetime.date(2025, 12, 1)
        and months[-1] == datetime.date(2026, 11, 1)
        and len(months) == 12
    )


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1234", "'+44 1234"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        (True, "Yes"),
        (None, ""),
        (datetime.date(2026, 3, 27), "2026-03-27"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_the_csv_has_one_header_row() -> None:
    assert list(csv_lines(["A", "B"], [["1", "=2"]])) == ["A,B\r\n", "1,'=2\r\n"]


# --- the page ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_requests_by_outcome_counts_every_submitted_request(requester: User) -> None:
    for status in (
        RequestStatus.CLOSED,
        RequestStatus.CLOSED,
        RequestStatus.REJECTED,
        RequestStatus.IG_REVIEW,
    ):
        make_request(requester=requester, status=status)
    make_request(requester=requester, status=RequestStatus.DRAFT)
    chart = requests_by_outcome_chart()
    assert dict((row.label, row.values[0]) for row in chart.rows) == {
        "Shared and closed": 2,
        "Approved": 0,
        "Approved with conditions": 0,
        "Rejected": 1,
        "Withdrawn": 0,
        "Still being decided": 1,
    }
    assert chart.description.startswith("4 submitted sharing requests")


@pytest.mark.django_db
def test_deadlines_met_counts_responses_by_month_on_time_and_late() -> None:
    AccessRequestFactory.create(
        status="responded",
        outcome="provided_in_full",
        responded_on=datetime.date(2026, 10, 3),
        due_on=datetime.date(2026, 10, 5),
    )
    AccessRequestFactory.create(
        status="responded",
        outcome="provided_in_full",
        responded_on=datetime.date(2026, 10, 20),
        due_on=datetime.date(2026, 10, 10),
    )
    AccessRequestFactory.create(
        status="responded",
        outcome="not_held",
        responded_on=datetime.date(2026, 11, 2),
        due_on=datetime.date(2026, 11, 2),
    )
    AccessRequestFactory.create(
        status="responded",
        outcome="not_held",
        responded_on=datetime.date(2024, 11, 2),
        due_on=datetime.date(2024, 11, 2),
    )
    chart = deadlines_met_chart(today=TODAY)
    rows = {row.label: row.values for row in chart.rows}
    assert rows["Oct 26"] == (1, 1) and rows["Nov 26"] == (1, 0) and rows["Dec 25"] == (0, 0)
    assert (
        "3 subject access, FOI, EIR and deceased records requests were answered; "
        "2 by their statutory due date (67%), 1 late" in chart.description
    )


@pytest.mark.django_db
def test_the_dashboard_counts_each_register_and_lists_what_is_overdue(
    requester: User, ig_officer: User, dpo: User, client_for: ClientFor
) -> None:
    past = timezone.localdate() - datetime.timedelta(days=10)
    late_flow = make_flow(requester=requester, created_by=ig_officer, next_review_on=past)
    late_isa = make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE, review_on=past)
    make_agreement(author=ig_officer, status=AgreementStatus.AWAITING_CALDICOTT)
    late_dpia = make_dpia(author=ig_officer, status=DpiaStatus.SIGNED_OFF, next_review_on=past)
    late_incident = make_incident(
        reported_by=ig_officer, aware_at=timezone.now() - datetime.timedelta(hours=100)
    )
    response = client_for(dpo).get(reverse("register_dashboard"))
    content = response.content.decode()
    overdue = content[content.index('data-testid="overdue"') :]
    for reference in (
        late_flow.reference,
        late_isa.audit_label,
        late_dpia.reference,
        late_incident.reference,
    ):
        assert reference in overdue, reference
    assert "awaiting the Caldicott Guardian" in content
    assert re.search(
        r'<strong class="nhsuk-tag nhsuk-tag--red">1</strong> <a href="[^"]+">ICO report overdue</a>', content
    )


@pytest.mark.django_db
def test_the_charts_are_accessible_svg_with_a_table_and_no_inline_style(
    requester: User, dpo: User, client_for: ClientFor
) -> None:
    make_request(requester=requester, status=RequestStatus.REJECTED)
    content = client_for(dpo).get(reverse("register_dashboard")).content.decode()
    for slug in ("outcomes", "deadlines"):
        assert f'role="img" aria-labelledby="chart-{slug}-title chart-{slug}-desc"' in content
        assert f'<title id="chart-{slug}-title">' in content and f'<desc id="chart-{slug}-desc">' in content
        assert f'data-testid="chart-{slug}-table"' in content
    assert "<rect" in content and "portal-chart--red" in content
    for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
        assert not pattern.search(content)


@pytest.mark.django_db
def test_home_tells_the_dpo_the_caldicott_guardian_and_the_siro_what_waits_in_the_registers(
    requester: User, ig_officer: User, dpo: User, caldicott: User, siro: User, client_for: ClientFor
) -> None:
    past = timezone.localdate() - datetime.timedelta(days=1)
    make_flow(requester=requester, created_by=ig_officer, next_review_on=past)
    make_flow(requester=requester, created_by=ig_officer, next_review_on=past)
    make_agreement(author=ig_officer, status=AgreementStatus.AWAITING_CALDICOTT)
    make_dpia(author=ig_officer, status=DpiaStatus.AWAITING_SIRO)
    make_dpia(author=ig_officer, status=DpiaStatus.AWAITING_DPO)
    dpo_home = client_for(dpo).get(reverse("home")).content.decode()
    assert "2 data flow reviews overdue" in dpo_home and "1 DPIA waiting for your advice" in dpo_home
    assert f"{reverse('flow_list')}?overdue=on" in dpo_home
    assert "1 ISA waiting for your approval" in client_for(caldicott).get(reverse("home")).content.decode()
    assert "1 DPIA waiting for your sign-off" in client_for(siro).get(reverse("home")).content.decode()
    assert "reviews overdue" not in client_for(ig_officer).get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_the_auditors_home_leads_to_what_there_is_to_read_and_says_how_much(
    requester: User, ig_officer: User, auditor: User, client_for: ClientFor
) -> None:
    make_flow(requester=requester, created_by=ig_officer)
    make_flow(requester=requester, created_by=ig_officer, status=DataFlowStatus.ENDED)
    page = client_for(auditor).get(reverse("home")).content.decode()
    assert "1 active data flow in the registers" in page
    assert re.search(r"\d+ audit events? in the last 7 days", page)
    assert f'href="{reverse("audit_list")}"' in page and f'href="{reverse("register_dashboard")}"' in page


@pytest.mark.django_db
def test_the_navigation_offers_each_role_its_registers(
    requester: User, dpo: User, caldicott: User, siro: User, client_for: ClientFor
) -> None:
    pages = {
        user.username: client_for(user).get(reverse("home")).content.decode()
        for user in (requester, dpo, caldicott, siro)
    }
    dashboard = f'href="{reverse("register_dashboard")}"'
    assert dashboard in pages[dpo.username]
    assert (
        reverse("agreement_list") in pages[caldicott.username] and dashboard not in pages[caldicott.username]
    )
    assert reverse("dpia_list") in pages[siro.username]
    assert "Your disclosures" in pages[requester.username] and dashboard not in pages[requester.username]


@pytest.mark.django_db
def test_the_charts_are_kept_for_minutes_and_say_when_they_were_counted(
    requester: User, dpo: User, client_for: ClientFor
) -> None:
    make_request(requester=requester, status=RequestStatus.REJECTED)
    client = client_for(dpo)
    first = client.get(reverse("register_dashboard")).content.decode()
    assert "1 submitted sharing request: " in first
    counted_at = re.search(
        r'data-testid="charts-counted-at">Counted at (\d\d:\d\d); counted again when 5 minutes', first
    )
    assert counted_at is not None

    make_request(requester=requester, status=RequestStatus.CLOSED)
    kept = client.get(reverse("register_dashboard")).content.decode()
    assert "1 submitted sharing request: " in kept
    assert f"Counted at {counted_at.group(1)}" in kept

    later = timezone.now() + datetime.timedelta(seconds=CHARTS_FRESH_SECONDS + 1)
    with mock.patch("django.core.cache.backends.locmem.time.time", return_value=later.timestamp()):
        recounted = client.get(reverse("register_dashboard")).content.decode()
    assert "2 submitted sharing requests: " in recounted


@pytest.mark.django_db
def test_the_dated_counts_take_one_statement_and_equal_counting_each_alone(
    requester: User, ig_officer: User, django_assert_num_queries: Any
) -> None:
    today = timezone.localdate()
    past = today - datetime.timedelta(days=10)
    make_flow(requester=requester, created_by=ig_officer, next_review_on=past)
    make_flow(requester=requester, created_by=ig_officer, needs_reassessment=True)
    make_flow(
        requester=requester, created_by=ig_officer, needs_reassessment=True, status=DataFlowStatus.ENDED
    )
    two_parties = [partner_with_signatory(), partner_with_signatory()]
    make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE, review_on=past, parties=two_parties)
    make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE, review_on=past)
    make_incident(reported_by=ig_officer, aware_at=timezone.now() - datetime.timedelta(hours=100))
    querysets = {
        "flows_overdue": DataFlow.objects.filter(flow_selectors.review_overdue(today)),
        "flows_reassess": DataFlow.objects.filter(needs_reassessment=True).exclude(
            status=DataFlowStatus.ENDED
        ),
        # a join that repeats rows, counted once each as .distinct().count() does
        "with_parties": AgreementVersion.objects.filter(parties__isnull=False).distinct(),
        "party_rows": AgreementVersion.objects.filter(parties__isnull=False),
        "overdue_incidents": Incident.objects.filter(incident_selectors.ico_overdue(timezone.now())),
        "none": Dpia.objects.all(),
    }
    expected = {name: queryset.count() for name, queryset in querysets.items()}
    with django_assert_num_queries(1):
        counted = count_each(**querysets)
    assert counted == expected
    assert expected["flows_overdue"] == 1 and expected["flows_reassess"] == 1
    assert (expected["with_parties"], expected["party_rows"]) == (2, 3)
    assert expected["overdue_incidents"] == 1 and expected["none"] == 0
