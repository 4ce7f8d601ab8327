"""Reads of the ISA register: one row per agreement, showing the version in force (or else the latest)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.utils import timezone

from requests_app.models import (
    AgreementSignature,
    AgreementStatus,
    AgreementVersion,
    DataFlow,
    DataFlowStatus,
    SharingAgreement,
    SignatureStatus,
)
from requests_app.permissions import can_change_registers, can_read_agreements
from requests_app.selectors.registers import refuse_change, refuse_unseen
from requests_app.services.audit import audit_record
from requests_app.signing_links import LINK_TOKEN_LENGTH, token_hash

User = AbstractBaseUser | AnonymousUser


def get_agreement_for_user(
    user: User, pk: int, *, for_change: bool = False, http_request: HttpRequest | None = None
) -> SharingAgreement:
    """The agreement, or 404 when the user may not see ISAs; 403 when they may see it but not change it."""
    agreement = (
        SharingAgreement.objects.select_related("created_by").filter(pk=pk).first()
        if can_read_agreements(user)
        else None
    )
    if agreement is None:
        refuse_unseen(user, target_type="isa", label=str(pk), http_request=http_request)
    if for_change and not can_change_registers(user):
        refuse_change(
            user,
            target=agreement,
            wanted="change an information sharing agreement",
            http_request=http_request,
        )
    return agreement


def get_agreement_version_for_user(
    user: User, pk: int, number: int, *, for_change: bool = False, http_request: HttpRequest | None = None
) -> AgreementVersion:
    version = (
        AgreementVersion.objects.select_related("agreement", "created_by", "approved_by")
        .filter(agreement_id=pk, number=number)
        .first()
        if can_read_agreements(user)
        else None
    )
    if version is None:
        refuse_unseen(user, target_type="isa", label=f"{pk} v{number}", http_request=http_request)
    if for_change and not can_change_registers(user):
        refuse_change(
            user, target=version, wanted="change an information sharing agreement", http_request=http_request
        )
    return version


def _annotated(today: datetime.date) -> QuerySet[SharingAgreement]:
    versions = AgreementVersion.objects.filter(agreement=OuterRef("pk"))
    in_force = versions.filter(status=AgreementStatus.ACTIVE)
    latest = versions.order_by("-number")
    running_flows = (
        DataFlow.objects.filter(agreement=OuterRef("pk"))
        .exclude(status=DataFlowStatus.ENDED)
        .values("agreement")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return SharingAgreement.objects.annotate(
        active_version_id=Subquery(in_force.values("pk")[:1]),
        latest_version_id=Subquery(latest.values("pk")[:1]),
        latest_number=Subquery(latest.values("number")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        shown_status=Coalesce(Subquery(in_force.values("status")[:1]), Subquery(latest.values("status")[:1])),
        review_on=Subquery(in_force.values("review_on")[:1]),
        end_on=Subquery(in_force.values("end_on")[:1]),
        flow_count=Coalesce(Subquery(running_flows, output_field=IntegerField()), Value(0)),
        overdue=Case(
            When(review_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    )


def agreement_list(
    *, user: User, today: datetime.date, search: str = "", status: str = "", overdue: bool = False
) -> QuerySet[SharingAgreement]:
    """The register, overdue reviews first; ``status`` is the shown version's (the one in force, or the
    latest). Rows carry ``shown_status``, ``review_on``, ``end_on``, ``flow_count`` and ``overdue``."""
    if not can_read_agreements(user):
        return SharingAgreement.objects.none()
    agreements = _annotated(today)
    if search:
        party = AgreementVersion.objects.filter(agreement=OuterRef("pk"), parties__name__icontains=search)
        agreements = agreements.filter(
            Q(reference__icontains=search) | Q(title__icontains=search) | Exists(party)
        )
    if status:
        agreements = agreements.filter(Q(shown_status=status))
    if overdue:
        agreements = agreements.filter(Q(overdue=True))
    return agreements.order_by("-overdue", F("review_on").asc(nulls_last=True), "-created_at", "-id")


def with_shown_versions(
    agreements: Iterable[SharingAgreement], *, chunk: int = 500
) -> Iterator[SharingAgreement]:
    """Each annotated agreement with ``shown`` set to its shown version and that version's parties;
    two queries per ``chunk`` rows."""
    batch: list[SharingAgreement] = []
    for agreement in agreements:
        batch.append(agreement)
        if len(batch) == chunk:
            yield from _attach(batch)
            batch = []
    yield from _attach(batch)


def _attach(batch: list[SharingAgreement]) -> list[SharingAgreement]:
    if not batch:
        return batch
    ids = [a.active_version_id or a.latest_version_id for a in batch]  # type: ignore[attr-defined]
    versions = AgreementVersion.objects.prefetch_related("parties").in_bulk([i for i in ids if i])
    for agreement, version_id in zip(batch, ids, strict=True):
        agreement.shown = versions.get(version_id)  # type: ignore[attr-defined]
    return batch


def agreements_in_force() -> QuerySet[SharingAgreement]:
    """Agreements with a version in force, for a flow to be put under."""
    return (
        SharingAgreement.objects.filter(versions__status=AgreementStatus.ACTIVE)
        .distinct()
        .order_by("title", "reference")
    )


def get_signature_by_link(token: str, *, http_request: HttpRequest) -> AgreementSignature:
    """The signature a link asks for, or 404, audited, for a token that is unknown (tampered, guessed or
    replaced by a re-send), used, expired, or whose version is no longer waiting for signatures."""
    signature = (
        AgreementSignature.objects.select_related("version__agreement", "organisation", "signatory")
        .filter(token_sha256=token_hash(token))
        .first()
        if len(token) == LINK_TOKEN_LENGTH
        else None
    )
    reason = ""
    if signature is None:
        reason = "unknown"
    elif signature.status != SignatureStatus.PENDING:
        reason = "used"
    elif signature.version.status != AgreementStatus.AWAITING_SIGNATURES:
        reason = "withdrawn"
    elif signature.expires_at is None or signature.expires_at <= timezone.now():
        reason = "expired"
    if reason:
        audit_record(
            action="isa.signature_link_refused",
            actor=None,
            target=signature,
            target_type="isa_signature",
            request=http_request,
            detail={"reason": reason},
        )
        raise Http404("This link does not work: it may have been used, replaced or have expired.")
    assert signature is not None
    return signature
