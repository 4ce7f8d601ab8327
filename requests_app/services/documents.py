"""Generated documents: rendered in the sandbox, stored under generated names with their hash."""

from __future__ import annotations

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from igportal.pdf import render_pdf
from necessity.presenters import present_result, summarise_answers
from requests_app.models import AgreementDocument, AgreementVersion, DecisionRecord, RequestHistory
from requests_app.naming import record_name
from requests_app.services.isas import UNAPPROVED, IsaDocument, agreement_document
from requests_app.services.overrides import approved_terms
from requests_app.workflow import APPROVED_STATUSES


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
    version = sharing_request.decision_records.count() + 1
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
    signoffs = list(assessment.signoffs.select_related("signer"))
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
