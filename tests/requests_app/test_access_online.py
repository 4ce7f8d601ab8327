"""The public "ask online" form: no account, rate-limited per address, a honeypot, checked uploads, and an
acknowledgement that shows and emails the reference and the due date but nothing the requester typed."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.models import AccessRequest, AccessRequestChannel, AuditEvent
from tests.conftest import ClientFor

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _form(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "sar",
        "description": "Copies of my records from the memory clinic, 2024 to now.",
        "requester_name": "Sam Jones",
        "subject_name": "",
        "reply_by": "email",
        "requester_email": "sam@example.org",
        "requester_phone": "",
        "requester_address": "",
        "website": "",
        **changes,
    }


def _ask(client: Client, **changes: Any) -> Any:
    return client.post(reverse("access_request_online"), _form(**changes))


def test_anyone_may_open_the_form_without_logging_in(client: Client) -> None:
    response = client.get(reverse("access_request_online"))
    assert response.status_code == 200
    assert b'data-testid="ask-online"' in response.content
    # The honeypot is in the page, hidden from people and screen readers alike.
    assert b'<div hidden aria-hidden="true">' in response.content


def test_a_request_is_logged_as_received_online_and_acknowledged_with_its_reference_and_due_date(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client)
    assert response.status_code == 302
    case = AccessRequest.objects.get()
    assert (case.kind, case.channel, case.created_by, case.received_on) == (
        "sar",
        AccessRequestChannel.ONLINE_FORM,
        None,
        timezone.localdate(),
    )
    assert case.due_on is not None
    page = client.get(response["Location"])
    body = page.content.decode()
    assert case.reference in body
    assert case.deadline(today=timezone.localdate(), nation="england").headline in body
    assert "How the date was worked out" in body
    # The acknowledgement email: reference and due date, and nothing the requester wrote.
    (message,) = mail.outbox
    assert message.to == ["sam@example.org"]
    assert case.reference in message.subject and case.reference in message.body
    assert "memory clinic" not in message.body and "Sam Jones" not in message.body
    # Its history and audit trail say it came from the public.
    assert case.history.get().action == "create"
    assert AuditEvent.objects.filter(action="access_request.create", target_id=str(case.pk)).exists()


def test_the_acknowledgement_is_sent_once_however_often_the_task_runs(client: Client) -> None:
    from requests_app.services.access import access_request_acknowledge

    _ask(client)
    case = AccessRequest.objects.get()
    mail.outbox.clear()
    assert access_request_acknowledge(case_id=case.pk) + access_request_acknowledge(case_id=case.pk) <= 1
    assert len(mail.outbox) <= 1
    case.refresh_from_db()
    assert case.acknowledged_at is not None


def test_what_the_public_sends_is_never_rendered_unescaped(
    client: Client, client_for: ClientFor, ig_officer: Any
) -> None:
    _ask(client, requester_name=HOSTILE, description=HOSTILE, kind="foi")
    case = AccessRequest.objects.get()
    assert case.requester_name == HOSTILE
    for page in (
        client_for(ig_officer).get(reverse("access_request_detail", args=[case.pk])),
        client_for(ig_officer).get(reverse("access_request_list")),
    ):
        assert page.status_code == 200
        assert HOSTILE.encode() not in page.content
        assert b"&lt;script&gt;" in page.content
    # The acknowledgement page shows none of it, escaped or not.
    done = client.get(reverse("access_request_online_done"))
    assert b"alert" not in done.content and b"onerror" not in done.content


def test_the_ig_team_sees_the_online_request_in_its_list(
    client: Client, client_for: ClientFor, ig_officer: Any
) -> None:
    _ask(client, kind="eir", description="Air quality readings near the car park.")
    case = AccessRequest.objects.get()
    page = client_for(ig_officer).get(reverse("access_request_list"))
    assert case.reference in page.content.decode()


def test_the_case_history_says_the_requester_made_it_online_not_a_scheduled_task(
    client: Client, client_for: ClientFor, ig_officer: Any
) -> None:
    """Found by the browser journey: the history named "IG Portal (scheduled task)" as the maker of a
    case that a member of the public sent, because it has no account behind it."""
    _ask(client)
    case = AccessRequest.objects.get()
    page = client_for(ig_officer).get(reverse("access_request_detail", args=[case.pk])).content.decode()
    assert "Create (Received) by the requester (online form)" in page
    assert "scheduled task" not in page


def test_the_acknowledgement_names_the_type_of_request_as_written(client: Client) -> None:
    """Found by the browser journey: the page lower-cased the type, telling the public of their "subject
    access request (sar)"."""
    _ask(client)
    done = client.get(reverse("access_request_online_done")).content.decode()
    assert "logged it as: Subject access request (SAR)." in done
    assert "(sar)" not in done


def test_a_filled_honeypot_keeps_nothing_and_looks_like_success(client: Client) -> None:
    response = _ask(client, website="http://spam.example")
    assert response.status_code == 200
    assert b"Request received" in response.content
    assert not AccessRequest.objects.exists()
    assert AuditEvent.objects.filter(
        action="access_request.online_refused", detail__reason="honeypot"
    ).exists()


def test_a_bad_upload_is_refused_and_the_rest_of_the_form_kept(client: Client) -> None:
    upload = SimpleUploadedFile("passport.pdf", b"MZ\x90\x00 not a document", content_type="application/pdf")
    response = client.post(reverse("access_request_online"), {**_form(), "identity_document": upload})
    assert response.status_code == 200
    assert not AccessRequest.objects.exists()
    body = response.content.decode()
    assert "The file must be a PDF" in body
    assert "memory clinic" in body  # what was typed comes back


def test_a_good_upload_is_kept_with_the_case_and_downloaded_only_by_its_readers(
    client: Client, client_for: ClientFor, ig_officer: Any, requester: Any
) -> None:
    upload = SimpleUploadedFile("passport.pdf", PDF, content_type="application/pdf")
    client.post(reverse("access_request_online"), {**_form(), "identity_document": upload})
    case = AccessRequest.objects.get()
    document = case.documents.get()
    assert document.content_type == "application/pdf"
    url = reverse("access_request_document", args=[case.pk, document.pk])
    assert client_for(ig_officer).get(url).status_code == 200
    assert client_for(requester).get(url).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": ""}, "kind", "Choose what you want to ask for."),
        ({"reply_by": "email", "requester_email": ""}, "requester_email", "so that we can reply by email"),
        ({"reply_by": "post", "requester_address": ""}, "requester_address", "so that we can reply by post"),
        ({"kind": "foi", "subject_name": "Pat Jones"}, "subject_name", "Only a subject access request"),
        ({"kind": "deceased"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_and_loses_nothing(
    client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    response = _ask(client, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "memory clinic" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_the_acknowledgement_page_without_a_request_sends_to_the_form(client: Client) -> None:
    response = client.get(reverse("access_request_online_done"))
    assert response.status_code == 302
    assert response["Location"] == reverse("access_request_online")


@pytest.mark.services
def test_a_flood_from_one_address_is_refused_after_the_limit_and_nothing_before_it_is_lost(
    client: Client, settings: Any
) -> None:
    """200 submissions from one address, counted in the real Redis as in production."""
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("IGPORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
            "KEY_PREFIX": f"flood-{os.getpid()}",
        },
    }
    from django.core.cache import caches

    caches["ratelimit"].clear()
    settings.ACCESS_ONLINE_PER_HOUR = 10
    statuses = [_ask(client, description=f"Request number {n}").status_code for n in range(200)]
    assert statuses[:10] == [302] * 10
    assert statuses[10:] == [429] * 190
    kept = sorted(AccessRequest.objects.values_list("description", flat=True))
    assert kept == sorted(f"Request number {n}" for n in range(10))
    refused = _ask(client, description="Request number 201")
    assert "too many requests from your internet address" in refused.content.decode()
    assert "Request number 201" in refused.content.decode()  # kept in the form, not lost
    # Another address is not held up by the first one's flood.
    other = client.post(reverse("access_request_online"), _form(), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302
    caches["ratelimit"].clear()


def test_a_failed_acknowledgement_is_released_so_the_retry_sends_it_once(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.mail import EmailMessage

    from requests_app.services.access import access_request_acknowledge

    _ask(client)
    case = AccessRequest.objects.get()
    AccessRequest.objects.filter(pk=case.pk).update(acknowledged_at=None)
    mail.outbox.clear()
    sending = EmailMessage.send

    def refused(self: EmailMessage, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMessage, "send", refused)
    with pytest.raises(ConnectionRefusedError):
        access_request_acknowledge(case_id=case.pk)
    case.refresh_from_db()
    assert case.acknowledged_at is None  # the claim let go: the task's retry will send it
    monkeypatch.setattr(EmailMessage, "send", sending)
    assert access_request_acknowledge(case_id=case.pk) == 1
    assert access_request_acknowledge(case_id=case.pk) == 0
    assert [m.subject for m in mail.outbox] == [f"Your request {case.reference} has been received"]
