"""The one table of reminder sources. A sweep runs per entry; its key names it everywhere.

The keys are stored in the milestone rows: never rename one.
"""

from __future__ import annotations

from requests_app.reminders.access import AccessRequestDeadlines
from requests_app.reminders.access_pauses import AccessRequestPauseLapses
from requests_app.reminders.assets import ProcessorContracts, senior_information_risk_owners
from requests_app.reminders.assurance import AssuranceLapses
from requests_app.reminders.base import Message, Milestone, Policy, ReminderSource
from requests_app.reminders.consent import ConsentRechecks
from requests_app.reminders.reviews import ReviewDates
from requests_app.reminders.signatures import SignatureWaits
from requests_app.reminders.signoffs import SignOffWaits


def _register_reviews() -> tuple[ReviewDates, ...]:
    """ISAs, data flows and DPIAs in force, chased to their review date by their owner [001 s13]."""
    from django.urls import reverse

    from requests_app.models import (
        AgreementStatus,
        AgreementVersion,
        AssetStatus,
        DataFlow,
        DataFlowStatus,
        Dpia,
        DpiaStatus,
        InformationAsset,
    )

    return (
        ReviewDates(
            key="isa_reviews",
            label="ISA reviews",
            noun="information sharing agreement",
            rows=lambda: AgreementVersion.objects.filter(status=AgreementStatus.ACTIVE).select_related(
                "agreement"
            ),
            review_date_field="review_on",
            owner_field="created_by",
            reference=lambda version: version.audit_label,
            link=lambda version: reverse("agreement_version", args=[version.agreement_id, version.number]),
        ),
        ReviewDates(
            key="flow_reviews",
            label="Data flow reviews",
            noun="data flow",
            rows=lambda: DataFlow.objects.filter(
                status__in=[DataFlowStatus.ACTIVE, DataFlowStatus.SUSPENDED]
            ),
            review_date_field="next_review_on",
            owner_field="asset_owner",
            reference=lambda flow: flow.reference,
            link=lambda flow: reverse("flow_detail", args=[flow.pk]),
        ),
        ReviewDates(
            key="dpia_reviews",
            label="DPIA reviews",
            noun="data protection impact assessment",
            rows=lambda: Dpia.objects.filter(status=DpiaStatus.SIGNED_OFF),
            review_date_field="next_review_on",
            owner_field="created_by",
            reference=lambda dpia: dpia.reference,
            link=lambda dpia: reverse("dpia_detail", args=[dpia.pk]),
        ),
        # Each owner reviews their assets at least once a year; the SIRO hears when one does not [004 5.9].
        ReviewDates(
            key="asset_reviews",
            label="Information asset reviews",
            noun="information asset",
            rows=lambda: InformationAsset.objects.filter(status=AssetStatus.ACTIVE),
            review_date_field="next_review_on",
            owner_field="owner",
            reference=lambda asset: asset.reference,
            link=lambda asset: reverse("asset_detail", args=[asset.pk]),
            escalate_to=senior_information_risk_owners,
        ),
        # And checks what each holds against its retention period: records kept past it are kept without
        # a reason [000 3.iv, 5.v]; the SIRO hears of an owner who does not.
        ReviewDates(
            key="asset_retention_reviews",
            label="Information asset retention reviews",
            noun="information asset",
            rows=lambda: InformationAsset.objects.filter(status=AssetStatus.ACTIVE),
            review_date_field="retention_review_on",
            owner_field="owner",
            reference=lambda asset: asset.reference,
            link=lambda asset: reverse("asset_detail", args=[asset.pk]),
            escalate_to=senior_information_risk_owners,
            review="retention review",
            action="Check what it holds against its retention period, destroy or transfer what has passed "
            "it, and record the next retention review date.",
        ),
    )


REMINDER_SOURCES: dict[str, ReminderSource] = {
    source.key: source
    for source in (
        AccessRequestDeadlines(),
        AccessRequestPauseLapses(),
        SignOffWaits(),
        ConsentRechecks(),
        ProcessorContracts(),
        SignatureWaits(),
        AssuranceLapses(),
        *_register_reviews(),
    )
}

__all__ = ["REMINDER_SOURCES", "Message", "Milestone", "Policy", "ReminderSource"]
