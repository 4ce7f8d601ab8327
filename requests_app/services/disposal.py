"""What the disposal sweep looks for and what a destruction does, one source per record type.

A source says, for one record type: which records have passed their retention period on ``today``
(``past_period``: the record's id, a label that names nobody, and the date its period runs from), and how
to destroy one (``destroy``). ``services.retention`` does the rest: raising each record for review exactly
once, the DPO's decisions, the destruction record and the audit trail's redaction.

Most types are one ``ShellSource`` declaration (below): what finishes a record, the events its period can
run from, its personal fields and those of its dependent rows, and its stored files. Sessions and audit
events have no source: docs/retention.md says why.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Model, Q
from django.db.models.functions import Coalesce, TruncDate

from requests_app.models import (
    AccessRequest,
    AccessRequestClarification,
    AccessRequestHistory,
    AccessRequestStatus,
    AgreementDocument,
    AgreementHistory,
    AgreementSignature,
    AgreementStatus,
    AgreementVersion,
    ApiToken,
    Assessment,
    ConsentWithdrawal,
    ConsentWithdrawalNotice,
    DataFlow,
    DataFlowHistory,
    DataFlowReview,
    DataFlowStatus,
    DecisionRecord,
    Disclosure,
    Dpia,
    DpiaHistory,
    DpiaRisk,
    DpiaStatus,
    Incident,
    IncidentHistory,
    IncidentStatus,
    Notification,
    RecordType,
    RequestComment,
    RequestHistory,
    RequestItem,
    RequestStatus,
    RetentionRule,
    RetentionTrigger,
    SharingAgreement,
    SharingRequest,
    SignOff,
    SupportingDocument,
)
from requests_app.models.notifications import OWED_STATUSES
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
class Found:
    """A record named by its reference, and whether it is finished with (only then can it be disposed of)."""

    object_id: int
    label: str
    finished: bool


@dataclass(frozen=True)
class Destroyed:
    method: str
    documents_deleted: int = 0


class DisposalSource(ABC):
    record_type: RecordType
    # How the audit trail names this type's records (the model's ``audit_type`` or model name).
    audit_type: str
    # The triggers this source can date; the schedule page says when a rule names another.
    triggers: frozenset[str]

    @abstractmethod
    def past_period(self, *, rule: RetentionRule, today: date) -> Iterator[PastPeriod]:
        """Records whose period (from ``rule``) ended before ``today``; the caller skips reviewed ones."""

    @abstractmethod
    def destroy(self, object_id: int) -> Destroyed:
        """Remove the record's personal data; called inside the destruction's transaction."""

    def find(self, reference: str) -> Found | None:
        """The record of this type with ``reference``, for types whose records have one."""
        return None

    def _cutoff(self, rule: RetentionRule, today: date) -> date:
        # Trigger dates on or before this may have passed their period; ``retain_until`` decides exactly.
        return add_months(today, -rule.period_months)

    def _passed(self, rule: RetentionRule, today: date, trigger_date: date) -> bool:
        return retain_until(trigger_date, period_months=rule.period_months) < today


class AccessRequestSource(DisposalSource):
    record_type = RecordType.ACCESS_REQUEST
    audit_type = "access_request"
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

    def find(self, reference: str) -> Found | None:
        case = AccessRequest.objects.filter(reference=reference).first()
        return None if case is None else Found(case.pk, case.reference, not case.is_open)

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
    audit_type = "supportingdocument"
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
        document = SupportingDocument.objects.filter(pk=object_id).first()
        if document is None:
            # Its sharing request's destruction deleted it first, with its file.
            return Destroyed("Already deleted with the sharing request it supported")
        # The row goes first: if the transaction rolls back the file is still there; a file whose
        # row is gone is unreachable, and deleted after commit below.
        name, storage = document.file.name, document.file.storage
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))
        return Destroyed("Document and its stored file deleted", documents_deleted=1)


class ApiTokenSource(DisposalSource):
    """Revoked or expired API tokens: only their name, prefix and dates remain to destroy."""

    record_type = RecordType.API_TOKEN
    audit_type = "api_token"
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


# A generic source: one declaration per record type, the run-from events it can date, the personal fields
# its destruction removes (the rest is the statistical shell the registers go on counting), the personal
# fields of its dependent rows, and the stored files that go with it.


@dataclass(frozen=True)
class Dependents:
    """A record's dependent rows (``link`` looks up its id) and their personal fields."""

    model: type[Model]
    link: str
    blank: Mapping[str, Any]


@dataclass(frozen=True)
class StoredFiles:
    """A record's stored files: their rows are deleted (``delete_rows``) or the file field blanked."""

    model: type[Model]
    link: str
    field: str
    delete_rows: bool


@dataclass(frozen=True)
class ShellSource(DisposalSource):
    record_type: RecordType
    model: type[Model]
    # Which records are finished with: only these can be past their period.
    finished: Q
    # For each run-from event this type supports, the expression that dates it (a date).
    dated_by: Mapping[str, Callable[[], Any]]
    label_field: str
    # The record's personal fields and what they become; every other field stays for the statistics.
    blank: Mapping[str, Any]
    label_prefix: str = ""
    dependents: tuple[Dependents, ...] = ()
    files: tuple[StoredFiles, ...] = ()
    method: str = "Personal fields cleared; type, status and dates kept for the registers' statistics"

    @property
    def triggers(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset(self.dated_by)

    @property
    def audit_type(self) -> str:  # type: ignore[override]
        return str(getattr(self.model, "audit_type", None) or self.model._meta.model_name)

    def past_period(self, *, rule: RetentionRule, today: date) -> Iterator[PastPeriod]:
        rows = (
            self.model._default_manager.filter(self.finished)
            .annotate(since=self.dated_by[rule.trigger]())
            .filter(since__lte=self._cutoff(rule, today))
            .order_by("since", "pk")
            .values_list("pk", self.label_field, "since")
        )
        for pk, label, since in rows:
            if since is not None and self._passed(rule, today, since):
                yield PastPeriod(pk, f"{self.label_prefix}{label}", since)

    def find(self, reference: str) -> Found | None:
        if self.label_field != "reference":
            return None
        records = self.model._default_manager.all()
        pk = records.filter(reference=reference).values_list("pk", flat=True).first()
        if pk is None:
            return None
        return Found(pk, f"{self.label_prefix}{reference}", records.filter(self.finished, pk=pk).exists())

    def destroy(self, object_id: int) -> Destroyed:
        deleted = self._delete_files(object_id)
        self.model._default_manager.filter(pk=object_id).update(**self.blank)
        for dependents in self.dependents:
            dependents.model._default_manager.filter(**{dependents.link: object_id}).update(
                **dependents.blank
            )
        method = self.method + (f"; {deleted} stored document(s) deleted" if deleted else "")
        return Destroyed(method, documents_deleted=deleted)

    def _delete_files(self, object_id: int) -> int:
        names: list[tuple[Any, str]] = []
        for spec in self.files:
            rows = spec.model._default_manager.filter(**{spec.link: object_id})
            for row in rows.exclude(**{spec.field: ""}):
                stored = getattr(row, spec.field)
                names.append((stored.storage, stored.name))
            if spec.delete_rows:
                rows.delete()
            else:
                rows.update(**{spec.field: ""})
        # The rows change first: if the transaction rolls back the files are still there; a file whose
        # row is gone is unreachable, and deleted once the destruction commits.
        for storage, name in names:
            transaction.on_commit(partial(storage.delete, name))
        return len(names)


def _last_history() -> Any:
    # A record is finished with when its last state change happened (closure, end, sign-off, re-review).
    return Coalesce(TruncDate(Max("history__occurred_at")), TruncDate("updated_at"))


def _sent_or_made() -> Any:
    return TruncDate(Coalesce("sent_at", "created_at"))


def _day(field: str) -> Callable[[], Any]:
    return lambda: TruncDate(field)


def _date(field: str) -> Callable[[], Any]:
    return lambda: F(field)


_SR = RequestStatus
_C = RetentionTrigger

SHELL_SOURCES: tuple[ShellSource, ...] = (
    ShellSource(
        record_type=RecordType.SHARING_REQUEST,
        model=SharingRequest,
        finished=Q(status__in=[_SR.REJECTED, _SR.WITHDRAWN, _SR.CLOSED, _SR.NOT_SHARED]),
        dated_by={_C.CLOSURE: _last_history, _C.CREATION: _day("created_at")},
        label_field="reference",
        # Status, purpose, recipient, dates and the engine's outcome stay: the register and statistics
        # count requests by these. What was asked, why, and what people said about it goes.
        blank={"title": DESTROYED_TEXT, "answers": {}, "draft_input": {}},
        dependents=(
            Dependents(RequestItem, "request_id", {"justification": ""}),
            Dependents(Assessment, "request_id", {"answers": {}}),
            Dependents(SignOff, "request_id", {"conditions": "", "reasons": ""}),
            Dependents(RequestComment, "request_id", {"body": DESTROYED_TEXT}),
            Dependents(RequestHistory, "request_id", {"comment": ""}),
        ),
        files=(
            StoredFiles(SupportingDocument, "request_id", "file", delete_rows=True),
            # The decision record's row stays (its name, hash and size show a decision was recorded);
            # its PDF, which repeats the request, goes.
            StoredFiles(DecisionRecord, "request_id", "file", delete_rows=False),
        ),
    ),
    ShellSource(
        record_type=RecordType.DISCLOSURE,
        model=Disclosure,
        finished=Q(),
        dated_by={_C.CLOSURE: _date("disclosed_on"), _C.CREATION: _day("recorded_at")},
        label_field="reference",
        blank={
            "information": DESTROYED_TEXT,
            "refusal_rationale": "",
            "police_officer": "",
            "police_reference": "",
            "police_requested": "",
            "police_given": "",
            "notes": "",
            "items": [],
            "departures": [],
            "departure_reason": "",
        },
    ),
    ShellSource(
        record_type=RecordType.DATA_FLOW,
        model=DataFlow,
        finished=Q(status=DataFlowStatus.ENDED),
        dated_by={
            _C.AGREEMENT_END: _last_history,
            _C.CLOSURE: _last_history,
            _C.CREATION: _day("created_at"),
        },
        label_field="reference",
        blank={"purpose": DESTROYED_TEXT, "notes": "", "reassessment_reason": ""},
        dependents=(
            Dependents(DataFlowReview, "flow_id", {"note": DESTROYED_TEXT}),
            Dependents(DataFlowHistory, "flow_id", {"comment": ""}),
        ),
    ),
    ShellSource(
        record_type=RecordType.ISA,
        model=SharingAgreement,
        # An agreement is over when no version of it is in force or on its way to being so.
        finished=Q(versions__isnull=False)
        & ~Q(
            pk__in=AgreementVersion.objects.filter(
                status__in=[
                    AgreementStatus.DRAFT,
                    AgreementStatus.AWAITING_CALDICOTT,
                    AgreementStatus.AWAITING_SIGNATURES,
                    AgreementStatus.ACTIVE,
                ]
            ).values("agreement_id")
        ),
        dated_by={
            _C.AGREEMENT_END: lambda: Coalesce(
                Max("versions__end_on"), TruncDate(Max("versions__history__occurred_at"))
            ),
            _C.CREATION: _day("created_at"),
        },
        label_field="reference",
        blank={},
        dependents=(
            Dependents(
                AgreementVersion,
                "agreement_id",
                {"data_subjects": "", "legal_basis_notes": "", "onward_sharing_exceptions": ""},
            ),
            Dependents(
                AgreementSignature,
                "version__agreement_id",
                {"signed_name": DESTROYED_TEXT, "signed_ip": None, "decline_reason": ""},
            ),
            Dependents(AgreementHistory, "version__agreement_id", {"comment": ""}),
        ),
        files=(
            StoredFiles(AgreementDocument, "version__agreement_id", "file", delete_rows=True),
            StoredFiles(AgreementVersion, "agreement_id", "signing_copy", delete_rows=False),
        ),
        method="Signatories' names, data subjects and notes cleared and documents deleted; parties, "
        "dates and status kept for the register",
    ),
    ShellSource(
        record_type=RecordType.DPIA,
        model=Dpia,
        finished=Q(status__in=[DpiaStatus.SIGNED_OFF, DpiaStatus.NOT_REQUIRED]),
        dated_by={
            _C.LAST_REVIEW: _last_history,
            _C.CLOSURE: _last_history,
            _C.CREATION: _day("created_at"),
        },
        label_field="reference",
        blank={
            "processing_description": DESTROYED_TEXT,
            "necessity_assessment": DESTROYED_TEXT,
            "dpo_advice": "",
            "siro_comment": "",
        },
        dependents=(
            Dependents(DpiaRisk, "dpia_id", {"description": DESTROYED_TEXT, "mitigation": ""}),
            Dependents(DpiaHistory, "dpia_id", {"comment": ""}),
        ),
    ),
    ShellSource(
        record_type=RecordType.INCIDENT,
        model=Incident,
        finished=Q(status=IncidentStatus.CLOSED),
        dated_by={_C.CLOSURE: _last_history, _C.CREATION: _day("created_at")},
        label_field="reference",
        # Kind, category, risk scores, dates and whether it was reported stay for the statistics.
        blank={
            "description": DESTROYED_TEXT,
            "reportability_reason": "",
            "actions": "",
            "explanation": "",
            "not_informed_reason": "",
        },
        dependents=(Dependents(IncidentHistory, "incident_id", {"comment": ""}),),
    ),
    ShellSource(
        record_type=RecordType.CONSENT_WITHDRAWAL,
        model=ConsentWithdrawal,
        # Finished with once every recipient has been told [001 s6]: until then it is live work.
        finished=~Q(
            pk__in=ConsentWithdrawalNotice.objects.filter(notified_at__isnull=True).values("withdrawal_id")
        ),
        dated_by={_C.CLOSURE: _date("withdrawn_on"), _C.CREATION: _day("recorded_at")},
        label_field="reference",
        blank={"subject_reference": "", "notes": ""},
        dependents=(Dependents(ConsentWithdrawalNotice, "withdrawal_id", {"email": "", "told_how": ""}),),
    ),
    ShellSource(
        record_type=RecordType.NOTIFICATION,
        model=Notification,
        # Only once it is no longer owed: a notification still being emailed is live.
        finished=~Q(status__in=list(OWED_STATUSES)),
        dated_by={
            _C.CREATION: _day("created_at"),
            _C.CLOSURE: _sent_or_made,
        },
        label_field="pk",
        label_prefix="Notification ",
        blank={"subject": DESTROYED_TEXT, "body": "", "link": "", "email": "", "last_error": ""},
    ),
)

DISPOSAL_SOURCES: dict[str, DisposalSource] = {
    source.record_type: source
    for source in (AccessRequestSource(), SupportingDocumentSource(), ApiTokenSource(), *SHELL_SOURCES)
}
