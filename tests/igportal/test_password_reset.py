"""Password reset by email: Django's views, NHS.UK wording, rate-limited, audited, sessions ended."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from igportal.password_reset import RESET_PER_ADDRESS, RESET_PER_CLIENT, email_fingerprint
from igportal.roles import Role
from requests_app.models import AuditEvent
from tests.conftest import ClientFor, MakeUser

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_user: MakeUser) -> User:
    return make_user(Role.REQUESTER, email="riya.patel@example.nhs.uk")


def _ask(client: Client, email: str, ip: str = "192.0.2.10") -> None:
    response = client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")


def test_the_login_page_offers_the_reset_and_the_form_speaks_nhs(client: Client) -> None:
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "not an address"})
    assert "Enter an email address in the correct format, like name@example.com" in response.content.decode()
    assert "Enter your email address" in client.post(reverse("password_reset"), {}).content.decode()


def test_a_reset_link_sets_a_new_password_once_and_ends_other_sessions(
    client_for: ClientFor, person: User
) -> None:
    signed_in = client_for(person)
    client = Client()
    _ask(client, "Riya.Patel@example.nhs.uk")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["riya.patel@example.nhs.uk"]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert "Set a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "A much longer secret 42", "new_password2": "A much longer secret 42"},
    )
    assert done["Location"] == reverse("password_reset_complete")
    person.refresh_from_db()
    assert person.check_password("A much longer secret 42")
    assert signed_in.get(reverse("home")).status_code == 302  # the old session was ended
    event = AuditEvent.objects.get(action="auth.password_reset")
    assert event.actor == person and event.detail["sessions_ended"] >= 1
    again = client.get(link.group(1), follow=True)
    assert "This link has expired or was already used" in again.content.decode()


def test_an_unknown_address_gets_the_same_page_and_no_email(client: Client, person: User) -> None:
    _ask(client, "nobody@example.org")
    assert mail.outbox == []
    event = AuditEvent.objects.get(action="auth.password_reset_requested")
    assert event.detail == {"email": email_fingerprint("nobody@example.org"), "sent": True}
    assert "nobody@example.org" not in str(event.detail)


def test_links_for_one_address_are_limited_per_hour(client: Client, person: User) -> None:
    for attempt in range(RESET_PER_ADDRESS + 2):
        _ask(client, person.email, ip=f"192.0.2.{attempt + 1}")
    assert len(mail.outbox) == RESET_PER_ADDRESS
    sent = AuditEvent.objects.filter(action="auth.password_reset_requested").values_list(
        "detail__sent", flat=True
    )
    assert list(sent) == [True] * RESET_PER_ADDRESS + [False, False]


def test_requests_from_one_client_are_limited_per_hour(client: Client, make_user: MakeUser) -> None:
    people = [make_user(Role.REQUESTER, email=f"person{n}@example.org") for n in range(RESET_PER_CLIENT + 1)]
    for someone in people:
        _ask(client, someone.email)
    assert len(mail.outbox) == RESET_PER_CLIENT
    assert mail.outbox[-1].to == [people[RESET_PER_CLIENT - 1].email]
