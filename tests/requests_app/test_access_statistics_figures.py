"""The quarterly statistics and the Scottish return show the same figures whatever counts them.

A varied register, written straight to the tables (every kind, every outcome each may have, answers in
time, late and with no due date, exemptions on answered and unanswered cases, reviews and appeals of FOI
and EIR answers, identity, fee and clarification pauses, dates on each side of every quarter's first
and last day and on the bank holidays around them), and the figures it gave when each page counted its
own rows, kept in ``access_statistics_figures.json``: the page, its CSV and the Scottish return must
give exactly those, on PostgreSQL (from the kept counts) and on SQLite (the newcomer's path).
"""

from __future__ import annotations

import io
import json
import random
from csv import reader
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from requests_app.foi_exemptions import EXEMPTIONS
from requests_app.models import AccessRequest, AccessRequestClarification, AccessRequestExemption
from requests_app.models.access import (
    CLOSING_OUTCOMES,
    OPEN_STATUSES,
    AccessRequestKind,
    AccessRequestStatus,
    outcomes_for,
)
from requests_app.models.organisations import OrganisationSettings
from requests_app.selectors.access import (
    QuarterFigures,
    access_statistics,
    quarter_bounds,
    recount_access_statistics,
    scottish_return,
)
from tests.conftest import ClientFor
from tests.factories import AccessRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

FIGURES = Path(__file__).with_name("access_statistics_figures.json")
QUARTERS = ((2025, 4), (2026, 1), (2026, 2), (2026, 3))
# The days either side of each quarter's edges, and the bank holidays next to them (Christmas, Boxing
# Day, New Year, Good Friday and Easter Monday 2026, 2 January in Scotland).
EDGES = (
    date(2025, 9, 30),
    date(2025, 10, 1),
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2025, 12, 31),
    date(2026, 1, 1),
    date(2026, 1, 2),
    date(2026, 3, 31),
    date(2026, 4, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 6, 30),
    date(2026, 7, 1),
)
FOLLOWED = (AccessRequestKind.FOI, AccessRequestKind.EIR)


def _day(rng: random.Random) -> date:
    if rng.random() < 0.35:
        return rng.choice(EDGES)
    return date(2025, 9, 15) + timedelta(days=rng.randrange(300))


def _later(rng: random.Random, day: date) -> date:
    return rng.choice((day, day + timedelta(days=rng.randrange(1, 70)), *[e for e in EDGES if e >= day][:2]))


def make_varied_register() -> None:
    """About 290 cases and their exemptions and clarifications, the same ones on every run."""
    rng = random.Random(24)
    creator = UserFactory.create(username="statistics.creator", password=None)
    cases: list[AccessRequest] = []
    kinds = [value for value in AccessRequestKind.values if value not in ("review", "appeal")]
    for n in range(240):
        kind = kinds[n % len(kinds)] if n < 40 else rng.choice([*kinds, *FOLLOWED, *FOLLOWED])
        cases.append(_case(rng, kind, creator, original=None))
    answered = [case for case in cases if case.kind in FOLLOWED and case.responded_on is not None]
    for n in range(48):
        original = rng.choice(answered)
        cases.append(_case(rng, ("review", "appeal")[n % 2], creator, original=original))
    codes = list(EXEMPTIONS)
    for case in cases:
        if case.kind in FOLLOWED and rng.random() < 0.45:
            for code in rng.sample(codes, rng.randrange(1, 4)):
                AccessRequestExemption.objects.create(access_request=case, code=code)
        for _ in range(rng.choice((0, 0, 0, 1, 2))):
            asked = _later(rng, case.received_on)
            AccessRequestClarification.objects.create(
                access_request=case, asked_on=asked, question="Which years?", answered_on=asked
            )


def _case(rng: random.Random, kind: str, creator: User, *, original: AccessRequest | None) -> AccessRequest:
    received = _day(rng) if original is None else _later(rng, original.responded_on or original.received_on)
    status = rng.choice(
        [*sorted(OPEN_STATUSES), *[AccessRequestStatus.RESPONDED] * 2, AccessRequestStatus.CLOSED]
    )
    due = None if rng.random() < 0.15 else received + timedelta(days=rng.choice((20, 28, 30, 40, 60)))
    responded = outcome = None
    if status == AccessRequestStatus.RESPONDED:
        responded = _later(rng, received)
        outcome = rng.choice(outcomes_for(kind))
    elif status == AccessRequestStatus.CLOSED:
        outcome = rng.choice(CLOSING_OUTCOMES)
        # A refusal is an answer with its date; a withdrawal or a lapse is not.
        responded = _later(rng, received) if outcome == "refused" else None
    return AccessRequestFactory.create(
        kind=kind,
        status=status,
        received_on=received,
        due_on=due,
        responded_on=responded,
        outcome=outcome or "",
        extended=rng.random() < 0.2,
        identity_requested_on=_later(rng, received) if rng.random() < 0.3 else None,
        fee_requested_on=_later(rng, received) if rng.random() < 0.25 else None,
        original=original,
        created_by=creator,
    )


def figures(*, recounted: bool = False) -> dict[str, Any]:
    """Every figure the statistics page, its CSV and the Scottish return give for each quarter: from
    the figures as this database gives them (kept on PostgreSQL), or ``recounted`` as SQLite does."""
    shown: dict[str, Any] = {}
    for year, quarter in QUARTERS:
        first, last = quarter_bounds(year, quarter)
        given = QuarterFigures(recount_access_statistics(first=first, last=last)) if recounted else None
        stats = access_statistics(year=year, quarter=quarter, figures=given)
        shown[f"{year}-Q{quarter}"] = {
            "csv": [list(row) for row in stats.csv_rows()],
            "scottish": [
                list(row) for row in scottish_return(year=year, quarter=quarter, figures=given).rows
            ],
        }
    return shown


def test_the_figures_are_those_the_pages_gave_when_they_counted_their_own_rows() -> None:
    make_varied_register()
    assert AccessRequest.objects.filter(kind="review").exists()
    assert figures() == json.loads(FIGURES.read_text())


def test_the_recount_sqlite_shows_gives_the_same_figures() -> None:
    """Run on PostgreSQL too, so the newcomer's path is checked by every run, not only a SQLite one."""
    make_varied_register()
    assert figures(recounted=True) == json.loads(FIGURES.read_text())


def test_the_page_and_its_csv_show_those_figures(client_for: ClientFor, dpo: User) -> None:
    make_varied_register()
    settings_row = OrganisationSettings.load()
    settings_row.foi_regime = "foisa"
    settings_row.save()
    pinned = json.loads(FIGURES.read_text())["2026-Q1"]
    client = client_for(dpo)
    page = client.get(reverse("access_statistics"), {"quarter": "2026-Q1"})
    assert page.status_code == 200
    # The Scottish return once, in the page's body; the title is the title (a merge had put the return
    # inside it, so the browser's tab showed its HTML).
    html = page.content.decode()
    assert html.count('data-testid="statistics-sic"') == 1
    assert "<title>Access request statistics, 2026 Q1 \N{EN DASH} " in html
    assert [list(row) for row in page.context["stats"].csv_rows()] == pinned["csv"]
    assert [list(row) for row in page.context["scottish"].rows] == pinned["scottish"]
    foi = next(row for row in page.context["stats"].kinds if row.kind == "foi")
    cell = '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>'
    assert "".join(cell.format(n) for n in (foi.received, foi.answered, foi.in_time, foi.late)) in (
        page.content.decode()
    )
    csv = client.get(reverse("access_statistics_csv"), {"quarter": "2026-Q1"}).content.decode()
    assert list(reader(io.StringIO(csv)))[1:] == [[str(cell) for cell in row] for row in pinned["csv"]]
    sic = client.get(reverse("access_statistics_csv"), {"quarter": "2026-Q1", "return": "sic"})
    rows = list(reader(io.StringIO(sic.content.decode())))[1:]
    assert rows == [[str(cell) for cell in row] for row in pinned["scottish"]]
