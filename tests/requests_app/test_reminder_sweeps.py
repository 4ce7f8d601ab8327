"""Reminder sweeps end to end: who is told what, once, however often and however many sweeps run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from igportal.roles import Role
from requests_app.models import (
    AccessRequest,
    AccessRequestKind,
    AccessRequestStatus,
    Assessment,
    Notification,
    OrganisationPolicy,
    OrganisationSettings,
    ReminderMilestone,
    RequestStatus,
    SiroSignOff,
    SweepRun,
)
from requests_app.models.access import OPEN_STATUSES
from requests_app.reminders import REMINDER_SOURCES
from requests_app.reminders.reviews import ReviewDates
from requests_app.services.reminders import sweep_run
from requests_app.tasks import run_all_sweeps
from tests.conftest import MakeUser
from tests.factories import AccessRequestFactory, make_request
from tests.requests_app.chasing import at, entered, message_ids, sent_to, sweep

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]
DUE = date(2026, 3, 9)  # a Monday


def _case(
    handler: User | None,
    due_on: date | None = DUE,
    status: AccessRequestStatus = AccessRequestStatus.IN_PROGRESS,
    **fields: Any,
) -> AccessRequest:
    return AccessRequestFactory.create(
        kind=AccessRequestKind.FOI,
        status=status,
        handler=handler,
        due_on=due_on,
        **fields,
    )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --- access requests ------------------------------------------------------------------------------------


def test_a_handler_is_reminded_once_however_often_the_sweep_runs(
    ig_officer: User, django_capture_on_commit_callbacks: Capture
) -> None:
    case = _case(ig_officer)
    first = sweep(django_capture_on_commit_callbacks, "access_requests", date(2026, 3, 2))
    second = sweep(django_capture_on_commit_callbacks, "access_requests", date(2026, 3, 2))
    assert (first.claimed, second.claimed) == (1, 0)
    assert sent_to(ig_officer.email) == [f"{case.reference} is due in 5 working days"]
    milestone = ReminderMilestone.objects.get()
    assert list(message_ids()) == [f"<reminder.{milestone.pk}.{ig_officer.pk}@localhost>"]
    assert milestone.outcome == ReminderMilestone.Outcome.NOTIFIED


def test_walking_the_calendar_sends_each_access_milestone_once_to_the_right_person(
    ig_officer: User, dpo: User, django_capture_on_commit_callbacks: Capture
) -> None:
    case = _case(ig_officer)
    for day in _days(date(2026, 2, 25), date(2026, 3, 18)):
        for _ in range(2):
            sweep(django_capture_on_commit_callbacks, "access_requests", day)
    assert sent_to(ig_officer.email) == [
        f"{case.reference} is due in 5 working days",
        f"{case.reference} is due in 2 working days",
        f"Due today: {case.reference}",
    ]
    assert sent_to(dpo.email) == [f"Overdue: {case.reference} was due Mon 9 Mar 2026"] * 2
    assert set(message_ids().values()) == {1}
    assert list(ReminderMilestone.objects.values_list("milestone", "due_on")) == [
        ("2026-03-09:5-working-days-before", date(2026, 3, 2)),
        ("2026-03-09:2-working-days-before", date(2026, 3, 5)),
        ("2026-03-09:on-the-day", date(2026, 3, 9)),
        ("2026-03-09:overdue-0", date(2026, 3, 10)),
        ("2026-03-09:overdue-1", date(2026, 3, 17)),
    ]


def test_the_named_dpo_alone_gets_the_escalation(
    ig_officer: User, dpo: User, make_user: MakeUser, django_capture_on_commit_callbacks: Capture
) -> None:
    deputy = make_user(Role.DPO)
    OrganisationSettings.objects.update_or_create(id=1, defaults={"dpo": dpo})
    _case(ig_officer)
    sweep(django_capture_on_commit_callbacks, "access_requests", date(2026, 3, 10))
    assert [message.to for message in mail.outbox] == [[dpo.email]]
    assert not sent_to(deputy.email)


def test_an_unassigned_case_reminds_the_ig_team(
    ig_officer: User, make_user: MakeUser, django_capture_on_commit_callbacks: Capture
) -> None:
    colleague = make_user(Role.IG_OFFICER)
    case = _case(None)
    sweep(django_capture_on_commit_callbacks, "access_requests", DUE)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([ig_officer.email, colleague.email])
    assert "Nobody handles it yet" in mail.outbox[0].body
    assert case.requester_name not in mail.outbox[0].body


def test_a_case_answered_after_its_reminder_was_planned_is_not_chased(
    ig_officer: User, django_capture_on_commit_callbacks: Capture
) -> None:
    case = _case(ig_officer)
    # A sweep that crashed after planning left the row unclaimed; the case was answered since.
    ReminderMilestone.objects.create(
        source="access_requests", object_id=case.pk, milestone="2026-03-09:on-the-day", due_on=DUE
    )
    AccessRequest.objects.filter(pk=case.pk).update(
        status=AccessRequestStatus.RESPONDED, responded_on=date(2026, 3, 6), outcome="provided_in_full"
    )
    result = sweep(django_capture_on_commit_callbacks, "access_requests", DUE)
    assert result.claimed == 1
    assert ReminderMilestone.objects.get().outcome == ReminderMilestone.Outcome.SUPERSEDED
    assert not Notification.objects.exists()
    assert not mail.outbox


def test_a_case_whose_clock_is_stopped_is_not_chased(
    ig_officer: User, django_capture_on_commit_callbacks: Capture
) -> None:
    _case(ig_officer, due_on=None, status=AccessRequestStatus.AWAITING_CLARIFICATION)
    assert sweep(django_capture_on_commit_callbacks, "access_requests", DUE).planned == 0
    assert not mail.outbox


# --- sign-offs ------------------------------------------------------------------------------------------


def test_a_waiting_sign_off_nudges_its_signer_then_tells_the_ig_team(
    requester: User, ig_officer: User, caldicott: User, django_capture_on_commit_callbacks: Capture
) -> None:
    request = make_request(requester=requester, status=RequestStatus.AWAITING_CALDICOTT)
    entered(request, RequestStatus.AWAITING_CALDICOTT, at(date(2026, 2, 20), 15))
    sweep(django_capture_on_commit_callbacks, "signoffs", date(2026, 2, 25))
    assert not mail.outbox
    for day in _days(date(2026, 2, 26), date(2026, 3, 4)):
        sweep(django_capture_on_commit_callbacks, "signoffs", day)
    assert sent_to(caldicott.email) == [f"{request.reference} has waited more than 3 working days for you"]
    assert sent_to(ig_officer.email) == [f"Stalled: {request.reference} has waited more than 6 working days"]
    assert not sent_to(requester.email)


def test_entering_the_status_again_starts_a_new_wait(
    requester: User, ig_officer: User, django_capture_on_commit_callbacks: Capture
) -> None:
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    entered(request, RequestStatus.IG_REVIEW, at(date(2026, 2, 2)))
    sweep(django_capture_on_commit_callbacks, "signoffs", date(2026, 2, 6))
    entered(request, RequestStatus.IG_REVIEW, at(date(2026, 3, 2)))
    sweep(django_capture_on_commit_callbacks, "signoffs", date(2026, 3, 6))
    assert len(sent_to(ig_officer.email)) == 2
    assert ReminderMilestone.objects.filter(outcome="notified").count() == 2


def test_a_request_in_review_with_an_assignee_nudges_only_the_assignee(
    requester: User, ig_officer: User, make_user: MakeUser, django_capture_on_commit_callbacks: Capture
) -> None:
    colleague = make_user(Role.IG_OFFICER)
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    request.assigned_to = colleague
    request.save()
    entered(request, RequestStatus.IG_REVIEW, at(date(2026, 2, 20)))
    sweep(django_capture_on_commit_callbacks, "signoffs", date(2026, 2, 26))
    assert [message.to for message in mail.outbox] == [[colleague.email]]


# --- consent --------------------------------------------------------------------------------------------


def _relying_on_consent(requester: User, status: RequestStatus, consent_date: str) -> None:
    request = make_request(requester=requester, status=status)
    assessment = Assessment.objects.get(request=request)
    assessment.answers["lawful_basis"] |= {"consent": "given", "consent_date": consent_date}
    assessment.save()


def test_old_consent_asks_the_requester_to_recheck_it_once(
    requester: User, django_capture_on_commit_callbacks: Capture
) -> None:
    _relying_on_consent(requester, RequestStatus.APPROVED, "2025-01-10")
    for day in (date(2026, 1, 10), date(2026, 1, 11), date(2026, 1, 12), date(2026, 2, 1)):
        sweep(django_capture_on_commit_callbacks, "consent", day)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Re-check consent before sharing under ISR-2026-")
    assert "recorded on Fri 10 Jan 2025, 366 days ago" in mail.outbox[0].body
    assert Notification.objects.get().recipient == requester


def test_the_recheck_stays_on_the_requesters_home_page_until_read(
    requester: User, client_for: Callable[[User], Any], django_capture_on_commit_callbacks: Capture
) -> None:
    _relying_on_consent(requester, RequestStatus.IG_REVIEW, "2025-01-10")
    sweep(django_capture_on_commit_callbacks, "consent", date(2026, 2, 1))
    client = client_for(requester)
    assert "Re-check consent before sharing under ISR-2026-" in client.get(reverse("home")).content.decode()
    client.post(reverse("notification_read", args=[Notification.objects.get().pk]))
    assert "Re-check consent" not in client.get(reverse("home")).content.decode()


def test_consent_is_not_rechecked_once_the_disclosure_is_recorded_or_if_not_relied_on(
    requester: User, django_capture_on_commit_callbacks: Capture
) -> None:
    _relying_on_consent(requester, RequestStatus.CLOSED, "2024-01-10")
    make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    assert sweep(django_capture_on_commit_callbacks, "consent", date(2026, 3, 2)).planned == 0


def test_the_organisations_consent_age_is_used(
    requester: User, django_capture_on_commit_callbacks: Capture
) -> None:
    OrganisationPolicy.objects.create(
        version=OrganisationPolicy.current().version + 1,
        consent_max_age_days=30,
        large_scale_subject_count=10_000,
        screen_one_off_requests=False,
        siro_signs=SiroSignOff.EVERY_DPIA,
        reason="Stricter consent checks.",
    )
    _relying_on_consent(requester, RequestStatus.IG_REVIEW, "2026-01-20")
    assert sweep(django_capture_on_commit_callbacks, "consent", date(2026, 2, 19)).claimed == 0
    assert sweep(django_capture_on_commit_callbacks, "consent", date(2026, 2, 20)).claimed == 1


# --- reviews (the generic source, over real rows with a date and an owner) ------------------------------


@pytest.fixture
def review_source(monkeypatch: pytest.MonkeyPatch) -> ReviewDates:
    source = ReviewDates(
        key="case_reviews",
        label="Case reviews",
        noun="case file",
        rows=lambda: AccessRequest.objects.filter(status__in=OPEN_STATUSES),
        review_date_field="due_on",
        owner_field="handler",
        reference=lambda case: case.reference,
    )
    monkeypatch.setitem(REMINDER_SOURCES, source.key, source)
    return source


def test_a_review_date_reminds_its_owner_then_escalates_weekly_to_the_dpo(
    review_source: ReviewDates, ig_officer: User, dpo: User, django_capture_on_commit_callbacks: Capture
) -> None:
    case = _case(ig_officer, due_on=date(2026, 6, 30))
    _case(ig_officer, due_on=date(2026, 6, 30), status=AccessRequestStatus.CLOSED, outcome="withdrawn")
    for day in _days(date(2026, 5, 25), date(2026, 7, 15)):
        sweep(django_capture_on_commit_callbacks, "case_reviews", day)
    assert sent_to(ig_officer.email) == [
        f"Review due in 30 days: {case.reference}",
        f"Review due in 14 days: {case.reference}",
        f"Review due in 7 days: {case.reference}",
        f"Review due today: {case.reference}",
    ]
    assert sent_to(dpo.email) == [f"Review overdue: {case.reference}"] * 3
    assert "The review of this case file is 8 days overdue." in mail.outbox[-2].body


def test_a_review_with_no_owner_goes_to_the_ig_team(
    review_source: ReviewDates, ig_officer: User, django_capture_on_commit_callbacks: Capture
) -> None:
    _case(None, due_on=date(2026, 6, 30))
    sweep(django_capture_on_commit_callbacks, "case_reviews", date(2026, 6, 30))
    assert [message.to for message in mail.outbox] == [[ig_officer.email]]


# --- runs, batches, commands ----------------------------------------------------------------------------


def test_a_run_claims_at_most_its_batches_and_the_next_run_takes_the_rest(
    ig_officer: User, settings: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    settings.CHASER_BATCH_SIZE, settings.CHASER_MAX_BATCHES = 2, 2
    for _ in range(5):
        _case(ig_officer)
    first = sweep(django_capture_on_commit_callbacks, "access_requests", DUE)
    second = sweep(django_capture_on_commit_callbacks, "access_requests", DUE)
    assert (first.claimed, first.more_due, second.claimed, second.more_due) == (4, True, 1, False)
    assert len(mail.outbox) == 5
    assert list(SweepRun.objects.order_by("started_at").values_list("claimed", "more_due")) == [
        (4, True),
        (1, False),
    ]


def test_a_dry_run_lists_what_would_be_sent_and_writes_nothing(ig_officer: User) -> None:
    case = _case(ig_officer)
    out = StringIO()
    call_command("chase", "access_requests", "--dry-run", "--today", "2026-03-02", stdout=out)
    assert f"{case.reference} [2026-03-09:5-working-days-before] to {ig_officer.email}" in out.getvalue()
    assert "1 message(s) would be sent" in out.getvalue()
    assert not ReminderMilestone.objects.exists()
    assert not Notification.objects.exists()
    assert not SweepRun.objects.exists()


def test_the_dry_run_leaves_out_what_was_already_sent(
    ig_officer: User, django_capture_on_commit_callbacks: Capture
) -> None:
    _case(ig_officer)
    sweep(django_capture_on_commit_callbacks, "access_requests", DUE)
    out = StringIO()
    call_command("chase", "all", "--dry-run", "--today", DUE.isoformat(), stdout=out)
    assert "access_requests: 0 message(s)" in out.getvalue()


def test_the_chase_command_runs_every_sweep_and_sends_once(
    ig_officer: User, django_capture_on_commit_callbacks: Capture
) -> None:
    _case(ig_officer)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("chase", "all", "--today", DUE.isoformat(), stdout=out)
        call_command("chase", "all", "--today", DUE.isoformat(), stdout=out)
    assert "access_requests: 1 claimed, 1 notifications" in out.getvalue()
    assert "access_requests: 0 claimed, 0 notifications" in out.getvalue()
    assert len(mail.outbox) == 1


def test_the_beat_task_runs_one_sweep_per_source_and_twice_claims_nothing_more(ig_officer: User) -> None:
    _case(ig_officer, due_on=date.today())
    assert run_all_sweeps() == list(REMINDER_SOURCES)
    run_all_sweeps()
    assert sorted(SweepRun.objects.values_list("kind", flat=True)) == sorted([*REMINDER_SOURCES] * 2)
    assert ReminderMilestone.objects.filter(claimed_at__isnull=False).count() == 1
    assert Notification.objects.count() == 1


def test_a_failing_source_is_recorded_and_raised(ig_officer: User, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("register unavailable")

    monkeypatch.setattr(REMINDER_SOURCES["consent"], "candidates", broken)
    with pytest.raises(RuntimeError):
        sweep_run(kind="consent", today=DUE, now=at(DUE))
    run = SweepRun.objects.get()
    assert (run.finished_at, run.error) == (None, "RuntimeError: register unavailable")


# --- concurrency (PostgreSQL) ---------------------------------------------------------------------------


def _sweep_in_thread(kind: str, day: date, barrier: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        barrier.wait(timeout=10)
        sweep_run(kind=kind, today=day, now=at(day))
    except BaseException as exc:
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_exactly_once(
    requester: User, ig_officer: User, caldicott: User, dpo: User
) -> None:
    assert connection.vendor == "postgresql"
    for n in range(30):
        _case(ig_officer, due_on=DUE + timedelta(days=n % 10))
    for _ in range(10):
        request = make_request(requester=requester, status=RequestStatus.AWAITING_CALDICOTT)
        entered(request, RequestStatus.AWAITING_CALDICOTT, at(date(2026, 2, 10)))
    for _ in range(5):
        _relying_on_consent(requester, RequestStatus.APPROVED, "2025-03-01")
    for day in _days(date(2026, 3, 2), date(2026, 3, 20)):
        for kind in ("access_requests", "signoffs", "consent"):
            barrier = threading.Barrier(2)
            errors: list[BaseException] = []
            threads = [
                threading.Thread(target=_sweep_in_thread, args=(kind, day, barrier, errors)) for _ in "ab"
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert not errors, errors
    claimed = ReminderMilestone.objects.filter(claimed_at__isnull=False)
    assert claimed.count() == ReminderMilestone.objects.count() > 100
    assert Notification.objects.count() == len(mail.outbox) == len(message_ids())
    assert set(message_ids().values()) == {1}
    # Every milestone owed was claimed by one of the two sweeps, which told its audience.
    assert set(claimed.values_list("outcome", flat=True)) == {ReminderMilestone.Outcome.NOTIFIED}
    assert SweepRun.objects.filter(finished_at__isnull=False, error="").count() == 2 * 3 * 19
    assert ReminderMilestone.objects.filter(source="consent").count() == 5
