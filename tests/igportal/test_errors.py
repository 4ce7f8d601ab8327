from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.conftest import ClientFor
from tests.factories import make_request

pytestmark = pytest.mark.django_db

INTERNAL_DETAIL = ("Traceback", "ValueError", "could not match", 'File "', "DEBUG", "settings.py", "psycopg")


def assert_generic(content: str) -> None:
    for detail in INTERNAL_DETAIL:
        assert detail not in content, detail
    assert "nhsuk-header" in content


@pytest.mark.urls("tests.igportal.failing_urls")
def test_a_crash_shows_the_generic_page_without_any_detail(client_for: ClientFor, requester: User) -> None:
    client = client_for(requester)
    client.raise_request_exception = False
    response = client.post("/broken/1234567890/", {"email": "someone@example.com"})
    assert response.status_code == 500
    content = response.content.decode()
    assert "Sorry, there is a problem with the service" in content
    assert "someone@example.com" not in content
    assert_generic(content)


def test_a_missing_page_shows_the_generic_not_found_page(client_for: ClientFor, requester: User) -> None:
    response = client_for(requester).get("/organisations/999999/edit/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert_generic(response.content.decode())


def test_a_refusal_shows_the_generic_forbidden_page(client_for: ClientFor, requester: User) -> None:
    # The requester sees their submitted request but may no longer change its answers.
    submitted = make_request(requester=requester)
    response = client_for(requester).get(reverse("wizard_step", args=[submitted.reference, "purpose"]))
    assert response.status_code == 403
    assert "You cannot do that" in response.content.decode()
    assert_generic(response.content.decode())


def test_a_bad_host_shows_the_generic_bad_request_page(client: Client) -> None:
    response = client.get(reverse("login"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.content.decode()
    assert "evil.example" not in response.content.decode()


def test_a_form_without_its_csrf_token_shows_the_generic_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    content = response.content.decode()
    assert "Your form could not be sent" in content
    assert "CSRF" not in content
