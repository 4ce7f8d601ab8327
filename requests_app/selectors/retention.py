"""Reads for the retention schedule and disposal pages; who may see them is decided here."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from igportal.roles import Role, has_role, is_ig_team
from requests_app.models import (
    AccessRequest,
    DestructionRecord,
    DisposalReview,
    DisposalStatus,
    RetentionRule,
    RetentionRuleVersion,
)


def can_see_schedule(user: User) -> bool:
    """The schedule is no secret inside the IG team, and the auditor checks it."""
    return is_ig_team(user) or has_role(user, Role.AUDITOR)


def can_see_disposals(user: User) -> bool:
    """The DPO decides disposals; the auditor may read them and the destruction records."""
    return has_role(user, Role.DPO, Role.AUDITOR)


def retention_rules(*, user: User) -> QuerySet[RetentionRule]:
    if not can_see_schedule(user):
        raise Http404("No such page.")
    return RetentionRule.objects.select_related("updated_by").order_by("record_type")


def get_rule_for_user(user: User, pk: int) -> RetentionRule:
    if not can_see_schedule(user):
        raise Http404("No such page.")
    try:
        return RetentionRule.objects.get(pk=pk)
    except RetentionRule.DoesNotExist:
        raise Http404("No such retention rule.") from None


def rule_versions(rule: RetentionRule) -> QuerySet[RetentionRuleVersion]:
    return rule.versions.select_related("changed_by").order_by("-version")


def disposal_queue(*, user: User) -> QuerySet[DisposalReview]:
    """Records past their period still awaiting a decision, extended or held: oldest first."""
    if not can_see_disposals(user):
        raise Http404("No such page.")
    return (
        DisposalReview.objects.exclude(status=DisposalStatus.DESTROYED)
        .select_related("rule")
        .order_by("status", "retain_until", "id")
    )


def get_review_for_user(user: User, pk: int) -> DisposalReview:
    if not can_see_disposals(user):
        raise Http404("No such page.")
    try:
        return DisposalReview.objects.select_related("rule").get(pk=pk)
    except DisposalReview.DoesNotExist:
        raise Http404("No such disposal review.") from None


def reviews_referred_by(case: AccessRequest) -> QuerySet[DisposalReview]:
    """The IG Portal records an erasure or restriction case put before the DPO."""
    return DisposalReview.objects.filter(requested_by_case=case).order_by("pk")


def destruction_records(*, user: User) -> QuerySet[DestructionRecord]:
    if not can_see_disposals(user):
        raise Http404("No such page.")
    return DestructionRecord.objects.select_related("approved_by").order_by("-destroyed_at", "-id")
