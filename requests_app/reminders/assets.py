"""Processors' data processing contracts, chased before they end [UK GDPR Art 28(3)]; and the SIRO, to whom
information asset owners answer for their assets' reviews [004 5.9].

A contract owes the IG team a reminder at each of the review days before its end date and on the day;
once it has ended without a new end date being recorded the DPO is told, from the day after and then
every ``escalation_repeat_days``. Each is claimed exactly once by ``services.reminders``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import reverse

from igportal.roles import Role
from requests_app.models import OrganisationSettings, Processor
from requests_app.reminders.base import (
    Message,
    Milestone,
    Policy,
    ReminderSource,
    data_protection_officers,
    day,
    ig_team,
    plural,
    role_members,
)
from requests_app.reminders.reviews import review_milestones


def senior_information_risk_owners() -> tuple[User, ...]:
    """The SIRO named in the organisation settings, or everyone holding the role if none is named."""
    named = OrganisationSettings.load().siro
    if named is not None and named.is_active:
        return (named,)
    return role_members(Role.SIRO)


class ProcessorContracts(ReminderSource):
    key = "processor_contracts"
    label = "Processor contracts"

    def candidates(self, *, today: date, policy: Policy) -> QuerySet[Processor]:
        horizon = today + timedelta(days=max(policy.review_days, default=0))
        return Processor.objects.filter(contract_end_on__isnull=False, contract_end_on__lte=horizon)

    def due(self, obj: Processor, *, today: date, policy: Policy) -> list[Milestone]:
        if obj.contract_end_on is None:
            return []
        return review_milestones(
            obj.contract_end_on,
            today=today,
            days_before=policy.review_days,
            repeat_days=policy.escalation_repeat_days,
        )

    def messages(self, obj: Processor, milestone: Milestone, *, today: date, policy: Policy) -> list[Message]:
        assert obj.contract_end_on is not None
        link = reverse("processor_detail", args=[obj.pk])
        facts = (
            f"Processor: {obj.name}\nContract: {obj.contract_reference or 'none recorded'}\n"
            f"Ends: {day(obj.contract_end_on)}\nAssets it processes: "
            f"{', '.join(obj.assets.values_list('reference', flat=True)) or 'none'}\n"
        )
        if milestone.step == "overdue":
            return [
                Message(
                    data_protection_officers(),
                    f"Processor contract ended: {obj.name}",
                    f"The data processing contract with {obj.name} ended {plural(milestone.count, 'day')} "
                    "ago. Processing on our behalf needs a written contract [UK GDPR Art 28(3)]: renew it "
                    f"and record the new end date, or stop the processing.\n\n{facts}",
                    link,
                )
            ]
        when = "today" if milestone.step == "on_the_day" else f"in {plural(milestone.count, 'day')}"
        return [
            Message(
                ig_team() or data_protection_officers(),
                f"Processor contract ends {when}: {obj.name}",
                f"The data processing contract with {obj.name} ends {when}, on {day(obj.contract_end_on)}. "
                f"Renew it and record the new end date.\n\n{facts}",
                link,
            )
        ]
