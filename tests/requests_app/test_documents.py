from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from requests_app.models import AuditEvent, RequestStatus, SupportingDocument
from tests.conftest import ClientFor
from tests.factories import make_agreement, make_request

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _upload(client: Client, reference: str, name: str, content: bytes) -> object:
    return client.post(
        reverse("document_upload", args=[reference]), {"file": SimpleUploadedFile(name, content)}
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("police request form.pdf", PDF, "application/pdf"),
        ("scan.png", PNG, "image/png"),
        ("consent.docx", _docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_a_requester_adds_a_document_checked_by_its_content(
    requester: User, client_for: ClientFor, name: str, content: bytes, content_type: str
) -> None:
    request = make_request(requester=requester)
    response = _upload(client_for(requester), request.reference, name, content)
    assert response.status_code == 302  # type: ignore[attr-defined]
    document = SupportingDocument.objects.get()
    assert (document.original_name, document.content_type, document.size) == (
        name,
        content_type,
        len(content),
    )
    # Stored under a generated name: the uploader's file name never reaches the disk.
    assert name.split(".")[0] not in document.file.name
    assert AuditEvent.objects.get(action="request.document_added").detail["sha256"] == document.sha256


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", b"MZ\x90\x00 this is a Windows program"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("notes.pdf", b"just some text pretending to be a PDF"),
        ("archive.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_a_file_whose_content_is_not_an_accepted_type_is_refused(
    requester: User, client_for: ClientFor, name: str, content: bytes
) -> None:
    request = make_request(requester=requester)
    response = _upload(client_for(requester), request.reference, name, content)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Its content is none of these" in response.content.decode()  # type: ignore[attr-defined]
    assert not SupportingDocument.objects.exists()


def test_a_file_over_the_size_limit_is_refused(
    requester: User, client_for: ClientFor, settings: object
) -> None:
    settings.UPLOAD_MAX_BYTES = 2048  # type: ignore[attr-defined]
    request = make_request(requester=requester)
    response = _upload(client_for(requester), request.reference, "big.pdf", PDF + b"0" * 4096)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "The file is too large" in response.content.decode()  # type: ignore[attr-defined]
    assert not SupportingDocument.objects.exists()


def test_a_document_downloads_only_as_an_attachment_to_those_who_see_the_request(
    requester: User, other_requester: User, dpo: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester)
    _upload(client_for(requester), request.reference, "form.pdf", PDF)
    document = SupportingDocument.objects.get()
    url = reverse("document_download", args=[request.reference, document.pk])
    response = client_for(dpo).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="form.pdf"')
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client_for(other_requester).get(url).status_code == 404


def test_a_document_of_another_request_is_not_found_through_this_one(
    requester: User, client_for: ClientFor
) -> None:
    first, second = make_request(requester=requester), make_request(requester=requester)
    _upload(client_for(requester), first.reference, "form.pdf", PDF)
    document = SupportingDocument.objects.get()
    url = reverse("document_download", args=[second.reference, document.pk])
    assert client_for(requester).get(url).status_code == 404


def test_the_auditor_reads_documents_but_adds_none(
    auditor: User, requester: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    assert _upload(client_for(auditor), request.reference, "form.pdf", PDF).status_code == 403  # type: ignore[attr-defined]
    assert not SupportingDocument.objects.exists()


def test_upload_is_post_only(requester: User, client_for: ClientFor) -> None:
    request = make_request(requester=requester)
    assert client_for(requester).get(reverse("document_upload", args=[request.reference])).status_code == 405


def _agreement_upload(client: Client, pk: int, name: str, content: bytes) -> object:
    return client.post(
        reverse("agreement_document_upload", args=[pk]), {"file": SimpleUploadedFile(name, content)}
    )


def test_the_ig_team_attaches_a_signed_copy_to_an_isa_and_readers_download_it(
    ig_officer: User, caldicott: User, requester: User, client_for: ClientFor
) -> None:
    version = make_agreement(author=ig_officer)
    pk = version.agreement_id
    assert _agreement_upload(client_for(ig_officer), pk, "signed.pdf", PDF).status_code == 302  # type: ignore[attr-defined]
    document = SupportingDocument.objects.get(agreement_id=pk)
    assert document.request is None and document.content_type == "application/pdf"
    url = reverse("agreement_document_download", args=[pk, document.pk])
    response = client_for(caldicott).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="signed.pdf"')
    assert client_for(requester).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="isa.document_added").exists()
    assert AuditEvent.objects.filter(action="isa.document_download").exists()


def test_an_isa_document_is_checked_by_content_and_readers_who_may_not_change_it_cannot_add(
    ig_officer: User, caldicott: User, client_for: ClientFor
) -> None:
    pk = make_agreement(author=ig_officer).agreement_id
    refused = _agreement_upload(client_for(ig_officer), pk, "annex.pdf", b"MZ not a pdf")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert _agreement_upload(client_for(caldicott), pk, "annex.pdf", PDF).status_code == 403  # type: ignore[attr-defined]
    assert not SupportingDocument.objects.exists()
