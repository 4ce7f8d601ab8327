"""The clock's pauses under UK GDPR Art 12A, by reason category, and the case that closes itself when a
pause passes its limit: once, with a notice, through the chasers' sweep."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.models import AccessRequest, AccessRequestKind, AccessRequestStatus
from requests_app.models.access import Pause, PauseReason
from requests_app.reminders.access_pauses import lapse_milestone
from requests_app.services.access import access_request_update
from tests.factories import AccessRequestClarificationFactory, AccessRequestFactory
from tests.requests_app.chasing import sent_to, sweep

S = AccessRequestStatus
PROPERTY = settings(max_examples=200, deadline=None, database=None)
days = st.integers(min_value=0, max_value=800)
starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


# --- properties of the lapse rule -------------------------------------------------------------------------


@PROPERTY
@given(
    started=starts,
    waited=days,
    limit=st.integers(min_value=14, max_value=365),
    reason=st.sampled_from(PauseReason),
)
def test_an_open_pause_lapses_exactly_when_it_has_lasted_more_than_the_limit(
    started: date, waited: int, limit: int, reason: PauseReason
) -> None:
    today = started + timedelta(days=waited)
    milestone = lapse_milestone(Pause(reason, started, None), today=today, limit_days=limit)
    assert (milestone is not None) == (waited > limit)
    if milestone is not None:
        # One key per pause, the same every day after: the sweep can claim it only once.
        later = lapse_milestone(
            Pause(reason, started, None), today=today + timedelta(days=30), limit_days=limit
        )
        assert later is not None and later.key == milestone.key
        assert milestone.due_on == started + timedelta(days=limit + 1)


@PROPERTY
@given(started=starts, lasted=days, waited=days, reason=st.sampled_from(PauseReason))
def test_an_ended_pause_never_lapses(started: date, lasted: int, waited: int, reason: PauseReason) -> None:
    pause = Pause(reason, started, started + timedelta(days=lasted))
    assert lapse_milestone(pause, today=started + timedelta(days=lasted + waited), limit_days=14) is None
    assert pause.days == lasted


# --- the case's pauses, by category -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sars_pauses_are_listed_by_reason_with_their_start_and_end() -> None:
    case = AccessRequestFactory.create(
        kind=AccessRequestKind.SAR,
        received_on=date(2026, 3, 2),
        identity_requested_on=date(2026, 3, 3),
        identity_verified_on=date(2026, 3, 10),
        fee_amount=10,
        fee_requested_on=date(2026, 3, 12),
        status=S.AWAITING_CLARIFICATION,
    )
    AccessRequestClarificationFactory.create(access_request=case, asked_on=date(2026, 3, 20))
    assert case.pauses() == [
        Pause(PauseReason.IDENTITY, date(2026, 3, 3), date(2026, 3, 10)),
        Pause(PauseReason.FEE, date(2026, 3, 12), None),
        Pause(PauseReason.CLARIFICATION, date(2026, 3, 20), None),
    ]
    # The longest-running open one is the one that lapses first.
    assert case.open_pause == Pause(PauseReason.FEE, date(2026, 3, 12), None)


@pytest.mark.django_db
def test_a_foi_fees_notice_is_a_fee_pause_and_an_eir_charge_is_not() -> None:
    foi = AccessRequestFactory.create(
        kind=AccessRequestKind.FOI, fee_amount=12, fee_requested_on=date(2026, 3, 3)
    )
    assert foi.pauses() == [Pause(PauseReason.FEE, date(2026, 3, 3), None)]
    foi.fee_paid_on = date(2026, 3, 10)
    assert foi.pauses() == [Pause(PauseReason.FEE, date(2026, 3, 3), date(2026, 3, 10))]
    eir = AccessRequestFactory.create(
        kind=AccessRequestKind.EIR, fee_amount=12, fee_requested_on=date(2026, 3, 3)
    )
    assert eir.pauses() == []


@PROPERTY
@given(started=starts, waited=days, limit=st.integers(min_value=14, max_value=365))
def test_a_foi_fees_notice_lapses_after_its_three_months_whatever_the_configured_limit(
    started: date, waited: int, limit: int
) -> None:
    from requests_app.deadlines_reviews import fee_lapses_on

    today = started + timedelta(days=waited)
    pause = Pause(PauseReason.FEE, started, None)
    milestone = lapse_milestone(pause, today=today, limit_days=limit, kind=AccessRequestKind.FOI)
    lapses = fee_lapses_on(started)
    # Three months beginning with the day of the notice: 89 to 92 days, then the request lapses.
    assert 89 <= (lapses - started).days <= 92
    assert (milestone is not None) == (today >= lapses)
    if milestone is not None:
        assert milestone.due_on == lapses
    # The same wait on a SAR follows the configured limit instead.
    sar = lapse_milestone(pause, today=today, limit_days=limit, kind=AccessRequestKind.SAR)
    assert (sar is not None) == (waited > limit)


@pytest.mark.django_db
def test_an_unpaid_foi_fees_notice_closes_the_case_after_three_months_not_before(
    ig_officer: User, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from requests_app.deadlines_reviews import fee_lapses_on

    settings.ACCESS_PAUSE_LIMIT_DAYS = 30
    today = timezone.localdate()

    def foi(notice: date) -> AccessRequest:
        return AccessRequestFactory.create(
            kind=AccessRequestKind.FOI,
            status=S.IN_PROGRESS,
            handler=ig_officer,
            received_on=notice - timedelta(days=3),
            fee_amount=25,
            fee_requested_on=notice,
            due_on=None,
        )

    # The notice whose three months ended yesterday, and one whose last day to pay is today.
    notice = today - timedelta(days=92)
    while fee_lapses_on(notice) > today:
        notice += timedelta(days=-1)
    while fee_lapses_on(notice + timedelta(days=1)) <= today:
        notice += timedelta(days=1)
    lapsed, still_time = foi(notice), foi(notice + timedelta(days=1))
    assert fee_lapses_on(notice) <= today < fee_lapses_on(notice + timedelta(days=1))
    # Waiting longer than the configured 30 days, but within the three months the Act allows.
    recent = foi(today - timedelta(days=45))
    result = sweep(django_capture_on_commit_callbacks, "access_pause_lapses", today)
    assert result.claimed == 1
    for case in (lapsed, still_time, recent):
        case.refresh_from_db()
    assert (lapsed.status, lapsed.outcome) == (S.CLOSED, "lapsed")
    assert still_time.status == recent.status == S.IN_PROGRESS
    (move,) = lapsed.history.filter(action="lapse")
    assert "fee" in move.comment


# --- closing itself, once -----------------------------------------------------------------------------------


def _awaiting_identity(handler: User, *, asked_days_ago: int) -> AccessRequest:
    today = timezone.localdate()
    return AccessRequestFactory.create(
        kind=AccessRequestKind.SAR,
        status=S.AWAITING_IDENTITY,
        handler=handler,
        received_on=today - timedelta(days=asked_days_ago + 1),
        identity_requested_on=today - timedelta(days=asked_days_ago),
        due_on=None,
    )


@pytest.mark.django_db
def test_a_pause_past_its_limit_closes_the_case_once_with_a_notice(
    ig_officer: User, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.ACCESS_PAUSE_LIMIT_DAYS = 90
    today = timezone.localdate()
    lapsed = _awaiting_identity(ig_officer, asked_days_ago=91)
    waiting = _awaiting_identity(ig_officer, asked_days_ago=90)
    first = sweep(django_capture_on_commit_callbacks, "access_pause_lapses", today)
    second = sweep(django_capture_on_commit_callbacks, "access_pause_lapses", today)
    assert (first.claimed, second.claimed) == (1, 0)
    lapsed.refresh_from_db()
    waiting.refresh_from_db()
    assert (lapsed.status, lapsed.outcome, lapsed.withdrawn_on) == (S.CLOSED, "lapsed", today)
    assert waiting.status == S.AWAITING_IDENTITY
    # One move in the history, made by the portal, with its reason; audited like every move.
    (move,) = lapsed.history.filter(action="lapse")
    assert move.actor is None and "proof of identity" in move.comment
    # The handler is told once; the requester gets one notice with the reference and no more.
    assert sent_to(ig_officer.email) == [f"Closed after no reply: {lapsed.reference}"]
    notices = [m for m in mail.outbox if m.to == [lapsed.requester_email]]
    assert [m.subject for m in notices] == [f"Your request {lapsed.reference} is closed"]
    assert lapsed.requester_name not in notices[0].body and lapsed.description not in notices[0].body
    from requests_app.services.access import access_request_lapse_notice

    assert access_request_lapse_notice(case_id=lapsed.pk) == 0


@pytest.mark.django_db
def test_a_failed_lapse_notice_is_released_so_the_retry_sends_it_once(
    ig_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.mail import EmailMessage

    from requests_app.services.access import access_request_lapse_notice

    case = _awaiting_identity(ig_officer, asked_days_ago=120)
    AccessRequest.objects.filter(pk=case.pk).update(status=S.CLOSED, outcome="lapsed")
    sending = EmailMessage.send

    def refused(self: EmailMessage, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMessage, "send", refused)
    with pytest.raises(ConnectionRefusedError):
        access_request_lapse_notice(case_id=case.pk)
    case.refresh_from_db()
    assert case.lapse_notified_at is None
    monkeypatch.setattr(EmailMessage, "send", sending)
    mail.outbox.clear()
    assert access_request_lapse_notice(case_id=case.pk) == 1
    assert access_request_lapse_notice(case_id=case.pk) == 0
    assert [m.subject for m in mail.outbox] == [f"Your request {case.reference} is closed"]
    # Only a lapsed case is told it lapsed.
    other = _awaiting_identity(ig_officer, asked_days_ago=120)
    assert access_request_lapse_notice(case_id=other.pk) == 0


@pytest.mark.django_db
def test_a_reply_recorded_before_the_sweep_keeps_the_case_open(
    ig_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    case = _awaiting_identity(ig_officer, asked_days_ago=120)
    AccessRequest.objects.filter(pk=case.pk).update(identity_verified_on=today, status=S.IN_PROGRESS)
    sweep(django_capture_on_commit_callbacks, "access_pause_lapses", today)
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert not case.history.filter(action="lapse").exists()


@pytest.mark.django_db
def test_nobody_can_fire_the_lapse_by_hand(client_for: Any, ig_officer: User) -> None:
    case = _awaiting_identity(ig_officer, asked_days_ago=120)
    response = client_for(ig_officer).post(f"/access-requests/{case.pk}/actions/lapse/")
    assert response.status_code == 404
    page = client_for(ig_officer).get(f"/access-requests/{case.pk}/")
    assert b"no reply while paused" not in page.content
    assert b'data-testid="pauses"' in page.content


# --- reasonable and proportionate searches --------------------------------------------------------------


@pytest.mark.django_db
def test_searches_marked_proportionate_need_a_note_of_what_was_searched(ig_officer: User) -> None:
    case = AccessRequestFactory.create(kind=AccessRequestKind.SAR, received_on=timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        access_request_update(case=case, actor=ig_officer, searches_proportionate=True, searches_note="")
    assert "searches_note" in refused.value.message_dict
    updated = access_request_update(
        case=case,
        actor=ig_officer,
        searches_proportionate=True,
        searches_note="EPR 2019 to date; the memory clinic's shared drive; email of the named consultant.",
    )
    assert updated.searches_proportionate
    assert updated.history.filter(action="update").exists()


@pytest.mark.django_db
def test_searches_are_marked_only_on_a_sar(ig_officer: User) -> None:
    case = AccessRequestFactory.create(kind=AccessRequestKind.FOI, received_on=timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        access_request_update(case=case, actor=ig_officer, searches_proportionate=True, searches_note="All.")
    assert "searches_proportionate" in refused.value.message_dict
