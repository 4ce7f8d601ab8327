"""Generated documents: rendered in the sandbox, stored under generated names with their hash."""

from __future__ import annotations

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from igportal.pdf import render_pdf
from necessity.presenters import present_result, summarise_answers
from requests_app.models import DecisionRecord, RequestHistory
from requests_app.naming import record_name


def decision_record_render(*, history_id: int) -> DecisionRecord:
    """The PDF record of one decision; rendering the same decision again returns the stored one."""
    existing = DecisionRecord.objects.filter(decided_by_event_id=history_id).first()
    if existing is not None:
        return existing
    event = RequestHistory.objects.select_related("request", "request__requester", "request__recipient").get(
        pk=history_id
    )
    sharing_request = event.request
    assessment = sharing_request.assessments.order_by("-number").first()
    if assessment is None:
        raise ValueError(f"{sharing_request.reference} has no assessment to record.")
    decided_on = timezone.localtime(event.occurred_at).date()
    version = sharing_request.decision_records.count() + 1
    name = record_name(
        on=decided_on,
        name=sharing_request.reference,
        record_type="Decision record",
        version=version,
        sensitive=True,
    )
    pdf = render_pdf(
        "documents/decision_record.html",
        {
            "document_title": f"Decision record {sharing_request.reference}",
            "record_name": name,
            "sharing_request": sharing_request,
            "decision": event,
            "assessment": assessment,
            "result": present_result(assessment.result),
            "answers": summarise_answers(assessment.answers),
            "signoffs": assessment.signoffs.select_related("signer"),
            "history": sharing_request.history.select_related("actor").filter(
                occurred_at__lte=event.occurred_at
            ),
        },
    )
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
