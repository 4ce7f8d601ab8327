"""ISAs, data flows and DPIAs are chased to their review dates by the same exactly-once sweeps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from requests_app.models import AgreementStatus, DpiaStatus, OrganisationSettings
from requests_app.reminders import REMINDER_SOURCES
from tests.factories import make_agreement, make_dpia, make_flow
from tests.requests_app.chasing import sent_to, sweep

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]
REVIEW = date(2027, 3, 1)


def _walk(capture: Capture, kind: str, first: date, last: date) -> None:
    day = first
    while day <= last:
        sweep(capture, kind, day)
        sweep(capture, kind, day)  # a second run the same day sends nothing more
        day += timedelta(days=1)


def test_the_three_registers_are_chased() -> None:
    assert {"isa_reviews", "flow_reviews", "dpia_reviews"} <= set(REMINDER_SOURCES)


def test_a_flow_owner_is_reminded_before_and_on_the_review_date_then_the_dpo_weekly(
    requester: User, ig_officer: User, dpo: User, django_capture_on_commit_callbacks: Capture
) -> None:
    OrganisationSettings.objects.update_or_create(pk=1, defaults={"dpo": dpo})
    flow = make_flow(requester=requester, created_by=ig_officer, next_review_on=REVIEW)
    _walk(
        django_capture_on_commit_callbacks,
        "flow_reviews",
        REVIEW - timedelta(days=31),
        REVIEW + timedelta(days=8),
    )
    owner_mail = sent_to(ig_officer.email)
    assert len(owner_mail) == 4, owner_mail  # 30, 14 and 7 days before, and on the day
    assert all(flow.reference in subject for subject in owner_mail)
    escalations = sent_to(dpo.email)
    assert len(escalations) == 2, escalations  # overdue from the day after, then a week later
    assert all("overdue" in subject.lower() for subject in escalations)


def test_an_active_isa_and_a_signed_off_dpia_are_chased_to_their_review(
    ig_officer: User, dpo: User, django_capture_on_commit_callbacks: Capture
) -> None:
    version = make_agreement(author=ig_officer, status=AgreementStatus.ACTIVE)
    version.review_on = REVIEW
    version.save(update_fields=["review_on"])
    dpia = make_dpia(author=dpo, status=DpiaStatus.SIGNED_OFF, next_review_on=REVIEW)
    sweep(django_capture_on_commit_callbacks, "isa_reviews", REVIEW - timedelta(days=7))
    sweep(django_capture_on_commit_callbacks, "dpia_reviews", REVIEW - timedelta(days=7))
    assert [s for s in sent_to(ig_officer.email) if version.agreement.reference in s]
    assert [s for s in sent_to(dpo.email) if dpia.reference in s]


def test_a_draft_isa_or_dpia_is_not_chased(
    ig_officer: User, dpo: User, django_capture_on_commit_callbacks: Capture
) -> None:
    version = make_agreement(author=ig_officer, status=AgreementStatus.DRAFT)
    version.review_on = REVIEW
    version.save(update_fields=["review_on"])
    make_dpia(author=dpo, status=DpiaStatus.DRAFT, next_review_on=REVIEW)
    assert sweep(django_capture_on_commit_callbacks, "isa_reviews", REVIEW).claimed == 0
    assert sweep(django_capture_on_commit_callbacks, "dpia_reviews", REVIEW).claimed == 0
