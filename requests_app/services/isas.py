"""Writes for information sharing agreements: drafting, editing a draft, starting the next version.

State changes (send for approval, approve, terminate, ...) go through ``services.workflow.transition``.
A version comes into force only when every party has signed it (issue 19); the Caldicott Guardian's
approval [004 6.9.3] is our organisation's signature. An agreement in force is never edited: changing it
drafts the next version, which every party signs like the first, and which supersedes it when it comes
into force.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from igportal.client import client_ip
from igportal.dates import short_date
from igportal.people import display_name
from igportal.roles import Role, roles_of
from necessity.rules import DataForm, TransferMethod, label
from requests_app.models import (
    AgreementSignature,
    AgreementStatus,
    AgreementVersion,
    DataFlow,
    DataItemType,
    Organisation,
    OrganisationSettings,
    SharingAgreement,
    SignatureStatus,
)
from requests_app.models.flows import legal_bases
from requests_app.naming import record_name
from requests_app.permissions import can_change_registers
from requests_app.register_workflow import REVIEW_INTERVAL
from requests_app.services.audit import audit_record
from requests_app.services.outbox import outbox_enqueue
from requests_app.services.references import reference_allocate
from requests_app.services.workflow import History, TransitionConflict, record_event, system_transition
from requests_app.signing_links import issue_link, token_for
from requests_app.tasks import notify_agreement_question, send_signature_requests

# The content a version carries besides its partners and data items; copied to the next version, and
# what the API shows of it.
CONTENT_FIELDS: tuple[str, ...] = (
    "purpose",
    "art6",
    "art9",
    "confidentiality_basis",
    "legal_basis_notes",
    "data_subjects",
    "data_form",
    "transfer_method",
    "security_measures",
    "retention",
    "subject_rights",
    "onward_sharing_prohibited",
    "onward_sharing_exceptions",
    "breach_handling",
    "start_on",
    "end_on",
    "review_on",
    "change_summary",
)
# Versions a new version may be drafted from: the one in force, one that ran out (a renewal), or one
# still out for signature (a party declined or asked for a change: the next version asks everyone again).
RENEWABLE = frozenset({AgreementStatus.ACTIVE, AgreementStatus.EXPIRED, AgreementStatus.AWAITING_SIGNATURES})
UNAPPROVED = frozenset(
    {AgreementStatus.DRAFT, AgreementStatus.AWAITING_CALDICOTT, AgreementStatus.AWAITING_SIGNATURES}
)

# The standard template's wording for a new draft [002 Rec 20]; the IG team adapts it per agreement.
STANDARD_SUBJECT_RIGHTS = (
    "Each party publishes a privacy notice that describes this sharing. A request from a data subject to "
    "either party (access, rectification, objection, restriction) is answered by the party that receives "
    "it, which tells the other party's IG lead within 5 working days when the request concerns "
    "information shared under this agreement."
)
STANDARD_BREACH_HANDLING = (
    "A party that becomes aware of a personal data breach involving information shared under this "
    "agreement tells the other party's IG lead within 24 hours, contains it, and records it. The data "
    "controller reports it to the ICO within 72 hours of becoming aware where it is reportable, and "
    "explains and apologises to the people affected."
)
STANDARD_SECURITY = (
    "Information is encrypted in transit and at rest, reaches named staff only on a need-to-know basis, "
    "and is held on systems that meet the Data Security and Protection Toolkit standards."
)


def _require_ig_team(actor: User) -> None:
    if not can_change_registers(actor):
        raise PermissionDenied("Only IG officers and the DPO draft and change sharing agreements.")


def _check_content(content: dict[str, Any], parties: Iterable[Organisation]) -> None:
    errors: dict[str, str] = {}
    start, end, review = content.get("start_on"), content.get("end_on"), content.get("review_on")
    if start and end and end <= start:
        errors["end_on"] = "The end date must come after the start date."
    if start and review and review <= start:
        errors["review_on"] = "The review date must come after the start date."
    if content.get("onward_sharing_prohibited") and str(content.get("onward_sharing_exceptions", "")).strip():
        errors["onward_sharing_exceptions"] = (
            "Onward sharing is prohibited: untick the prohibition to record what onward sharing is agreed."
        )
    if not list(parties):
        errors["parties"] = "Name at least one partner organisation."
    if errors:
        raise ValidationError(errors)


def _apply(
    version: AgreementVersion,
    content: dict[str, Any],
    parties: Iterable[Organisation],
    data_items: Iterable[DataItemType],
) -> None:
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in content.items():
        setattr(version, name, value)
    version.save()
    version.parties.set(list(parties))
    version.data_items.set(list(data_items))


@transaction.atomic
def agreement_create(
    *,
    actor: User,
    title: str,
    parties: Iterable[Organisation],
    data_items: Iterable[DataItemType] = (),
    http_request: HttpRequest | None = None,
    **content: Any,
) -> AgreementVersion:
    """A new agreement and its first version, as a draft."""
    _require_ig_team(actor)
    parties = list(parties)
    _check_content(content, parties)
    agreement = SharingAgreement.objects.create(
        reference=reference_allocate(prefix="ISA", year=timezone.localdate().year),
        title=title.strip(),
        created_by=actor,
    )
    version = AgreementVersion(agreement=agreement, number=1, created_by=actor)
    _apply(version, content, parties, data_items)
    audit_record(
        action="isa.create", actor=actor, target=version, request=http_request, detail={"version": 1}
    )
    return version


@transaction.atomic
def agreement_version_update(
    *,
    version: AgreementVersion,
    actor: User,
    title: str,
    parties: Iterable[Organisation],
    data_items: Iterable[DataItemType] = (),
    http_request: HttpRequest | None = None,
    **content: Any,
) -> AgreementVersion:
    """Change a draft version (and the agreement's title); anything else is changed by a new version."""
    _require_ig_team(actor)
    locked = AgreementVersion.objects.select_for_update().select_related("agreement").get(pk=version.pk)
    if not locked.is_editable:
        raise ValidationError(
            f"{locked.audit_label} is {locked.get_status_display().lower()}: only a draft can be changed."
        )
    parties = list(parties)
    _check_content(content, parties)
    _apply(locked, content, parties, data_items)
    locked.agreement.title = title.strip()
    locked.agreement.save(update_fields=["title"])
    audit_record(action="isa.update", actor=actor, target=locked, request=http_request)
    return locked


@transaction.atomic
def agreement_new_version(
    *,
    agreement: SharingAgreement,
    actor: User,
    title: str,
    parties: Iterable[Organisation],
    data_items: Iterable[DataItemType] = (),
    http_request: HttpRequest | None = None,
    **content: Any,
) -> AgreementVersion:
    """The next version, as a draft with the changes made; the version in force stays as it is."""
    _require_ig_team(actor)
    locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    latest = locked.versions.order_by("-number").first()
    assert latest is not None
    if latest.status not in RENEWABLE:
        raise ValidationError(
            f"Version {latest.number} is {latest.get_status_display().lower()}: "
            "a new version starts from the one in force or one that has expired."
        )
    if not str(content.get("change_summary", "")).strip():
        raise ValidationError({"change_summary": "Say what changes in the new version."})
    parties = list(parties)
    _check_content(content, parties)
    if latest.status == AgreementStatus.AWAITING_SIGNATURES:
        # Its signatures no longer count: the parties are asked to sign the new version instead.
        system_transition(
            latest, "withdraw", comment=f"Version {latest.number + 1} drafted.", caused_by=actor
        )
    version = AgreementVersion(agreement=locked, number=latest.number + 1, created_by=actor)
    _apply(version, content, parties, data_items)
    locked.title = title.strip()
    locked.save(update_fields=["title"])
    audit_record(
        action="isa.new_version",
        actor=actor,
        target=version,
        request=http_request,
        detail={"version": version.number, "from_version": latest.number},
    )
    return version


def version_content(version: AgreementVersion) -> dict[str, Any]:
    """A version's content as form initial data, to start the next version from."""
    content: dict[str, Any] = {name: getattr(version, name) for name in CONTENT_FIELDS}
    content["change_summary"] = ""
    return content


def agreement_draft_for_flow(*, flow: DataFlow, actor: User, today: datetime.date) -> AgreementVersion:
    """A first draft for a flow just registered: what the IG team confirmed for the flow (items, form,
    bases, method, purpose), who it is about and how long it is kept from the request's answers, and the
    standard template's wording for the rest."""
    assessment = flow.request.assessments.order_by("-number").first()
    answers: dict[str, Any] = assessment.answers if assessment is not None else {}
    data = answers.get("data") or {}
    transfer = answers.get("transfer") or {}
    return agreement_create(
        actor=actor,
        title=flow.recipient.name,
        parties=[flow.recipient],
        data_items=list(flow.data_items.all()),
        purpose=flow.purpose,
        art6=flow.art6,
        art9=flow.art9,
        confidentiality_basis=flow.confidentiality_basis,
        data_subjects=data.get("subjects_description", ""),
        data_form=flow.data_form,
        transfer_method=flow.transfer_method,
        security_measures=STANDARD_SECURITY,
        retention=transfer.get("retention_period", ""),
        subject_rights=STANDARD_SUBJECT_RIGHTS,
        onward_sharing_prohibited=True,
        breach_handling=STANDARD_BREACH_HANDLING,
        start_on=today,
        review_on=today + REVIEW_INTERVAL,
    )


# --- the document ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentParty:
    name: str
    kind: str
    ods_code: str


@dataclass(frozen=True)
class DocumentItem:
    name: str
    description: str
    identifying: bool
    special_category: bool


@dataclass(frozen=True)
class DocumentSignature:
    party: str
    name: str
    role: str
    signed_at: datetime.datetime | None
    pdf_sha256: str


@dataclass(frozen=True)
class DocumentVersion:
    number: int
    status: str
    change_summary: str
    approved_on: datetime.date | None


@dataclass(frozen=True)
class IsaDocument:
    """Everything the standard ISA template shows, as plain values (the benchmark builds one directly)."""

    record_name: str
    reference: str
    title: str
    version: int
    status: str
    draft: bool
    our_name: str
    our_ods_code: str
    parties: list[DocumentParty]
    purpose: str
    legal_bases: list[str]
    legal_basis_notes: str
    data_subjects: str
    data_form: str
    items: list[DocumentItem]
    transfer_method: str
    security_measures: str
    retention: str
    subject_rights: str
    onward_sharing_prohibited: bool
    onward_sharing_exceptions: str
    breach_handling: str
    start_on: datetime.date | None
    end_on: datetime.date | None
    review_on: datetime.date | None
    approved_by: str
    approved_on: datetime.date | None
    versions: list[DocumentVersion]
    # The hash of the copy every party signed, and who signed it; empty before it is sent for signature.
    signing_sha256: str = ""
    signatures: tuple[DocumentSignature, ...] = ()
    awaiting_signatures: bool = False


def _labelled(enum: Any, value: str) -> str:
    return label(enum(value)) if value else "Not given"


def agreement_document_name(version: AgreementVersion, *, on: datetime.date) -> str:
    """``20261121 ISA Northshire Community Trust v2`` [000 3.ii]; a draft preview says so."""
    return record_name(
        on=on,
        name=f"ISA {version.agreement.title}",
        record_type="draft" if version.status in UNAPPROVED else "",
        version=version.number,
    )


def agreement_document(version: AgreementVersion, *, today: datetime.date) -> IsaDocument:
    """The document of a version, as its PDF shows it: dated the day it came into force (or today)."""
    portal = OrganisationSettings.load()
    approved_on = timezone.localdate(version.approved_at) if version.approved_at else None
    draft = version.status in UNAPPROVED
    earlier = version.agreement.versions.filter(number__lte=version.number).order_by("number")
    return IsaDocument(
        record_name=agreement_document_name(version, on=approved_on or today),
        reference=version.agreement.reference,
        title=version.agreement.title,
        version=version.number,
        status=version.get_status_display(),
        draft=draft,
        our_name=portal.name,
        our_ods_code=portal.ods_code,
        parties=[
            DocumentParty(party.name, party.get_kind_display(), party.ods_code)
            for party in version.parties.order_by("name")
        ],
        purpose=version.purpose,
        legal_bases=legal_bases(version.art6, version.art9, version.confidentiality_basis),
        legal_basis_notes=version.legal_basis_notes,
        data_subjects=version.data_subjects,
        data_form=_labelled(DataForm, version.data_form),
        items=[
            DocumentItem(item.name, item.description, item.identifying, item.special_category)
            for item in version.data_items.all()
        ],
        transfer_method=_labelled(TransferMethod, version.transfer_method),
        security_measures=version.security_measures,
        retention=version.retention,
        subject_rights=version.subject_rights,
        onward_sharing_prohibited=version.onward_sharing_prohibited,
        onward_sharing_exceptions=version.onward_sharing_exceptions,
        breach_handling=version.breach_handling,
        start_on=version.start_on,
        end_on=version.end_on,
        review_on=version.review_on,
        approved_by=display_name(version.approved_by) if version.approved_by else "",
        approved_on=approved_on,
        versions=[
            DocumentVersion(
                earlier_version.number,
                earlier_version.get_status_display(),
                earlier_version.change_summary,
                timezone.localdate(earlier_version.approved_at) if earlier_version.approved_at else None,
            )
            for earlier_version in earlier
        ],
        signing_sha256=version.signing_sha256,
        awaiting_signatures=version.status == AgreementStatus.AWAITING_SIGNATURES,
        signatures=tuple(
            DocumentSignature(
                party=signature.signed_organisation,
                name=signature.signed_name,
                role=signature.signed_role,
                signed_at=signature.signed_at,
                pdf_sha256=signature.pdf_sha256,
            )
            for signature in version.signatures.filter(status=SignatureStatus.SIGNED).order_by(
                "signed_at", "id"
            )
        ),
    )


# --- signatures --------------------------------------------------------------------------------------

DECLARATION = (
    "I have read this version of the agreement, I am authorised to sign it for my organisation, and my "
    "organisation agrees to share and handle information as it says."
)


def signing_copy_render(*, version: AgreementVersion) -> str:
    """Render the PDF every party signs, once; returns its SHA-256. A second call keeps the first copy."""
    if version.signing_sha256:
        return version.signing_sha256
    document = agreement_document(version, today=timezone.localdate())
    from requests_app.services.documents import agreement_pdf

    pdf = agreement_pdf(document)
    sha256 = hashlib.sha256(pdf).hexdigest()
    stored = ContentFile(pdf, name=f"{uuid.uuid4().hex}.pdf")
    version.signing_copy.save(stored.name, stored, save=False)
    # Conditional: of two renders at once, the first stands and the other's file is left unused.
    if AgreementVersion.objects.filter(pk=version.pk, signing_sha256="").update(
        signing_copy=version.signing_copy.name, signing_sha256=sha256
    ):
        version.signing_sha256 = sha256
    else:
        version.refresh_from_db(fields=["signing_copy", "signing_sha256"])
    return version.signing_sha256


def _link_email(signature: AgreementSignature) -> EmailMessage:
    version = signature.version
    assert signature.signatory is not None and signature.expires_at is not None
    url = settings.PORTAL_BASE_URL + reverse("agreement_sign", args=[token_for(signature)])
    portal = OrganisationSettings.load()
    return EmailMessage(
        subject=f"Please sign {version.audit_label}: {version.agreement.title}",
        body=(
            f"{portal.name} asks you, as {signature.signatory.get_role_display()} of "
            f"{signature.signatory.organisation.name}, to read and sign version {version.number} of the "
            f"information sharing agreement {version.agreement.reference}.\n\n"
            f"Open this link to read it and sign, decline or ask a question (no account is needed). "
            f"It works until {short_date(timezone.localdate(signature.expires_at))} and only for you:\n\n"
            f"{url}\n"
        ),
        to=[signature.signatory.email],
        headers={"Auto-Submitted": "auto-generated"},
    )


def signature_requests_send(*, version_id: int) -> int:
    """The signing copy, then one email per partner link not yet emailed; returns how many were sent.

    Each email is claimed by a conditional update of ``emailed_salt`` before it is handed to the mail
    server, so a task run twice sends each link once.
    """
    version = AgreementVersion.objects.select_related("agreement").get(pk=version_id)
    if version.status != AgreementStatus.AWAITING_SIGNATURES:
        return 0
    signing_copy_render(version=version)
    sent = 0
    waiting = version.signatures.select_related("signatory__organisation", "version__agreement").filter(
        status=SignatureStatus.PENDING, organisation__isnull=False, signatory__isnull=False
    )
    for signature in waiting:
        if signature.emailed_salt == signature.token_salt:
            continue
        claimed = AgreementSignature.objects.filter(
            pk=signature.pk, token_salt=signature.token_salt, status=SignatureStatus.PENDING
        ).update(emailed_salt=signature.token_salt)
        if claimed:
            _link_email(signature).send()
            sent += 1
    return sent


def signature_opened(*, signature: AgreementSignature, http_request: HttpRequest) -> None:
    """Every look at a signing page is audited; the first also records when the link was opened."""
    first = AgreementSignature.objects.filter(pk=signature.pk, opened_at__isnull=True).update(
        opened_at=timezone.now()
    )
    audit_record(
        action="isa.signature_open" if first else "isa.signature_view",
        actor=None,
        target=signature,
        request=http_request,
        detail={"version": signature.version.number},
    )


@dataclass(frozen=True)
class SignatureCheck:
    party: str
    name: str
    signed_at: datetime.datetime | None
    matches: bool


def signatures_verify(*, version: AgreementVersion, pdf: bytes | None = None) -> list[SignatureCheck]:
    """Each signature of the version checked against the hash of the signing copy as stored now, or
    against ``pdf`` (a copy someone holds): ``matches`` is False when the bytes are not what was signed."""
    if pdf is not None:
        actual = hashlib.sha256(pdf).hexdigest()
    elif version.signing_copy:
        with version.signing_copy.open("rb") as stored:
            actual = hashlib.sha256(stored.read()).hexdigest()
    else:
        actual = ""
    return [
        SignatureCheck(
            party=signature.signed_organisation,
            name=signature.signed_name,
            signed_at=signature.signed_at,
            matches=bool(actual) and signature.pdf_sha256 == actual == version.signing_sha256,
        )
        for signature in version.signatures.filter(status=SignatureStatus.SIGNED).order_by("signed_at", "id")
    ]


def _lock(signature: AgreementSignature) -> tuple[AgreementVersion, AgreementSignature]:
    """Lock the version first, then the signature: every signature of one version waits its turn, so the
    one that completes the set sees all the others and brings the version into force exactly once."""
    version = (
        AgreementVersion.objects.select_for_update().select_related("agreement").get(pk=signature.version_id)
    )
    locked = (
        AgreementSignature.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=signature.pk)
    )
    return version, locked


def _still_open(version: AgreementVersion, signature: AgreementSignature) -> None:
    if version.status != AgreementStatus.AWAITING_SIGNATURES or signature.status != SignatureStatus.PENDING:
        raise ValidationError(f"{version.audit_label} is no longer waiting for this signature.")
    if signature.expires_at is not None and signature.expires_at <= timezone.now():
        raise ValidationError("This link has expired: ask the IG team to send a new one.")
    if not version.signing_sha256:
        raise ValidationError("The signing copy is still being prepared: try again in a minute.")


def _check_signature(name: str, role: str, declaration: bool) -> tuple[str, str]:
    errors: dict[str, str] = {}
    name, role = name[:200].strip(), role[:200].strip()
    if not name:
        errors["name"] = "Type your full name to sign."
    if not role:
        errors["role"] = "Give your role, for example Caldicott Guardian."
    if not declaration:
        errors["declaration"] = "Confirm the declaration to sign."
    if errors:
        raise ValidationError(errors)
    return name, role


def _sign(
    version: AgreementVersion,
    signature: AgreementSignature,
    *,
    name: str,
    role: str,
    organisation: str,
    actor: User | None,
    http_request: HttpRequest | None,
) -> None:
    signature.status = SignatureStatus.SIGNED
    signature.version_number = version.number
    signature.pdf_sha256 = version.signing_sha256
    signature.signed_name, signature.signed_role, signature.signed_organisation = name, role, organisation
    signature.signed_by = actor
    signature.signed_at = timezone.now()
    signature.signed_ip = client_ip(http_request) if http_request is not None else None
    signature.save()
    record_event(
        version,
        "signed",
        actor=actor,
        comment=f"{name}, {role}, signed for {organisation}.",
        http_request=http_request,
        detail={"party": organisation, "version": version.number, "sha256": version.signing_sha256},
    )
    waiting = version.signatures.exclude(status__in=[SignatureStatus.SIGNED, SignatureStatus.SUPERSEDED])
    if not waiting.exists():
        system_transition(
            version,
            "come_into_force",
            comment=f"Every party signed version {version.number}.",
            caused_by=actor,
        )


@transaction.atomic
def signature_sign(
    *,
    signature: AgreementSignature,
    name: str,
    role: str,
    declaration: bool,
    http_request: HttpRequest | None,
) -> AgreementSignature:
    """A partner signs through its link: the version it read, with the hash of the copy it was shown."""
    version, locked = _lock(signature)
    _still_open(version, locked)
    name, role = _check_signature(name, role, declaration)
    assert locked.organisation is not None
    _sign(
        version,
        locked,
        name=name,
        role=role,
        organisation=locked.organisation.name,
        actor=None,
        http_request=http_request,
    )
    return locked


def _partner_writes(
    signature: AgreementSignature, text: str, *, field: str, missing: str
) -> tuple[AgreementVersion, AgreementSignature, str]:
    """The version and the locked signature a partner writes on through its link, with what they wrote."""
    version, locked = _lock(signature)
    _still_open(version, locked)
    text = text[:2000].strip()
    if not text:
        raise ValidationError({field: missing})
    assert locked.organisation is not None
    return version, locked, text


def _partner_event(
    version: AgreementVersion,
    signature: AgreementSignature,
    action: str,
    comment: str,
    http_request: HttpRequest | None,
) -> History:
    assert signature.organisation is not None
    party = signature.organisation.name
    return record_event(
        version,
        action,
        actor=None,
        comment=f"{party} {comment}",
        http_request=http_request,
        detail={"party": party, "version": version.number},
    )


@transaction.atomic
def signature_decline(
    *, signature: AgreementSignature, reason: str, http_request: HttpRequest | None
) -> AgreementSignature:
    """A partner declines, saying why; the IG team answers with a new version (or returns it to draft)."""
    version, locked, reason = _partner_writes(
        signature,
        reason,
        field="reason",
        missing="Say why you decline, so that the agreement can be changed.",
    )
    locked.status = SignatureStatus.DECLINED
    locked.decline_reason = reason
    locked.save(update_fields=["status", "decline_reason"])
    _partner_event(version, locked, "signature_declined", f"declined: {reason}", http_request)
    return locked


@transaction.atomic
def signature_question(
    *, signature: AgreementSignature, question: str, http_request: HttpRequest | None
) -> None:
    """A partner asks a question before signing; it is recorded (and audited) on the version, the IG team
    is told in the portal and by email once it commits, and the link still works."""
    version, locked, question = _partner_writes(
        signature, question, field="question", missing="Write your question."
    )
    history = _partner_event(version, locked, "signature_question", f"asks: {question}", http_request)
    outbox_enqueue(notify_agreement_question, history.pk, locked.pk)


def may_sign_for_us(user: User, version: AgreementVersion) -> bool:
    """Our signature is the Caldicott Guardian's [004 6.9.3], never whoever drafted or sent the version."""
    if Role.CALDICOTT_GUARDIAN not in roles_of(user) or version.created_by_id == user.pk:
        return False
    return not version.history.filter(action="send_for_signature", actor=user).exists()


@transaction.atomic
def agreement_sign_ours(
    *, version: AgreementVersion, actor: User, declaration: bool, http_request: HttpRequest | None = None
) -> AgreementSignature:
    """Our Caldicott Guardian signs in the portal, as an approval; the last signature brings it into force."""
    if not may_sign_for_us(actor, version):
        raise PermissionDenied("Only the Caldicott Guardian, who did not draft or send it, signs for us.")
    ours = version.signatures.filter(organisation=None).exclude(status=SignatureStatus.SUPERSEDED).first()
    if ours is None:
        raise ValidationError(f"{version.audit_label} is not waiting for our signature.")
    locked_version, locked = _lock(ours)
    _still_open(locked_version, locked)
    if not declaration:
        raise ValidationError({"declaration": "Confirm the declaration to sign."})
    _sign(
        locked_version,
        locked,
        name=display_name(actor),
        role=Role.CALDICOTT_GUARDIAN.label,
        organisation=OrganisationSettings.load().name,
        actor=actor,
        http_request=http_request,
    )
    return locked


def agreement_approval_sign(
    *, version: AgreementVersion, actor: User, http_request: HttpRequest | None = None
) -> AgreementSignature:
    """The Caldicott Guardian's approval, given as our organisation's signature of the copy rendered now.

    Called by the "approve" move inside its transaction, once every party has been asked; the partners
    sign the same copy through their links, and the last of them brings the version into force.
    """
    signing_copy_render(version=version)
    ours = version.signatures.get(organisation=None, status=SignatureStatus.PENDING)
    locked_version, locked = _lock(ours)
    _sign(
        locked_version,
        locked,
        name=display_name(actor),
        role=Role.CALDICOTT_GUARDIAN.label,
        organisation=OrganisationSettings.load().name,
        actor=actor,
        http_request=http_request,
    )
    return locked


@transaction.atomic
def signature_resend(
    *, signature: AgreementSignature, actor: User, http_request: HttpRequest | None = None
) -> AgreementSignature:
    """A new link for a partner still to sign (expired or lost); the old link stops working at once."""
    _require_ig_team(actor)
    version, locked = _lock(signature)
    if (
        version.status != AgreementStatus.AWAITING_SIGNATURES
        or locked.status != SignatureStatus.PENDING
        or locked.organisation_id is None
    ):
        raise ValidationError("Only a partner's signature still awaited can be asked for again.")
    issue_link(locked)
    audit_record(action="isa.signature_resend", actor=actor, target=locked, request=http_request)
    outbox_enqueue(send_signature_requests, version.pk)
    return locked


# --- the scheduled sweep ----------------------------------------------------------------------------------

EXPIRY_BATCH = 100


def agreements_past_end(*, today: datetime.date) -> list[AgreementVersion]:
    """Versions still in force after their end date, oldest end first, at most one batch."""
    return list(
        AgreementVersion.objects.select_related("agreement")
        .filter(status=AgreementStatus.ACTIVE, end_on__lt=today)
        .order_by("end_on", "id")[:EXPIRY_BATCH]
    )


def agreements_expire(*, today: datetime.date) -> list[AgreementVersion]:
    """Mark as expired every version in force whose end date has passed; a second run finds none.

    Each expiry is its own transaction, so one that someone else changed meanwhile (and so conflicts)
    is skipped without undoing the others.
    """
    expired = []
    for version in agreements_past_end(today=today):
        try:
            system_transition(
                version, "expire", comment=f"The end date, {short_date(version.end_on)}, passed."
            )
        except TransitionConflict:
            continue
        expired.append(version)
    return expired
