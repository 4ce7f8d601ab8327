"""The claim at the heart of every sweep: bounded by its limit, oldest first, one token, never twice."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.transaction import TransactionManagementError

from requests_app.models import ReminderMilestone
from requests_app.services.reminders import milestones_claim
from tests.requests_app.chasing import at

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 9)
SOURCE = "access_requests"


def _milestones(due: int) -> list[int]:
    """``due`` unclaimed rows due by TODAY, inserted newest first so that id order is not due order;
    around them rows the claim must leave: not yet due, another source's, already claimed."""
    for n in range(due):
        ReminderMilestone.objects.create(
            source=SOURCE, object_id=n, milestone=f"m{n}", due_on=TODAY - timedelta(days=due - n)
        )
    ReminderMilestone.objects.create(
        source=SOURCE, object_id=1000, milestone="later", due_on=TODAY + timedelta(1)
    )
    ReminderMilestone.objects.create(source="signoffs", object_id=1, milestone="other", due_on=TODAY)
    ReminderMilestone.objects.create(
        source=SOURCE, object_id=1001, milestone="done", due_on=TODAY - timedelta(400), claimed_at=at(TODAY)
    )
    return list(
        ReminderMilestone.objects.filter(source=SOURCE, claimed_at=None, due_on__lte=TODAY)
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )


def _claim(batch_size: int) -> list[ReminderMilestone]:
    with transaction.atomic():
        return milestones_claim(source=SOURCE, today=TODAY, now=at(TODAY), batch_size=batch_size)


def test_a_claim_takes_at_most_its_limit_oldest_first_under_one_new_token() -> None:
    due = _milestones(7)
    first, second, third = _claim(3), _claim(3), _claim(3)
    assert [[row.pk for row in batch] for batch in (first, second, third)] == [due[:3], due[3:6], due[6:]]
    tokens = [{row.claim_token for row in batch} for batch in (first, second, third)]
    assert all(len(batch_tokens) == 1 and None not in batch_tokens for batch_tokens in tokens)
    assert len(set.union(*tokens)) == 3
    assert all(row.claimed_at == at(TODAY) for row in first)
    # The instances are what the table now holds.
    for row in first:
        stored = ReminderMilestone.objects.get(pk=row.pk)
        assert (stored.claim_token, stored.claimed_at, stored.milestone) == (
            row.claim_token,
            row.claimed_at,
            row.milestone,
        )
    assert _claim(3) == []
    assert set(ReminderMilestone.objects.filter(claimed_at=None).values_list("milestone", flat=True)) == {
        "later",
        "other",
    }


@pytest.mark.django_db(transaction=True)
def test_a_claim_outside_a_transaction_is_refused() -> None:
    # Outside one, a crash between the claim and its notifications would lose the reminders.
    _milestones(1)
    with pytest.raises(TransactionManagementError):
        milestones_claim(source=SOURCE, today=TODAY, now=at(TODAY), batch_size=1)
    assert ReminderMilestone.objects.filter(source=SOURCE, claimed_at=None, due_on__lte=TODAY).count() == 1


@pytest.mark.services
def test_on_postgresql_the_claim_is_one_statement(django_assert_num_queries: Any) -> None:
    assert connection.vendor == "postgresql"
    due = _milestones(5)
    with transaction.atomic(), django_assert_num_queries(1):
        rows = milestones_claim(source=SOURCE, today=TODAY, now=at(TODAY), batch_size=2)
    assert [row.pk for row in rows] == due[:2]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_claim_running_while_another_holds_its_rows_takes_the_next_ones() -> None:
    assert connection.vendor == "postgresql"
    due = _milestones(20)
    held, released = threading.Event(), threading.Event()
    first: list[int] = []
    errors: list[BaseException] = []

    def claim_and_hold() -> None:
        try:
            with transaction.atomic():
                first.extend(
                    row.pk
                    for row in milestones_claim(source=SOURCE, today=TODAY, now=at(TODAY), batch_size=2)
                )
                held.set()
                # Released only once the second claim has returned: had it waited for these locks, this
                # would time out instead.
                if not released.wait(timeout=10):
                    errors.append(TimeoutError("the second claim waited for the first one's rows"))
        except BaseException as exc:
            errors.append(exc)
            held.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=claim_and_hold)
    thread.start()
    assert held.wait(timeout=10)
    try:
        # The first claim's rows are locked and not yet committed: this one skips them, neither waiting
        # nor claiming them again, and its LIMIT of 2 holds.
        second = [row.pk for row in _claim(2)]
    finally:
        released.set()
        thread.join(timeout=10)
    assert not errors, errors
    assert (first, second) == (due[:2], due[2:4])
    rest = [row.pk for row in _claim(100)]
    assert rest == due[4:]
    assert ReminderMilestone.objects.filter(pk__in=due, claimed_at=None).count() == 0
    assert ReminderMilestone.objects.filter(pk__in=due).values("claim_token").distinct().count() == 3
