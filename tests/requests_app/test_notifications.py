"""Delivering notifications: once, with a stable Message-ID, retried in the database, failures kept apart;
and each person's own list of what they were sent."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from igportal.people import display_name
from igportal.roles import Role
from requests_app.models import (
    AccessRequestKind,
    AccessRequestStatus,
    DeliveryStatus,
    Notification,
    ReminderMilestone,
    RequestHistory,
    RequestStatus,
)
from requests_app.services.notifications import (
    Delivery,
    is_permanent,
    notification_deliver,
    notifications_create,
    retry_delay,
    send_lease,
)
from requests_app.services.reminders import deliveries_sweep
from requests_app.services.workflow import transition
from requests_app.tasks import notify_request_history, requeue_deliveries, send_notification
from tests.conftest import ClientFor, MakeUser
from tests.factories import AccessRequestFactory, make_request
from tests.requests_app.chasing import message_ids, sent_to, sweep
from tests.support.mail import FlakyBackend

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]
DUE = date(2026, 3, 9)


@pytest.fixture
def flaky_mail(settings: Any) -> Iterator[None]:
    settings.EMAIL_BACKEND = "tests.support.mail.FlakyBackend"
    FlakyBackend.recovered = False
    yield
    FlakyBackend.recovered = False


def _note(recipient: User, subject: str = "Reminder", **fields: Any) -> Notification:
    history = RequestHistory.objects.create(
        request=make_request(requester=recipient),
        action="assign",
        from_status=RequestStatus.SUBMITTED,
        to_status=RequestStatus.SUBMITTED,
        actor=recipient,
        notified_at=timezone.now(),
    )
    (notification,) = notifications_create(
        recipients=[recipient], subject=subject, body="Body", link="/x/", now=timezone.now(), history=history
    )
    if fields:
        Notification.objects.filter(pk=notification.pk).update(**fields)
        notification.refresh_from_db()
    return notification


# --- delivery -------------------------------------------------------------------------------------------


def test_a_notification_is_emailed_once_however_often_its_task_runs(requester: User) -> None:
    notification = _note(requester)
    assert send_notification(notification.pk) == "sent"
    assert send_notification(notification.pk) == "skipped"
    assert [message.extra_headers["Message-ID"] for message in mail.outbox] == [notification.message_id]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.SENT, 1)
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"
    assert mail.outbox[0].body.endswith("Open it in IG Portal: http://127.0.0.1:8000/x/\n")


def test_a_sweep_over_undeliverable_reminders_retries_with_backoff_and_blocks_no_other(
    make_user: MakeUser, flaky_mail: None, django_capture_on_commit_callbacks: Capture
) -> None:
    good, refused, flaky = (
        make_user(Role.IG_OFFICER, email=f"{name}@example.nhs.uk") for name in ("good", "refused", "flaky")
    )
    for handler in (refused, flaky, good):
        AccessRequestFactory.create(
            kind=AccessRequestKind.FOI, status=AccessRequestStatus.IN_PROGRESS, handler=handler, due_on=DUE
        )
    before = timezone.now()
    sweep(django_capture_on_commit_callbacks, "access_requests", DUE)
    after = timezone.now()
    assert len(sent_to(good.email)) == 1
    refused_note = Notification.objects.get(recipient=refused)
    assert refused_note.status == DeliveryStatus.FAILED
    assert refused_note.last_error.startswith("SMTPRecipientsRefused")
    flaky_note = Notification.objects.get(recipient=flaky)
    assert (flaky_note.status, flaky_note.attempts) == (DeliveryStatus.RETRYING, 1)
    assert flaky_note.next_attempt_at is not None
    first_retry = flaky_note.next_attempt_at
    assert before + timedelta(seconds=60) <= first_retry <= after + timedelta(seconds=60)
    assert "SMTPServerDisconnected" in flaky_note.last_error

    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_sweep(now=first_retry - timedelta(seconds=1)).claimed == 0
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_sweep(now=first_retry + timedelta(seconds=1)).claimed == 1
    after = timezone.now()
    flaky_note.refresh_from_db()
    assert (flaky_note.status, flaky_note.attempts) == (DeliveryStatus.RETRYING, 2)
    # The second wait is twice the first.
    second_retry = flaky_note.next_attempt_at
    assert second_retry is not None
    assert before + timedelta(seconds=120) <= second_retry <= after + timedelta(seconds=120)

    FlakyBackend.recovered = True
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_sweep(now=second_retry + timedelta(seconds=1))
        deliveries_sweep(now=second_retry + timedelta(seconds=999))
    flaky_note.refresh_from_db()
    assert (flaky_note.status, flaky_note.attempts, flaky_note.last_error) == (DeliveryStatus.SENT, 3, "")
    assert len(sent_to(flaky.email)) == 1
    assert not sent_to(refused.email)
    assert Notification.objects.get(recipient=refused).status == DeliveryStatus.FAILED


def test_an_email_that_keeps_failing_is_given_up_after_the_last_attempt(
    make_user: MakeUser, flaky_mail: None, settings: Any
) -> None:
    settings.CHASER_MAX_ATTEMPTS = 3
    notification = _note(make_user(email="flaky@example.nhs.uk"))
    outcomes = [
        notification_deliver(notification_id=notification.pk, task_id=f"t{n}", now=timezone.now())
        for n in range(4)
    ]
    assert outcomes == [Delivery.RETRYING, Delivery.RETRYING, Delivery.FAILED, Delivery.SKIPPED]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.FAILED, 3)


def test_a_malformed_address_fails_without_trying(make_user: MakeUser) -> None:
    notification = _note(make_user(email="valid@example.nhs.uk"), email="not an address")
    assert notification_deliver(notification_id=notification.pk, task_id="t", now=timezone.now()) == "failed"
    assert not mail.outbox


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x": (550, b"no such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"mailbox busy")}), False),
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPDataError(451, b"try later"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (ConnectionRefusedError(), False),
        (ValidationError("Enter a valid email address."), True),
    ],
)
def test_only_failures_about_this_message_are_permanent(error: Exception, permanent: bool) -> None:
    assert is_permanent(error) is permanent


def test_retry_delays_double_up_to_the_cap(settings: Any) -> None:
    settings.CHASER_RETRY_BASE_SECONDS, settings.CHASER_RETRY_MAX_SECONDS = 60, 600
    assert [retry_delay(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_the_send_lease_outlasts_the_task_time_limit(settings: Any) -> None:
    assert send_lease().total_seconds() > settings.CELERY_TASK_TIME_LIMIT


# --- the send window ------------------------------------------------------------------------------------


def _cut_off_mid_send(notification: Notification, task_id: str) -> None:
    """As if ``task_id`` claimed it and handed the email over, then its worker died before marking it."""
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(
        status=DeliveryStatus.SENDING, sending_task_id=task_id, attempts=1, next_attempt_at=now + send_lease()
    )
    mail.EmailMessage(
        "Reminder", "Body", to=[notification.email], headers={"Message-ID": notification.message_id}
    ).send()


def test_the_redelivered_task_of_a_dead_worker_resends_at_once_with_the_same_message_id(
    requester: User,
) -> None:
    notification = _note(requester)
    _cut_off_mid_send(notification, "task-1")
    assert (
        notification_deliver(notification_id=notification.pk, task_id="task-2", now=timezone.now())
        == "skipped"
    )
    assert (
        notification_deliver(notification_id=notification.pk, task_id="task-1", now=timezone.now()) == "sent"
    )
    assert message_ids() == {notification.message_id: 2}


def test_a_send_abandoned_past_its_lease_is_sent_again_by_the_delivery_sweep(
    requester: User, django_capture_on_commit_callbacks: Capture
) -> None:
    notification = _note(requester)
    _cut_off_mid_send(notification, "task-1")
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_sweep(now=timezone.now() + timedelta(seconds=30)).claimed == 0
        assert deliveries_sweep(now=timezone.now() + send_lease() + timedelta(seconds=1)).claimed == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.SENT, 2)
    assert message_ids() == {notification.message_id: 2}


def test_an_email_whose_queue_message_was_lost_is_queued_again_after_the_grace_period(
    requester: User, django_capture_on_commit_callbacks: Capture
) -> None:
    notification = _note(requester)  # made, but its send task never ran
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_sweep(now=timezone.now()).claimed == 0
        assert deliveries_sweep(now=timezone.now() + timedelta(seconds=301)).claimed == 1
        assert deliveries_sweep(now=timezone.now() + timedelta(seconds=302)).claimed == 0
    assert message_ids() == {notification.message_id: 1}


def test_the_delivery_task_twice_queues_nothing_twice(requester: User) -> None:
    _note(requester, next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert requeue_deliveries() == 1
    assert requeue_deliveries() == 0


def test_a_person_without_an_email_address_still_gets_the_notification_in_the_portal(
    make_user: MakeUser,
) -> None:
    notification = _note(make_user(email=""))
    assert notification.status == DeliveryStatus.NOT_EMAILED
    assert send_notification(notification.pk) == "skipped"
    assert not mail.outbox


# --- workflow events ------------------------------------------------------------------------------------


def test_workflow_emails_are_in_each_persons_notification_list_with_their_message_id(
    requester: User, ig_officer: User, caldicott: User
) -> None:
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    history = transition(request, "approve", actor=ig_officer)
    assert notify_request_history(history.pk) == 2
    assert notify_request_history(history.pk) == 0
    notes = {note.recipient: note for note in Notification.objects.all()}
    assert set(notes) == {requester, caldicott}
    assert notes[caldicott].message_id == f"<history.{history.pk}.{caldicott.pk}@localhost>"
    assert sorted(message_ids()) == sorted(note.message_id for note in notes.values())
    assert all(note.status == DeliveryStatus.SENT for note in notes.values())


def test_a_workflow_event_whose_task_was_lost_is_announced_by_the_delivery_sweep(
    requester: User, ig_officer: User
) -> None:
    request = make_request(requester=requester, status=RequestStatus.SUBMITTED)
    history = transition(
        request, "start_review", actor=ig_officer
    )  # its task is queued on commit: never here
    RequestHistory.objects.filter(pk=history.pk).update(occurred_at=timezone.now() - timedelta(minutes=10))
    assert deliveries_sweep(now=timezone.now()).claimed == 1
    assert sent_to(requester.email) == [f"{request.reference}: In IG review"]
    assert deliveries_sweep(now=timezone.now()).claimed == 0


def test_workflow_events_older_than_two_days_are_not_announced_late(
    requester: User, ig_officer: User
) -> None:
    request = make_request(requester=requester, status=RequestStatus.SUBMITTED)
    history = transition(request, "start_review", actor=ig_officer)
    RequestHistory.objects.filter(pk=history.pk).update(occurred_at=timezone.now() - timedelta(days=3))
    assert deliveries_sweep(now=timezone.now()).claimed == 0


# --- the notification list ------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_and_the_list_shows_what_was_sent(
    requester: User, client_for: ClientFor
) -> None:
    _note(requester, subject="Re-check consent")
    _note(requester, subject="Your request was approved", read_at=timezone.now())
    send_notification(Notification.objects.get(subject="Re-check consent").pk)
    response = client_for(requester).get(reverse("notification_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Notifications <strong" in page and ">1<span" in page
    assert "Re-check consent" in page and "Your request was approved" in page
    assert f"Emailed to {requester.email}" in page


def test_nobody_sees_anyone_elses_notifications(
    requester: User, other_requester: User, client_for: ClientFor
) -> None:
    _note(requester, subject="Only for Riya")
    page = client_for(other_requester).get(reverse("notification_list")).content.decode()
    assert "Only for Riya" not in page
    assert "You have no notifications yet." in page


def test_marking_a_notification_read_takes_it_off_the_count(requester: User, client_for: ClientFor) -> None:
    notification = _note(requester)
    client = client_for(requester)
    response = client.post(reverse("notification_read", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "portal-unread" not in client.get(reverse("home")).content.decode()


def test_marking_read_needs_a_post(requester: User, client_for: ClientFor) -> None:
    notification = _note(requester)
    assert client_for(requester).get(reverse("notification_read", args=[notification.pk])).status_code == 405
    assert client_for(requester).get(reverse("notification_read_all")).status_code == 405


def test_nobody_can_mark_anyone_elses_notification_read(
    requester: User, other_requester: User, client_for: ClientFor
) -> None:
    notification = _note(requester)
    response = client_for(other_requester).post(reverse("notification_read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_all_read_marks_only_ones_own(
    requester: User, other_requester: User, client_for: ClientFor
) -> None:
    mine, theirs = _note(requester), _note(other_requester)
    assert client_for(requester).post(reverse("notification_read_all")).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_the_notification_list_runs_the_same_queries_for_1_and_60_threads(
    requester: User, client_for: ClientFor, django_assert_num_queries: Any
) -> None:
    client = client_for(requester)
    _note(requester)
    # the session with its user and roles (one query), the paginator's count of threads, the page of
    # threads, their notifications (with each one's history, actor and request), the unread count
    with django_assert_num_queries(5):
        assert client.get(reverse("notification_list")).status_code == 200
    for number in range(59):
        Notification.objects.filter(pk=_note(requester).pk).update(link=f"/requests/{number}/")
    with django_assert_num_queries(5):
        response = client.get(reverse("notification_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="portal-notification-thread"') == 20
    assert page.count('class="nhsuk-card portal-notification--unread"') == 20
    assert "?page=2" in page


def test_notifications_are_grouped_by_request_and_say_what_changed_and_why(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    first = make_request(requester=requester, status=RequestStatus.IG_REVIEW, title="Discharge summaries")
    second = make_request(requester=requester, status=RequestStatus.SUBMITTED, title="Clinic letters")
    notify_request_history(transition(second, "start_review", actor=ig_officer).pk)
    reason = "Leave out the diagnosis: the referral does not need it."
    notify_request_history(transition(first, "request_changes", actor=ig_officer, comment=reason).pk)
    page = client_for(requester).get(reverse("notification_list")).content.decode()
    # The request changed last comes first, each under its own heading.
    assert page.index(f"{first.reference}: Discharge summaries") < page.index(
        f"{second.reference}: Clinic letters"
    )
    assert f"Changes requested, by {display_name(ig_officer)}." in page
    assert f"<strong>Reason:</strong> {reason}" in page.replace("&#x27;", "'")
    assert page.count('class="portal-notification-thread"') == 2


def test_the_list_needs_a_login(client: Client, requester: User) -> None:
    assert client.get(reverse("notification_list")).status_code == 302


def test_milestone_notifications_are_unique_per_person(requester: User) -> None:
    milestone = ReminderMilestone.objects.create(source="consent", object_id=1, milestone="k", due_on=DUE)
    notifications_create(
        recipients=[requester], subject="s", body="b", link="", now=timezone.now(), milestone=milestone
    )
    with pytest.raises(IntegrityError):
        notifications_create(
            recipients=[requester], subject="s", body="b", link="", now=timezone.now(), milestone=milestone
        )
