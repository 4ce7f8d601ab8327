"""What the disposal sweep looks for and what a destruction does, one source per record type.

A source says, for one record type: which records have passed their retention period on ``today``
(``past_period``: the record's id, a label that names nobody, and the date its period runs from), and how
to destroy one (``destroy``). ``services.retention`` does the rest: raising each record for review exactly
once, the DPO's decisions, the destruction record and the audit trail's redaction.

Record types with no source here are on the schedule but are not swept: docs/retention.md lists them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Coalesce, TruncDate

from requests_app.models import (
    AccessRequest,
    AccessRequestClarification,
    AccessRequestHistory,
    AccessRequestStatus,
    ApiToken,
    RecordType,
    RequestStatus,
    RetentionRule,
    RetentionTrigger,
    SupportingDocument,
)
from requests_app.retention_schedule import add_months, retain_until

# What is left of an access request once its personal data is destroyed: kind, status, dates and outcome
# stay, so the register's statistics (how many, how fast, which outcome) still count it.
DESTROYED_TEXT = "Destroyed under the retention schedule"


@dataclass(frozen=True)
class PastPeriod:
    object_id: int
    label: str
    trigger_date: date


@dataclass(frozen=True)
class Destroyed:
    method: str
    documents_deleted: int = 0


class DisposalSource(ABC):
    record_type: RecordType
    # The triggers this source can date; the schedule page says when a rule names another.
    triggers: frozenset[str]

    @abstractmethod
    def past_period(self, *, rule: RetentionRule, today: date) -> Iterator[PastPeriod]:
        """Records whose period (from ``rule``) ended before ``today``; the caller skips reviewed ones."""

    @abstractmethod
    def destroy(self, object_id: int) -> Destroyed:
        """Remove the record's personal data; called inside the destruction's transaction."""

    def _cutoff(self, rule: RetentionRule, today: date) -> date:
        # Trigger dates on or before this may have passed their period; ``retain_until`` decides exactly.
        return add_months(today, -rule.period_months)

    def _passed(self, rule: RetentionRule, today: date, trigger_date: date) -> bool:
        return retain_until(trigger_date, period_months=rule.period_months) < today


class AccessRequestSource(DisposalSource):
    record_type = RecordType.ACCESS_REQUEST
    triggers = frozenset({RetentionTrigger.CLOSURE})

    def past_period(self, *, rule: RetentionRule, today: date) -> Iterator[PastPeriod]:
        rows = (
            AccessRequest.objects.filter(
                status__in=[AccessRequestStatus.RESPONDED, AccessRequestStatus.CLOSED]
            )
            .annotate(ended=Coalesce("responded_on", "withdrawn_on", TruncDate("updated_at")))
            .filter(ended__lte=self._cutoff(rule, today))
            .order_by("ended", "pk")
            .values_list("pk", "reference", "ended")
        )
        for pk, reference, ended in rows:
            if self._passed(rule, today, ended):
                yield PastPeriod(pk, reference, ended)

    def destroy(self, object_id: int) -> Destroyed:
        AccessRequest.objects.filter(pk=object_id).update(
            requester_name=DESTROYED_TEXT,
            requester_email="",
            requester_phone="",
            requester_address="",
            subject_name="",
            description=DESTROYED_TEXT,
            outcome_notes="",
            extension_reason="",
        )
        AccessRequestClarification.objects.filter(access_request_id=object_id).update(question="")
        AccessRequestHistory.objects.filter(access_request_id=object_id).exclude(comment="").update(
            comment=""
        )
        return Destroyed("Personal fields cleared; kind, dates, status and outcome kept for the statistics")


class SupportingDocumentSource(DisposalSource):
    """Documents attached to sharing requests, kept as long as the request from its closure."""

    record_type = RecordType.SUPPORTING_DOCUMENT
    triggers = frozenset({RetentionTrigger.CLOSURE, RetentionTrigger.CREATION})
    _FINAL = (RequestStatus.REJECTED, RequestStatus.WITHDRAWN, RequestStatus.CLOSED, RequestStatus.NOT_SHARED)

    def past_period(self, *, rule: RetentionRule, today: date) -> Iterator[PastPeriod]:
        documents = SupportingDocument.objects.filter(request__isnull=False)
        if rule.trigger == RetentionTrigger.CREATION:
            documents = documents.annotate(since=TruncDate("uploaded_at"))
        else:
            documents = documents.filter(request__status__in=self._FINAL).annotate(
                since=TruncDate(Max("request__history__occurred_at"))
            )
        rows = (
            documents.filter(since__lte=self._cutoff(rule, today))
            .order_by("since", "pk")
            .values_list("pk", "request__reference", "since")
        )
        for pk, reference, since in rows:
            if self._passed(rule, today, since):
                yield PastPeriod(pk, f"Document {pk} of {reference}", since)

    def destroy(self, object_id: int) -> Destroyed:
        document = SupportingDocument.objects.get(pk=object_id)
        # The row goes first: if the transaction rolls back the file is still there; a file whose
        # row is gone is unreachable, and deleted after commit below.
        name, storage = document.file.name, document.file.storage
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))
        return Destroyed("Document and its stored file deleted", documents_deleted=1)


class ApiTokenSource(DisposalSource):
    """Revoked or expired API tokens: only their name, prefix and dates remain to destroy."""

    record_type = RecordType.API_TOKEN
    triggers = frozenset({RetentionTrigger.CLOSURE})

    def past_period(self, *, rule: RetentionRule, today: date) -> Iterator[PastPeriod]:
        rows = (
            ApiToken.objects.annotate(ended=TruncDate(Coalesce("revoked_at", "expires_at")))
            .filter(ended__lte=self._cutoff(rule, today))
            .order_by("ended", "pk")
            .values_list("pk", "prefix", "ended")
        )
        for pk, prefix, ended in rows:
            if self._passed(rule, today, ended):
                yield PastPeriod(pk, f"API token {prefix}", ended)

    def destroy(self, object_id: int) -> Destroyed:
        ApiToken.objects.filter(pk=object_id).delete()
        return Destroyed("Token row deleted")


DISPOSAL_SOURCES: dict[str, DisposalSource] = {
    source.record_type: source
    for source in (AccessRequestSource(), SupportingDocumentSource(), ApiTokenSource())
}
