"""The request lists' row tags write exactly what the Django tags and filters they replace wrote."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from requests_app.models import (
    AccessRequest,
    AccessRequestStatus,
    AgreementStatus,
    AgreementVersion,
    DataFlow,
    DataFlowStatus,
    Disclosure,
    Dpia,
    DpiaStatus,
    Incident,
    RequestStatus,
    SharingRequest,
)
from requests_app.templatetags import formats as portal
from requests_app.templatetags.formats import status_tag
from requests_app.templatetags.sharing import request_url

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        (RequestStatus.DRAFT, "grey"),
        (RequestStatus.SUBMITTED, "blue"),
        (RequestStatus.AWAITING_CALDICOTT, "blue"),
        (RequestStatus.CHANGES_REQUESTED, "orange"),
        (RequestStatus.APPROVED, "green"),
        (RequestStatus.APPROVED_WITH_CONDITIONS, "green"),
        (RequestStatus.CLOSED, "green"),
        (RequestStatus.REJECTED, "red"),
        (RequestStatus.WITHDRAWN, "red"),
    ],
)
def test_status_tag_colours_each_status_and_names_it(status: RequestStatus, colour: str) -> None:
    expected = f'<strong class="nhsuk-tag nhsuk-tag--{colour}">{status.label}</strong>'
    assert status_tag(SharingRequest(status=status.value)) == expected


def test_status_tag_shows_an_unknown_status_as_stored_and_escaped() -> None:
    odd = SharingRequest(status="<odd>")
    assert status_tag(odd) == '<strong class="nhsuk-tag nhsuk-tag--blue">&lt;odd&gt;</strong>'


REGISTER_TAGS: list[tuple[Model, str, str]] = [
    # Written out from the pages as they were: one colour per status, whichever enum it is in.
    (AccessRequest(status=AccessRequestStatus.RECEIVED), "blue", "Received"),
    (AccessRequest(status=AccessRequestStatus.AWAITING_IDENTITY), "yellow", "Awaiting identity"),
    (AccessRequest(status=AccessRequestStatus.IN_PROGRESS), "aqua-green", "In progress"),
    (AccessRequest(status=AccessRequestStatus.CLOSED), "grey", "Closed"),
    (AgreementVersion(status=AgreementStatus.ACTIVE), "green", "Active"),
    (AgreementVersion(status=AgreementStatus.EXPIRED), "orange", "Expired"),
    (AgreementVersion(status=AgreementStatus.TERMINATED), "red", "Terminated"),
    (DataFlow(status=DataFlowStatus.AWAITING_ISA), "blue", "Awaiting its ISA"),
    (DataFlow(status=DataFlowStatus.ENDED), "grey", "Ended"),
    (Dpia(status=DpiaStatus.AWAITING_SIRO), "blue", "Awaiting SIRO sign-off"),
    (Incident(status="closed"), "green", "Closed"),
    (Incident(status="open"), "blue", "Open"),
]


@pytest.mark.parametrize(
    ("entry", "colour", "label"),
    REGISTER_TAGS,
    ids=[f"{type(entry).__name__} {label}" for entry, _, label in REGISTER_TAGS],
)
def test_every_register_status_has_its_enums_colour(entry: Model, colour: str, label: str) -> None:
    assert status_tag(entry) == f'<strong class="nhsuk-tag nhsuk-tag--{colour}">{label}</strong>'


def test_a_disclosures_outcome_is_tagged_by_its_kind() -> None:
    assert status_tag(Disclosure(kind="refusal"), "kind") == (
        '<strong class="nhsuk-tag nhsuk-tag--red">Refused</strong>'
    )


@pytest.mark.parametrize("reference", ["ISR-2025-00001", "ISR-ä b", "a'b&c"])
def test_request_url_is_the_reversed_request_page(reference: str) -> None:
    assert request_url(reference) == reverse("request_detail", args=[reference])


def test_request_url_follows_the_script_prefix() -> None:
    set_script_prefix("/portal/")
    try:
        assert request_url("ISR-1") == "/portal/requests/ISR-1/"
    finally:
        set_script_prefix("/")


@override_settings(TIME_ZONE="Europe/London")
@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2025, 1, 3, 9, 5, tzinfo=datetime.UTC),
        datetime.datetime(2025, 3, 30, 0, 59, tzinfo=datetime.UTC),  # an hour before the clocks go forward
        datetime.datetime(2025, 3, 30, 1, 0, tzinfo=datetime.UTC),  # British Summer Time begins
        datetime.datetime(2025, 10, 26, 0, 30, tzinfo=datetime.UTC),
        datetime.datetime(2025, 12, 31, 23, 59, tzinfo=datetime.UTC),
        datetime.datetime(2025, 6, 30, 23, 30, tzinfo=datetime.UTC),  # the next day and month in London
        datetime.datetime(2024, 2, 29, 12, 0, tzinfo=LONDON),
    ],
)
@pytest.mark.parametrize(
    ("portal_filter", "django_format"),
    [
        (portal.date_time, "j M Y H:i"),
        (portal.long_date_time, "D j M Y H:i"),
        (portal.full_date_time, "j F Y H:i"),
        (portal.short_date, "j M Y"),
        (portal.long_date, "D j M Y"),
        (portal.full_date, "j F Y"),
    ],
    ids=["date_time", "long_date_time", "full_date_time", "short_date", "long_date", "full_date"],
)
def test_the_portal_date_filters_say_what_the_date_filter_said(
    moment: datetime.datetime, portal_filter: Callable[[datetime.datetime], str], django_format: str
) -> None:
    """The templates swapped ``date:"…"`` for these filters: the pages must read the same."""
    expected = Template(f'{{{{ moment|date:"{django_format}" }}}}').render(Context({"moment": moment}))
    assert portal_filter(moment) == expected


@pytest.mark.parametrize("nothing", [None, ""], ids=["None", "an unresolved variable"])
@pytest.mark.parametrize(
    "portal_filter",
    [
        portal.date_time,
        portal.long_date_time,
        portal.full_date_time,
        portal.short_date,
        portal.long_date,
        portal.full_date,
    ],
)
def test_a_date_filter_of_nothing_is_blank(portal_filter: Callable[[Any], str], nothing: object) -> None:
    """As the date filter: ``{{ decision.occurred_at|… }}`` with no decision renders nothing."""
    assert portal_filter(nothing) == ""
