"""Signatures an ISA version still waits for: its sender is reminded, the DPO told once a link expires.

A partner's signatory has no account, so the reminder goes to whoever sent the version (the IG team
if they have left), who chases the partner or re-sends the link from the agreement's page; our own
signature is the Caldicott Guardian's to give. ``CHASER_SIGNATURE_DAYS`` days after the ask (default 3
and 7) the sender is told; the day after a link expires the DPO is told too. Each milestone's key names
the date it counts from, and an expiry also the link, so a re-sent link owes its own expiry milestone.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from igportal.roles import Role
from requests_app.models import AgreementSignature, AgreementStatus, OrganisationSettings, SignatureStatus
from requests_app.reminders.base import (
    Message,
    Milestone,
    Policy,
    ReminderSource,
    active_users,
    data_protection_officers,
    day,
    ig_team,
    latest_milestone,
    plural,
    role_members,
)


def signature_milestones(
    asked_on: date, expires_on: date | None, link: str, *, today: date, days_after: tuple[int, ...]
) -> list[Milestone]:
    """The one milestone a signature asked for on ``asked_on`` owes on ``today``: the expiry of its
    link (``link`` tells one link from the next) once that has passed, else the latest reminder of the
    series after the ask."""
    if expires_on is not None and today > expires_on:
        return [Milestone(f"{expires_on}:{link}:expired", expires_on + timedelta(days=1), "expired")]
    series = [(count, asked_on + timedelta(days=count)) for count in days_after]
    return latest_milestone(
        series, today=today, key=lambda count: f"{asked_on}:{count}-days-after", step="waiting"
    )


class SignatureWaits(ReminderSource):
    key = "isa_signatures"
    label = "ISA signatures"

    def candidates(self, *, today: date, policy: Policy) -> QuerySet[Any]:
        return AgreementSignature.objects.filter(
            status=SignatureStatus.PENDING, version__status=AgreementStatus.AWAITING_SIGNATURES
        ).select_related("version__agreement", "version__created_by", "organisation")

    def due(self, obj: Any, *, today: date, policy: Policy) -> list[Milestone]:
        signature: AgreementSignature = obj
        expires_on = timezone.localdate(signature.expires_at) if signature.expires_at else None
        return signature_milestones(
            timezone.localdate(signature.created_at),
            expires_on,
            signature.token_salt[:8],
            today=today,
            days_after=tuple(settings.CHASER_SIGNATURE_DAYS),
        )

    def messages(self, obj: Any, milestone: Milestone, *, today: date, policy: Policy) -> list[Message]:
        signature: AgreementSignature = obj
        version = signature.version
        link = reverse("agreement_version", args=[version.agreement_id, version.number])
        party = signature.organisation.name if signature.organisation else "us (the Caldicott Guardian)"
        sender = active_users([version.created_by]) or ig_team()
        facts = (
            f"Agreement: {version.audit_label}, {version.agreement.title}\nTo sign for: {party}\n"
            f"Asked on: {day(timezone.localdate(signature.created_at))}\n"
        )
        if milestone.step == "expired":
            return [
                Message(
                    tuple({user.pk: user for user in (*data_protection_officers(), *sender)}.values()),
                    f"Signature link expired: {version.audit_label} for {party}",
                    f"The link asking {party} to sign expired unused. Re-send it from the agreement's page, "
                    f"or withdraw the version.\n\n{facts}",
                    link,
                )
            ]
        if signature.organisation is None:
            named = OrganisationSettings.load().caldicott_guardian
            recipients = active_users([named]) or role_members(Role.CALDICOTT_GUARDIAN)
            wanted = "Sign it for us in the portal: it comes into force when every party has signed."
        else:
            recipients = sender
            wanted = "Chase the partner's signatory, or re-send the link from the agreement's page."
        return [
            Message(
                recipients,
                f"Not yet signed after {plural(milestone.count, 'day')}: {version.audit_label} for {party}",
                f"{version.audit_label} has waited {plural(milestone.count, 'day')} for {party} to sign. "
                f"{wanted}\n\n{facts}",
                link,
            )
        ]
