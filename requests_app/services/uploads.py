"""Supporting documents: accepted only when their content is one of a few document types.

The type is read from the file's bytes (``puremagic``), never from its name or the browser's claim,
and the stored file gets a generated name with the extension of the type found; the name it downloads
under is the uploader's, cleaned, with that same extension (``x.html`` holding a PNG downloads as
``x.png``). Office files are zip archives: one with macros is refused, and so is one that would expand
to more than ``UPLOAD_MAX_EXPANDED_BYTES`` or more than ``MAX_COMPRESSION_RATIO`` times its size (a zip
bomb), checked by reading every member, so a header that lies about its size does not pass either.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import puremagic
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest

from igportal.roles import is_ig_team
from requests_app.models import Processor, SharingAgreement, SharingRequest, SupportingDocument
from requests_app.permissions import can_change_registers
from requests_app.services.audit import audit_record

# Detected MIME type -> the extension the stored copy gets.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
# An Office file is a zip; which one it is shows in the folder that holds its content.
_OFFICE_FOLDERS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_TYPE_NAMES = "PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx)"
# What marks an Office file as carrying macros (VBA, Excel 4.0 macro sheets) or ActiveX controls.
_MACRO_CONTENT_TYPE = b"macroEnabled"
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "/macrosheets/", "/activex/", "/embeddings/")
# A document's parts compress well, but not by more than this; a zip bomb does.
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 2000
_READ_CHUNK = 64 * 1024


def detect_type(content: bytes) -> str | None:
    """The MIME type the content really is, if it is one we accept; None otherwise."""
    try:
        matches = puremagic.magic_string(content)
    except (puremagic.PureError, ValueError):
        return None
    mimes = {match.mime_type for match in matches}
    if mimes & {"application/pdf", "image/png", "image/jpeg"}:
        return next(mime for mime in ("application/pdf", "image/png", "image/jpeg") if mime in mimes)
    if content.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for folder, mime in _OFFICE_FOLDERS.items():
                if any(name.startswith(folder) for name in names):
                    return mime
    return None


def _harmless(char: str) -> bool:
    # isprintable() drops control and format characters (the bidirectional overrides and isolates
    # among them); the explicit check keeps that true whatever a later Unicode version decides.
    return char.isprintable() and unicodedata.bidirectional(char) not in _BIDI_CONTROLS


_BIDI_CONTROLS = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


def display_name(name: str, mime: str) -> str:
    """The name a document is shown and downloaded under: the uploader's, without folders, control or
    bidirectional characters, ending in the extension of the type its content really is."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(char for char in base if _harmless(char)).strip()
    stem = clean.rsplit(".", 1)[0].strip(" .") if "." in clean else clean
    extension = ALLOWED_TYPES.get(mime, "bin")
    return f"{stem[: 200 - len(extension) - 1] or 'document'}.{extension}"


def _office_problem(content: bytes) -> str | None:
    """Why an Office file (a zip archive) is refused: macros, too many parts, or too much when expanded."""
    limit = settings.UPLOAD_MAX_EXPANDED_BYTES
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            return f"The file has more than {MAX_ZIP_MEMBERS} parts; no document we accept needs that many."
        for member in members:
            lowered = f"/{member.filename.lower()}"
            if any(part in lowered for part in _MACRO_PARTS):
                return "The file contains macros or embedded programs; save it as a plain .docx or .xlsx."
        if _MACRO_CONTENT_TYPE in archive.read("[Content_Types].xml"):
            return "The file contains macros; save it as a plain .docx or .xlsx."
        too_big = (
            f"The file expands to more than {limit // 1048576} MB or {MAX_COMPRESSION_RATIO} times its size"
            " when opened, as a zip bomb does; it is refused."
        )
        ceiling = min(limit, len(content) * MAX_COMPRESSION_RATIO)
        if sum(member.file_size for member in members) > ceiling:
            return too_big
        # The sizes above are what the archive claims; reading every part measures what it holds.
        expanded = 0
        for member in members:
            with archive.open(member) as part:
                while chunk := part.read(_READ_CHUNK):
                    expanded += len(chunk)
                    if expanded > ceiling:
                        return too_big
    return None


def can_add_documents(user: User, sharing_request: SharingRequest) -> bool:
    """Participants add documents: the requester and the IG team; the auditor only reads."""
    return sharing_request.requester_id == user.pk or is_ig_team(user)


def check_upload(upload: UploadedFile) -> tuple[bytes, str, str]:
    """The content, its real type and a display name, or a ValidationError saying what is wrong."""
    limit = settings.UPLOAD_MAX_BYTES
    too_large = ValidationError(
        {"file": f"The file is too large: the most we accept is {limit // 1048576} MB."}
    )
    if upload.size is None or upload.size > limit:
        raise too_large
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise too_large
    if not content:
        raise ValidationError({"file": "The file is empty."})
    mime = detect_type(content)
    if mime is None:
        raise ValidationError({"file": f"The file must be a {_TYPE_NAMES}. Its content is none of these."})
    if content.startswith(b"PK"):
        try:
            problem = _office_problem(content)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, RuntimeError):
            problem = f"The file is damaged; it must be a {_TYPE_NAMES}."
        if problem is not None:
            raise ValidationError({"file": problem})
    return content, mime, display_name(upload.name or "", mime)


def _store(content: bytes, mime: str, original: str, **owner: object) -> SupportingDocument:
    return SupportingDocument.objects.create(
        original_name=original[:200],
        file=ContentFile(content, name=f"{uuid.uuid4().hex}.{ALLOWED_TYPES[mime]}"),
        content_type=mime,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        **owner,
    )


@dataclass(frozen=True, kw_only=True)
class DocumentHolder:
    """What a kind of record that holds supporting documents decides about them."""

    field: str  # the SupportingDocument foreign key that points at it
    audit_prefix: str  # "<prefix>.document_added", "<prefix>.document_download"
    may_add: Callable[[User, Any], bool]
    refusal: str


def _ig_team_keeps(user: User, _holder: object) -> bool:
    return can_change_registers(user)


# The records documents attach to; each says who may add them and how its audit events are named.
DOCUMENT_HOLDERS: dict[type[Model], DocumentHolder] = {
    SharingRequest: DocumentHolder(
        field="request",
        audit_prefix="request",
        may_add=can_add_documents,
        refusal="Only the requester and the IG team add documents to a request.",
    ),
    # A signed copy or an annex of an ISA; the IG team keeps the agreements, so only they add them.
    SharingAgreement: DocumentHolder(
        field="agreement",
        audit_prefix="isa",
        may_add=_ig_team_keeps,
        refusal="Only the IG team adds documents to an information sharing agreement.",
    ),
    # A processor's signed data processing contract [UK GDPR Art 28(3)]; the IG team keeps them.
    Processor: DocumentHolder(
        field="processor",
        audit_prefix="processor",
        may_add=_ig_team_keeps,
        refusal="Only the IG team adds a processor's contract.",
    ),
}

DocumentHolderRecord = SharingRequest | SharingAgreement | Processor


def document_holder(record: DocumentHolderRecord) -> DocumentHolder:
    return DOCUMENT_HOLDERS[type(record)]


@transaction.atomic
def supporting_document_add(
    *,
    holder: DocumentHolderRecord,
    uploaded_by: User,
    upload: UploadedFile,
    http_request: HttpRequest | None = None,
) -> SupportingDocument:
    """A checked upload stored against a request, an ISA or a processor, with its audit event."""
    kind = document_holder(holder)
    if not kind.may_add(uploaded_by, holder):
        raise PermissionDenied(kind.refusal)
    content, mime, original = check_upload(upload)
    document = _store(content, mime, original, **{kind.field: holder}, uploaded_by=uploaded_by)
    audit_record(
        action=f"{kind.audit_prefix}.document_added",
        actor=uploaded_by,
        target=holder,
        request=http_request,
        detail={"document_id": document.pk, "type": mime, "size": len(content), "sha256": document.sha256},
    )
    return document
