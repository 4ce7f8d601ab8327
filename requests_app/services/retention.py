"""Writes for the retention schedule and disposal: the DPO's edits, the sweep, and destruction.

``retention_rule_update``: the DPO changes a rule; a new version row and an audit event record it.
``disposal_sweep``: raises, exactly once per record, a ``DisposalReview`` for each record past its period
(the unique constraint and ``ignore_conflicts`` make a second sweep, or two at once, add nothing), and
returns extended records whose new date has passed to review. The DPO's decisions go through
``services.workflow.transition`` on ``retention_workflow.DISPOSAL_WORKFLOW``; ``destroy`` calls
``carry_out_destruction`` (below), the one place personal data in IG Portal is destroyed, which an
erasure or restriction case that concerns IG Portal's own records also goes through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from igportal.roles import Role, has_role, is_ig_team
from requests_app.models import (
    AccessRequest,
    AccessRequestKind,
    AuditEvent,
    DestructionRecord,
    DisposalReview,
    DisposalStatus,
    RecordType,
    RetentionRule,
    RetentionRuleVersion,
    SweepRun,
)
from requests_app.retention_schedule import retain_until
from requests_app.services.audit import audit_record
from requests_app.services.disposal import DISPOSAL_SOURCES

SWEEP_KIND = "disposal"
NO_SUCH_RECORD = (
    "Enter the reference of a record in IG Portal: an access request, sharing request, disclosure, data flow,"
    " ISA, DPIA, incident or consent withdrawal."
)
MAX_REASON = 2000


def can_manage_retention(user: User) -> bool:
    """The DPO owns the schedule and decides every disposal (UK GDPR Art 39; [000 3.iv])."""
    return has_role(user, Role.DPO)


@transaction.atomic
def retention_rule_update(
    *,
    rule: RetentionRule,
    actor: User,
    period_months: int,
    trigger: str,
    authority: str,
    verified: bool,
    reason: str,
    http_request: HttpRequest | None = None,
) -> RetentionRule:
    if not can_manage_retention(actor):
        raise PermissionDenied("Only the DPO can change the retention schedule.")
    locked = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    errors: dict[str, list[str]] = {}
    reason = reason.strip()
    if not reason:
        errors["reason"] = ["Say why the schedule is changing: the reason is kept with the version."]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [f"Keep the reason to {MAX_REASON} characters."]
    if not authority.strip():
        errors["authority"] = ["Name the schedule entry or decision this period comes from."]
    if errors:
        raise ValidationError(errors)
    before = {
        "period_months": locked.period_months,
        "trigger": locked.trigger,
        "authority": locked.authority,
        "verified": locked.verified,
    }
    after = {
        "period_months": period_months,
        "trigger": trigger,
        "authority": authority.strip(),
        "verified": verified,
    }
    if before == after:
        raise ValidationError("Nothing was changed.")
    for name, value in after.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.updated_by = actor
    locked.full_clean()
    locked.save()
    RetentionRuleVersion.objects.create(
        rule=locked, version=locked.version, reason=reason, changed_by=actor, **after
    )
    audit_record(
        action="retention.rule_changed",
        actor=actor,
        target=locked,
        request=http_request,
        detail={"version": locked.version, "before": before, "after": after, "reason": reason},
    )
    return locked


@dataclass(frozen=True)
class SweepResult:
    raised: int
    resurfaced: int


def disposal_candidates(*, today: date) -> list[DisposalReview]:
    """The reviews a sweep on ``today`` would raise: records past their period not yet raised (unsaved)."""
    rules = {rule.record_type: rule for rule in RetentionRule.objects.all()}
    candidates: list[DisposalReview] = []
    for record_type, source in DISPOSAL_SOURCES.items():
        rule = rules.get(record_type)
        if rule is None or rule.trigger not in source.triggers:
            continue
        reviewed = set(
            DisposalReview.objects.filter(record_type=record_type).values_list("object_id", flat=True)
        )
        candidates.extend(
            DisposalReview(
                record_type=record_type,
                object_id=item.object_id,
                label=item.label[:120],
                rule=rule,
                rule_version=rule.version,
                trigger_date=item.trigger_date,
                retain_until=retain_until(item.trigger_date, period_months=rule.period_months),
            )
            for item in source.past_period(rule=rule, today=today)
            if item.object_id not in reviewed
        )
    return candidates


def disposal_sweep(*, today: date) -> SweepResult:
    """Raise each record past its period for review, once; return lapsed extensions to review.

    Idempotent and safe to run concurrently: the insert skips records already raised (the unique
    constraint on record type and id, with ``ON CONFLICT DO NOTHING``), so any number of sweeps raise
    each record exactly once; the count is of rows really inserted.
    """
    from requests_app.services.workflow import system_transition

    run = SweepRun.objects.create(kind=SWEEP_KIND, today=today, started_at=timezone.now())
    candidates = disposal_candidates(today=today)
    before = DisposalReview.objects.count()
    DisposalReview.objects.bulk_create(candidates, ignore_conflicts=True, batch_size=500)
    raised = DisposalReview.objects.count() - before if candidates else 0
    resurfaced = 0
    for review in DisposalReview.objects.filter(status=DisposalStatus.EXTENDED, extended_until__lt=today):
        system_transition(review, "resurface", comment="The extended retention date has passed.")
        resurfaced += 1
    run.planned = raised
    run.claimed = resurfaced
    run.finished_at = timezone.now()
    run.save(update_fields=["planned", "claimed", "finished_at"])
    if raised or resurfaced:
        audit_record(
            action="retention.sweep", detail={"today": today, "raised": raised, "resurfaced": resurfaced}
        )
    return SweepResult(raised=raised, resurfaced=resurfaced)


def carry_out_destruction(
    *, review: DisposalReview, actor: User, http_request: HttpRequest | None = None
) -> DestructionRecord:
    """Destroy the record's personal data, redact the audit events about it, keep the destruction record.

    Called by the ``destroy`` move of the disposal workflow, inside its transaction, after the move has
    checked that the DPO fired it and that no legal hold stands.
    """
    source = DISPOSAL_SOURCES[review.record_type]
    destroyed = source.destroy(review.object_id)
    redacted, kept = audit_redact(target_type=source.audit_type, target_id=str(review.object_id))
    rule = review.rule
    record = DestructionRecord.objects.create(
        review=review,
        record_type=review.record_type,
        label=review.label,
        period_months=rule.period_months,
        trigger=rule.trigger,
        authority=rule.authority,
        rule_version=rule.version,
        method=destroyed.method,
        documents_deleted=destroyed.documents_deleted,
        audit_events_redacted=redacted,
        audit_events_kept=kept,
        approved_by=actor,
    )
    audit_record(
        action="retention.destroyed",
        actor=actor,
        target=review,
        request=http_request,
        detail={
            "record_type": review.record_type,
            "object_id": review.object_id,
            "rule_version": rule.version,
            "documents_deleted": destroyed.documents_deleted,
            "audit_events_redacted": redacted,
            "audit_events_kept": kept,
        },
    )
    return record


def audit_redact(*, target_type: str, target_id: str) -> tuple[int, int]:
    """Blank the label and detail of the audit events about one destroyed record.

    Returns how many were redacted and how many had to be kept as written. Only events whose hash covers
    the digest of those parts (every event written since retention came in) can be redacted without
    breaking the chain; older ones keep their label and detail, and the database refuses any other
    change to an event (migration 0027's trigger). Re-hashing them is not an option: it would rewrite
    the chain after them and contradict every checkpoint already signed outside the database.
    """
    about = AuditEvent.objects.filter(target_type=target_type, target_id=target_id, redacted_at__isnull=True)
    kept = about.filter(personal_digest="").count()
    redactable = about.exclude(personal_digest="")
    redacted = redactable.update(target_label="", detail={}, redacted_at=timezone.now())
    return redacted, kept


@transaction.atomic
def rights_case_refer_portal_record(
    *,
    case: AccessRequest,
    reference: str,
    actor: User,
    today: date,
    http_request: HttpRequest | None = None,
) -> DisposalReview:
    """An erasure (Art 17) or restriction (Art 18) case that reaches a record IG Portal itself holds.

    The record is put before the DPO on the disposal list now, ahead of its schedule, linked to the case:
    the DPO then destroys it (erasure) or places a hold on its disposal (restriction: the data is kept but
    not otherwise used, Art 18(2)), through the same workflow and destruction service as any other
    disposal, never by hand. Any record type with a reference can be referred (``DisposalSource.find``);
    a record still open or in force cannot, since it is still needed.
    """
    if not is_ig_team(actor):
        raise PermissionDenied("Only the IG team can refer a record to the DPO for disposal.")
    if case.kind not in (AccessRequestKind.ERASURE, AccessRequestKind.RESTRICTION):
        raise ValidationError("Only an erasure or restriction case can refer a record for disposal.")
    reference = reference.strip().upper()
    found = next(
        (
            (record_type, item)
            for record_type, source in DISPOSAL_SOURCES.items()
            if (item := source.find(reference)) is not None
        ),
        None,
    )
    if found is None:
        raise ValidationError({"reference": NO_SUCH_RECORD})
    record_type, target = found
    if record_type == RecordType.ACCESS_REQUEST and target.object_id == case.pk:
        raise ValidationError({"reference": "A case cannot refer itself: its record is needed to answer it."})
    if not target.finished:
        raise ValidationError(
            {"reference": f"{target.label} is still open or in force: finish it before disposal."}
        )
    rule = RetentionRule.objects.get(record_type=record_type)
    review, created = DisposalReview.objects.get_or_create(
        record_type=record_type,
        object_id=target.object_id,
        defaults={
            "label": target.label[:120],
            "rule": rule,
            "rule_version": rule.version,
            "trigger_date": today,
            "retain_until": today,
            "requested_by_case": case,
        },
    )
    if not created:
        if review.status == DisposalStatus.DESTROYED:
            raise ValidationError({"reference": f"{target.label} has already been destroyed."})
        review.requested_by_case = case
        review.save(update_fields=["requested_by_case", "updated_at"])
    audit_record(
        action="retention.referred_by_rights_case",
        actor=actor,
        target=review,
        request=http_request,
        detail={
            "case": case.reference,
            "kind": case.kind,
            "record": target.label,
            "record_type": record_type,
        },
    )
    return review
