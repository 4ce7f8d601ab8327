"""Consent too old to rely on: the requester is asked, once, to re-check it before anything is shared."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from requests_app.models import Assessment, SharingRequest
from requests_app.reminders.base import Message, Milestone, Policy, ReminderSource, active_users, day, plural
from requests_app.workflow import APPROVED_STATUSES, OPEN_STATUSES

# Submitted and not yet shared: once the disclosure is recorded (closed) a re-check is too late to help.
BEFORE_DISCLOSURE = (*OPEN_STATUSES, *APPROVED_STATUSES)


def consent_milestones(consent_date: date, *, today: date, max_age_days: int) -> list[Milestone]:
    """Owed from the first day the consent is older than ``max_age_days``; named by the consent date,
    so consent recorded again later and grown old again owes a new re-check."""
    stale_from = consent_date + timedelta(days=max_age_days + 1)
    if today < stale_from:
        return []
    return [Milestone(f"consent-{consent_date}:recheck", stale_from, "recheck", (today - consent_date).days)]


def relied_on_consent_date(assessment: Assessment) -> date | None:
    """The consent date when the assessment's answers rely on consent that was given, else None."""
    basis = assessment.answers.get("lawful_basis") if isinstance(assessment.answers, dict) else None
    if not isinstance(basis, dict) or basis.get("consent") != "given" or not basis.get("consent_date"):
        return None
    try:
        return date.fromisoformat(str(basis["consent_date"]))
    except ValueError:
        return None


class ConsentRechecks(ReminderSource):
    key = "consent"
    label = "Consent re-checks"

    def candidates(self, *, today: date, policy: Policy) -> QuerySet[SharingRequest]:
        return (
            SharingRequest.objects.filter(
                status__in=BEFORE_DISCLOSURE, assessments__answers__lawful_basis__consent="given"
            )
            .distinct()
            .select_related("requester")
            .prefetch_related(
                Prefetch("assessments", queryset=Assessment.objects.order_by("-number"), to_attr="newest")
            )
        )

    def due(self, obj: SharingRequest, *, today: date, policy: Policy) -> list[Milestone]:
        newest: list[Assessment] = getattr(obj, "newest", [])
        if obj.status not in BEFORE_DISCLOSURE or not newest:
            return []
        consent_date = relied_on_consent_date(newest[0])
        if consent_date is None:
            return []
        return consent_milestones(consent_date, today=today, max_age_days=policy.consent_max_age_days)

    def messages(
        self, obj: SharingRequest, milestone: Milestone, *, today: date, policy: Policy
    ) -> list[Message]:
        consent_date = date.fromisoformat(milestone.key.removeprefix("consent-").split(":", 1)[0])
        return [
            Message(
                active_users([obj.requester]),
                f"Re-check consent before sharing under {obj.reference}",
                f"Sharing request {obj.reference} relies on consent recorded on {day(consent_date)}, "
                f"{plural(milestone.count, 'day')} ago: longer than the "
                f"{plural(policy.consent_max_age_days, 'day')} after which your organisation checks it "
                "again. Before anything is shared, confirm that the person still consents, and tell the "
                "IG team if they do not.",
                reverse("request_detail", args=[obj.reference]),
            )
        ]
