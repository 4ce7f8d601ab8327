"""Partners' assurance before it lapses: the IG team before the day, the DPO the day after.

Two dates per partner: its ICO registration's expiry, and a year after its DSPT was published (the
toolkit is published yearly). The IG team is told ``CHASER_REVIEW_DAYS`` days before either (the
latest of the series only) so that it asks the partner for the renewal; the DPO is told once the day
after it lapsed. Each key names the date it counts from, so a renewal (a new date) owes fresh reminders.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from requests_app.models import Organisation
from requests_app.models.organisations import DSPT_VALID_FOR
from requests_app.reminders.base import (
    Message,
    Milestone,
    Policy,
    ReminderSource,
    data_protection_officers,
    day,
    ig_team,
    latest_milestone,
    plural,
)

WHAT = {"ico": "ICO registration", "dspt": "DSPT publication"}


def lapse_dates(partner: Organisation) -> dict[str, date]:
    """The days the partner's assurance lapses after, by kind."""
    dates = {}
    if partner.ico_expires_on is not None:
        dates["ico"] = partner.ico_expires_on
    if partner.dspt_published_on is not None:
        dates["dspt"] = partner.dspt_published_on + DSPT_VALID_FOR
    return dates


def assurance_milestones(
    kind: str, lapses_after: date, *, today: date, days_before: tuple[int, ...]
) -> list[Milestone]:
    if today > lapses_after:
        return [Milestone(f"{kind}:{lapses_after}:lapsed", lapses_after + timedelta(days=1), "lapsed")]
    series = [(count, lapses_after - timedelta(days=count)) for count in days_before]
    return latest_milestone(
        series, today=today, key=lambda count: f"{kind}:{lapses_after}:{count}-days-before", step="before"
    )


class AssuranceLapses(ReminderSource):
    key = "partner_assurance"
    label = "Partner assurance"

    def candidates(self, *, today: date, policy: Policy) -> QuerySet[Any]:
        horizon = today + timedelta(days=max(policy.review_days, default=0))
        return Organisation.objects.filter(active=True).filter(
            Q(ico_expires_on__lte=horizon) | Q(dspt_published_on__lte=horizon - DSPT_VALID_FOR)
        )

    def due(self, obj: Any, *, today: date, policy: Policy) -> list[Milestone]:
        return [
            milestone
            for kind, lapses_after in lapse_dates(obj).items()
            for milestone in assurance_milestones(
                kind, lapses_after, today=today, days_before=policy.review_days
            )
        ]

    def messages(self, obj: Any, milestone: Milestone, *, today: date, policy: Policy) -> list[Message]:
        partner: Organisation = obj
        kind = milestone.key.split(":", 1)[0]
        lapses_after = lapse_dates(partner)[kind]
        facts = (
            f"Partner: {partner.name}\n{WHAT[kind]} lapses after {day(lapses_after)}\n"
            f"Assurance contact: {partner.assurance_contact or partner.contact_name or 'not recorded'}\n"
        )
        link = reverse("organisation_edit", args=[partner.pk])
        if milestone.step == "lapsed":
            return [
                Message(
                    data_protection_officers(),
                    f"Assurance lapsed: {partner.name} ({WHAT[kind]})",
                    f"{partner.name}'s {WHAT[kind]} has lapsed. Its flows and agreements are flagged, and "
                    f"new requests to share with it get a condition until it is renewed.\n\n{facts}",
                    link,
                )
            ]
        return [
            Message(
                ig_team(),
                f"Assurance lapses in {plural(milestone.count, 'day')}: {partner.name} ({WHAT[kind]})",
                f"Ask {partner.name} for its renewed {WHAT[kind]} and record it on its page.\n\n{facts}",
                link,
            )
        ]
