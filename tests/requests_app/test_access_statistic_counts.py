"""The access-request statistics' counts are kept by the database as cases move, and equal a recount.

Cases of every kind are logged through the service, then a random sequence of moves is fired through
the one transition service (``access_request_transition``), each picked among every move of the
workflow (refused ones included: a refusal must change nothing), with dates on either side of a
quarter's edge, outcomes, exemptions and clarifications; details are edited, reviews and appeals
logged, and a case deleted. After each step the kept counts must equal a fresh count of the tables.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from requests_app.access_workflow import ACCESS_WORKFLOW
from requests_app.foi_exemptions import exemptions_for
from requests_app.models import (
    AccessRequest,
    AccessRequestExemption,
    AccessRequestHistory,
    AccessStatisticCount,
)
from requests_app.models.access import (
    CLOSING_OUTCOMES,
    FOLLOW_UP_KINDS,
    AccessRequestKind,
    IdentityMethod,
    outcomes_for,
)
from requests_app.models.organisations import OrganisationSettings
from requests_app.selectors.access import (
    kept_access_statistics,
    quarter_bounds,
    quarter_figures,
    recount_access_statistics,
)
from requests_app.services.access import (
    access_request_create,
    access_request_follow_up_create,
    access_request_transition,
    access_request_update,
)
from requests_app.services.workflow import TransitionConflict
from tests.conftest import ClientFor
from tests.requests_app.test_access_statistics_figures import make_varied_register
from tests.requests_app.test_register_queries import AUDIT, START

pytestmark = [pytest.mark.django_db, pytest.mark.services]

# The statistics page with the Scottish return: 9 queries, one of them for every figure (it was 30: a
# grouped count per table and per law).
# The session and the header's unread count, the audit event, and the page's own two: the quarter's kept
# figures and the organisation's FOI law.
QUERIES = START + AUDIT + 2
LOGGED_KINDS = [kind for kind in AccessRequestKind.values if kind not in FOLLOW_UP_KINDS]


def assert_kept_counts_equal_a_recount() -> None:
    assert kept_access_statistics() == recount_access_statistics()


def edge_days(today: date) -> list[date]:
    """Days either side of this quarter's first day and of the last one's, and today."""
    this_quarter = quarter_bounds(today.year, (today.month - 1) // 3 + 1)[0]
    last_quarter = (this_quarter - timedelta(days=1)).replace(day=1)
    last_quarter = last_quarter.replace(month=(last_quarter.month - 1) // 3 * 3 + 1)
    days = {
        today,
        this_quarter,
        this_quarter - timedelta(days=1),
        last_quarter,
        last_quarter - timedelta(days=1),
    }
    return sorted(day for day in days if day <= today)


def log_case(officer: User, kind: str, received_on: date) -> AccessRequest:
    return access_request_create(
        actor=officer,
        kind=kind,
        received_on=received_on,
        channel="email",
        requester_name="Sam Requester",
        requester_email="sam@example.org",
        subject_name="Pat Subject",
        description="Everything about the car park contract.",
    )


def test_the_migration_counted_what_was_there_and_a_new_case_counts(ig_officer: User) -> None:
    assert_kept_counts_equal_a_recount()
    today = timezone.localdate()
    log_case(ig_officer, AccessRequestKind.FOI, today)
    first = quarter_bounds(today.year, (today.month - 1) // 3 + 1)[0]
    assert (
        quarter_figures(year=today.year, quarter=(today.month - 1) // 3 + 1).total("received", kind="foi")
        == 1
    )
    assert AccessStatisticCount.objects.get(quarter=first, measure="received", kind="foi").total == 1
    assert_kept_counts_equal_a_recount()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_kept_counts_equal_a_recount_after_any_sequence_of_moves(
    ig_officer: User, dpo: User, data: st.DataObject
) -> None:
    today = timezone.localdate()
    days = edge_days(today)
    kinds = data.draw(st.lists(st.sampled_from(LOGGED_KINDS), min_size=2, max_size=5), label="kinds")
    cases = [log_case(ig_officer, kind, data.draw(st.sampled_from(days), label="received")) for kind in kinds]
    cases.append(log_case(ig_officer, AccessRequestKind.FOI, days[0]))
    assert_kept_counts_equal_a_recount()
    moves = [name for name, move in ACCESS_WORKFLOW.transitions.items() if not move.system]
    for _ in range(data.draw(st.integers(min_value=1, max_value=20), label="steps")):
        case = data.draw(st.sampled_from(cases), label="case")
        case.refresh_from_db()
        actor = data.draw(st.sampled_from([ig_officer, dpo]), label="actor")
        on = data.draw(
            st.sampled_from([day for day in days if day >= case.received_on] or [today]), label="on"
        )
        step = data.draw(st.sampled_from(["move"] * 6 + ["edit", "follow up", "delete"]), label="step")
        move = ""
        try:
            with transaction.atomic():
                if step == "move":
                    move = data.draw(st.sampled_from(moves), label="move")
                    codes = [e.code for e in exemptions_for(case.kind)] if case.kind in ("foi", "eir") else []
                    chosen = (
                        data.draw(st.lists(st.sampled_from(codes), unique=True, max_size=2), label="codes")
                        if codes
                        else []
                    )
                    access_request_transition(
                        case,
                        move,
                        actor=actor,
                        on=on,
                        told_on=on,
                        method=IdentityMethod.PHOTO_ID,
                        details="Asked which years; extended for the public interest test.",
                        extended_until=on + timedelta(days=40),
                        outcome=data.draw(
                            st.sampled_from([*outcomes_for(case.kind), *CLOSING_OUTCOMES]), label="outcome"
                        ),
                        exemptions=chosen,
                        public_interest={code: "The public interest favours withholding." for code in chosen},
                        recipients_told="No one else holds it.",
                    )
                elif step == "edit":
                    fee_asked = data.draw(st.sampled_from([None, *days]), label="fee")
                    access_request_update(
                        case=case,
                        actor=actor,
                        received_on=data.draw(st.sampled_from(days), label="new received"),
                        fee_requested_on=fee_asked,
                        fee_amount=None if fee_asked is None else Decimal("10.00"),
                    )
                elif step == "follow up":
                    cases.append(
                        access_request_follow_up_create(
                            original=case,
                            actor=actor,
                            kind=data.draw(st.sampled_from(sorted(FOLLOW_UP_KINDS)), label="follow-up"),
                            received_on=on,
                            details="The requester asks for the answer to be looked at again.",
                        )
                    )
                else:
                    # The product never deletes a case (disposal redacts it); an administrator may.
                    AccessRequestHistory.objects.filter(access_request=case).delete()
                    case.delete()
                    cases.remove(case)
            event(f"{step} {move if step == 'move' else ''} made")
        except (ValidationError, PermissionDenied, TransitionConflict, ProtectedError):
            pass  # refused: nothing may have changed, counts included
        assert_kept_counts_equal_a_recount()
        if not cases:
            break
    assert_kept_counts_equal_a_recount()


def test_statements_outside_the_services_are_counted_too(ig_officer: User) -> None:
    """A bulk update, an exemption added by hand, a re-typed original and a delete: the triggers see
    every statement, whoever makes it."""
    today = timezone.localdate()
    first, *_ = edge_days(today)
    original = log_case(ig_officer, AccessRequestKind.FOI, first)
    access_request_transition(original, "respond", actor=ig_officer, on=today, outcome="provided_in_full")
    review = access_request_follow_up_create(
        original=original, actor=ig_officer, kind="review", received_on=today, details="Look again."
    )
    AccessRequestExemption.objects.create(access_request=original, code="foia_43")
    assert_kept_counts_equal_a_recount()
    AccessRequest.objects.filter(pk=original.pk).update(kind=AccessRequestKind.EIR, due_on=None)
    assert_kept_counts_equal_a_recount()
    AccessRequest.objects.filter(pk__in=[original.pk, review.pk]).update(
        responded_on=today - timedelta(days=1)
    )
    assert_kept_counts_equal_a_recount()
    for case in (review, original):
        AccessRequestHistory.objects.filter(access_request=case).delete()
        AccessRequest.objects.filter(pk=case.pk).delete()
        assert_kept_counts_equal_a_recount()
    assert not kept_access_statistics()


def test_a_truncate_counts_afresh(ig_officer: User) -> None:
    log_case(ig_officer, AccessRequestKind.SAR, timezone.localdate())
    with connection.cursor() as cursor:
        # The foreign keys' deferred checks would otherwise be pending, which TRUNCATE refuses.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE requests_app_accessrequest CASCADE")
    assert not kept_access_statistics() and not recount_access_statistics()


def test_the_statistics_page_reads_its_figures_in_one_query_however_many_cases(
    client_for: ClientFor, dpo: User, django_assert_num_queries: Any
) -> None:
    make_varied_register()
    settings_row = OrganisationSettings.load()
    settings_row.foi_regime = "foisa"  # the Scottish return too, from the same read
    settings_row.save()
    client = client_for(dpo)
    client.get(reverse("access_statistics"), {"quarter": "2026-Q1"})
    # session (with the user and their roles) and the header's unread count; the audit event (the
    # chain's lock with its last hash, the insert: test_register_queries.py); the quarter's kept
    # figures; the organisation's FOI law
    with django_assert_num_queries(QUERIES):
        page = client.get(reverse("access_statistics"), {"quarter": "2026-Q1"})
    assert page.status_code == 200
    foi = next(row for row in page.context["stats"].kinds if row.kind == "foi")
    assert foi.received == 15 and b'data-testid="statistics-sic"' in page.content
