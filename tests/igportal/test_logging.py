from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from igportal.log_redaction import RedactPersonalData, redact
from tests.conftest import ClientFor

NHS_NUMBER = "943 476 5919"
NAME = "Margaret Thistlewood"
EMAIL = "margaret.thistlewood@example.com"
POSTCODE = "LS1 4AP"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NHS 943 476 5919 seen", "NHS [NHS number] seen"),
        ("NHS 9434765919.", "NHS [NHS number]."),
        ("nhs=943-476-5919", "nhs=943-476-5919"),
        ("order 12345678901 has 11 digits", "order 12345678901 has 11 digits"),
        ("mail jo.bloggs+ig@nhs.net now", "mail [email] now"),
        ("lives at LS1 4AP and sw1a1aa", "lives at [postcode] and [postcode]"),
        ("request ISR-2026-00042", "request ISR-2026-00042"),
    ],
)
def test_personal_data_patterns_are_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_line_breaks_are_encoded_so_a_value_cannot_forge_a_log_line() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "user said %s", ("ok\r\n2026 INFO admin logged in",), None
    )
    RedactPersonalData().filter(record)
    assert record.getMessage() == "user said ok\\r\\n2026 INFO admin logged in"


def test_a_record_whose_arguments_do_not_fit_is_still_logged() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "two %s %s", ("one",), None)
    assert RedactPersonalData().filter(record)
    assert "could not be formatted" in record.getMessage()


@pytest.mark.django_db
@pytest.mark.urls("tests.igportal.failing_urls")
def test_a_seeded_nhs_number_and_name_never_reach_the_logs(
    client_for: ClientFor, ig_officer: User, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(ig_officer)
    client.raise_request_exception = False
    with caplog.at_level(logging.DEBUG):
        # a partner form carrying the person's details
        client.post(
            reverse("organisation_create"),
            {
                "name": NAME,
                "kind": "other",
                "contact_name": NAME,
                "contact_email": EMAIL,
                "ods_code": "bad code",
            },
        )
        # a failed sign-in typed with the NHS number as the username
        Client().post(reverse("login"), {"username": NHS_NUMBER, "password": NAME})
        # a page that is not there, its path holding the NHS number
        client.get(f"/organisations/{NHS_NUMBER.replace(' ', '')}/edit/")
        # a crash whose exception message carries the NHS number and email address
        assert client.post(f"/broken/{NHS_NUMBER}/", {"email": EMAIL, "name": NAME}).status_code == 500
        # and code that logs what it should not
        logging.getLogger("igportal.careless").warning("Found %s (%s) at %s", NHS_NUMBER, EMAIL, POSTCODE)
    logged = caplog.text + "".join(record.getMessage() for record in caplog.records)
    assert "[NHS number]" in logged and "Internal Server Error" in logged
    for secret in (NHS_NUMBER, NHS_NUMBER.replace(" ", ""), NAME, "Thistlewood", EMAIL, POSTCODE):
        assert secret not in logged, secret


def test_records_are_clean_before_any_handler_sees_them() -> None:
    """Not only our console handler: a handler added by anyone (a log shipper, say) gets clean records."""
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(self.format(record))

    logger = logging.getLogger("igportal.tests.shipper")
    handler = Collect()
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error("failed for %s", EMAIL, exc_info=ValueError(f"NHS number {NHS_NUMBER}"))
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert seen and EMAIL not in seen[0] and NHS_NUMBER not in seen[0]
    assert "[email]" in seen[0] and "[NHS number]" in seen[0]
