"""Generated documents: rendered in the sandbox, stored under generated names with their hash."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from igportal.pdf import render_pdf
from necessity.presenters import present_result, summarise_answers
from requests_app import tasks
from requests_app.models import AgreementDocument, AgreementVersion, DecisionRecord, RequestHistory
from requests_app.naming import record_name
from requests_app.services.isas import UNAPPROVED, IsaDocument, agreement_document
from requests_app.services.outbox import outbox_enqueue
from requests_app.services.overrides import approved_terms
from requests_app.workflow import APPROVED_STATUSES, DECIDED_STATUSES


def decision_events(request_id: int | None = None) -> QuerySet[RequestHistory]:
    """The workflow events that decided a request (each owes one decision record), in order."""
    events = RequestHistory.objects.filter(to_status__in=DECIDED_STATUSES).exclude(from_status=F("to_status"))
    if request_id is not None:
        events = events.filter(request_id=request_id)
    return events.order_by("occurred_at", "id")


def decision_is_approval(status: str) -> bool:
    return status in APPROVED_STATUSES


def decision_record_render(*, history_id: int) -> DecisionRecord:
    """The PDF record of one decision; rendering the same decision again returns the stored one."""
    existing = DecisionRecord.objects.filter(decided_by_event_id=history_id).first()
    if existing is not None:
        return existing
    event = RequestHistory.objects.select_related("request", "request__requester", "request__recipient").get(
        pk=history_id
    )
    sharing_request = event.request
    # Numbered by the decision's place among the request's decisions, not by how many records exist
    # yet: a record rendered late (by the sweep) keeps its number, and two renders cannot collide.
    version = decision_events(sharing_request.pk).filter(occurred_at__lte=event.occurred_at).count()
    name, pdf = decision_record_pdf(event, version=version)
    try:
        with transaction.atomic():
            return DecisionRecord.objects.create(
                request=sharing_request,
                decided_by_event=event,
                version=version,
                name=name,
                # Stored under a generated name: the record name carries the reference, not needed on disk.
                file=ContentFile(pdf, name=f"{uuid.uuid4().hex}.pdf"),
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
            )
    except IntegrityError:
        # Another worker stored this decision's record first; theirs stands.
        return DecisionRecord.objects.get(decided_by_event_id=history_id)


def decision_record_pdf(event: RequestHistory, *, version: int) -> tuple[str, bytes]:
    """The record name and PDF bytes of the record of ``event`` (as ``version``), rendered in the sandbox.

    Stores nothing: ``decision_record_render`` stores it, and the benchmark times exactly this.
    """
    sharing_request = event.request
    assessment = sharing_request.assessments.order_by("-number").first()
    if assessment is None:
        raise ValueError(f"{sharing_request.reference} has no assessment to record.")
    decided_on = timezone.localtime(event.occurred_at).date()
    name = record_name(
        on=decided_on,
        name=sharing_request.reference,
        record_type="Decision record",
        version=version,
        sensitive=True,
    )
    signoffs = list(assessment.signoffs.select_related("signer", "on_behalf_of"))
    approved = decision_is_approval(event.to_status)
    pdf = render_pdf(
        "documents/decision_record.html",
        {
            "has_override": any(signoff.override for signoff in signoffs),
            "approved_terms": approved_terms(sharing_request, latest=assessment) if approved else None,
            "document_title": f"Decision record {sharing_request.reference}",
            "record_name": name,
            "sharing_request": sharing_request,
            "decision": event,
            "assessment": assessment,
            "result": present_result(assessment.result),
            "answers": summarise_answers(assessment.answers),
            "signoffs": signoffs,
            "history": sharing_request.history.select_related("actor").filter(
                occurred_at__lte=event.occurred_at
            ),
        },
    )
    return name, pdf


def agreement_pdf(document: IsaDocument) -> bytes:
    """The standard ISA template rendered to PDF bytes in the sandbox (the benchmark times this)."""
    return render_pdf(
        "documents/isa.html",
        {"document_title": f"Information Sharing Agreement: {document.title}", "document": document},
    )


def agreement_document_render(*, version_id: int) -> AgreementDocument:
    """The PDF of a version that came into force; rendering it again returns the stored one."""
    existing = AgreementDocument.objects.filter(version_id=version_id).first()
    if existing is not None:
        return existing
    version = AgreementVersion.objects.select_related("agreement", "approved_by").get(pk=version_id)
    if version.status in UNAPPROVED:
        raise ValueError(f"{version.audit_label} is not approved: preview it instead of storing it.")
    document = agreement_document(version, today=timezone.localdate())
    pdf = agreement_pdf(document)
    try:
        with transaction.atomic():
            return AgreementDocument.objects.create(
                version=version,
                name=document.record_name,
                file=ContentFile(pdf, name=f"{uuid.uuid4().hex}.pdf"),
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
            )
    except IntegrityError:
        # Another worker stored this version's document first; theirs stands.
        return AgreementDocument.objects.get(version_id=version_id)


def agreement_preview_render(*, version: AgreementVersion) -> tuple[str, bytes]:
    """A draft's PDF as it would read, marked as a draft on every page; not stored."""
    document = agreement_document(version, today=timezone.localdate())
    return document.record_name, agreement_pdf(document)


@dataclass(frozen=True)
class MissingDocuments:
    decision_events: list[int]
    agreement_versions: list[int]


def documents_missing(*, now: datetime, batch_size: int) -> MissingDocuments:
    """Decisions and versions in force whose PDF is not stored, older than the grace period (a render
    queued by the change itself may still be under way), oldest first, at most ``batch_size`` of each."""
    before = now - timedelta(seconds=settings.DOCUMENT_SWEEP_GRACE_SECONDS)
    events = (
        decision_events()
        .filter(occurred_at__lt=before)
        .exclude(Exists(DecisionRecord.objects.filter(decided_by_event=OuterRef("pk"))))
        .values_list("pk", flat=True)[:batch_size]
    )
    versions = (
        AgreementVersion.objects.filter(approved_at__lt=before, document__isnull=True)
        .exclude(status__in=UNAPPROVED)
        .order_by("approved_at", "id")
        .values_list("pk", flat=True)[:batch_size]
    )
    return MissingDocuments(decision_events=list(events), agreement_versions=list(versions))


def documents_sweep(*, now: datetime) -> MissingDocuments:
    """Queue a render of every missing decision record and ISA document (a bounded batch).

    Exactly once, however many sweeps run: a render already waiting in the outbox is not queued
    again, and a render that runs twice stores one document (one per decision, one per version).
    """
    missing = documents_missing(now=now, batch_size=settings.DOCUMENT_SWEEP_BATCH_SIZE)
    with transaction.atomic():
        for history_id in missing.decision_events:
            outbox_enqueue(tasks.render_decision_record, history_id)
        for version_id in missing.agreement_versions:
            outbox_enqueue(tasks.render_agreement_document, version_id)
    return missing
