"""Uploads are stored and downloaded under the type their content is, never the name they came with;
Office files with macros and zip bombs are refused before anything is stored."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from requests_app.models import SupportingDocument
from requests_app.services.uploads import display_name
from tests.conftest import ClientFor
from tests.factories import make_request

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX_TYPES = (
    '<Types><Override ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCM_TYPES = '<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'


def office(parts: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(client_for: ClientFor, requester: User, name: str, content: bytes) -> Any:
    request = make_request(requester=requester)
    return client_for(requester).post(
        reverse("document_upload", args=[request.reference]), {"file": SimpleUploadedFile(name, content)}
    )


@pytest.mark.parametrize(
    ("name", "content", "downloads_as"),
    [
        ("x.html", PNG, "x.png"),
        ("report.exe", PDF, "report.pdf"),
        ("photo of ward.PNG", PNG, "photo of ward.png"),
        ("invoice\u202efdp.html", PNG, "invoicefdp.png"),  # a right-to-left override
        ("\u2067isolated\u2069 name\u200f.pdf", PDF, "isolated name.pdf"),
        ("tab\tand\nnewline.pdf", PDF, "tabandnewline.pdf"),
        ("..\\..\\windows\\evil.pdf", PDF, "evil.pdf"),
        (".pdf", PDF, "document.pdf"),
        ("no extension", PDF, "no extension.pdf"),
    ],
)
def test_a_document_downloads_under_its_detected_type_with_the_name_cleaned(
    requester: User, client_for: ClientFor, name: str, content: bytes, downloads_as: str
) -> None:
    response = upload(client_for, requester, name, content)
    assert response.status_code == 302
    document = SupportingDocument.objects.get()
    assert document.original_name == downloads_as
    download = client_for(requester).get(
        reverse("document_download", args=[document.request.reference, document.pk])  # type: ignore[union-attr]
    )
    disposition = download["Content-Disposition"]
    assert disposition == f'attachment; filename="{downloads_as}"'


def test_a_document_stored_before_names_were_cleaned_still_downloads_under_its_type(
    requester: User, client_for: ClientFor
) -> None:
    upload(client_for, requester, "scan.png", PNG)
    document = SupportingDocument.objects.get()
    SupportingDocument.objects.filter(pk=document.pk).update(original_name="x\u202elmth.html")
    download = client_for(requester).get(
        reverse("document_download", args=[document.request.reference, document.pk])  # type: ignore[union-attr]
    )
    assert download["Content-Disposition"] == 'attachment; filename="xlmth.png"'


def test_the_name_keeps_letters_of_any_script() -> None:
    assert display_name("تقرير السلامة.pdf", "application/pdf") == "تقرير السلامة.pdf"
    assert display_name("Zoë's notes.docx.pdf", "application/pdf") == "Zoë's notes.docx.pdf"


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            {"[Content_Types].xml": DOCM_TYPES, "word/document.xml": "<document/>"},
            "contains macros",
        ),
        (
            {
                "[Content_Types].xml": DOCX_TYPES,
                "word/document.xml": "<d/>",
                "word/vbaProject.bin": b"\x00" * 10,
            },
            "contains macros",
        ),
        (
            {
                "[Content_Types].xml": DOCX_TYPES,
                "xl/workbook.xml": "<w/>",
                "xl/macrosheets/sheet1.xml": "<m/>",
            },
            "contains macros",
        ),
        (
            {
                "[Content_Types].xml": DOCX_TYPES,
                "word/document.xml": "<d/>",
                "word/activeX/activeX1.bin": b"1",
            },
            "contains macros",
        ),
    ],
)
def test_an_office_file_with_macros_is_refused(
    requester: User, client_for: ClientFor, parts: dict[str, bytes | str], message: str
) -> None:
    response = upload(client_for, requester, "minutes.docx", office(parts))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SupportingDocument.objects.exists()


def test_a_zip_bomb_dressed_as_a_word_document_is_refused(requester: User, client_for: ClientFor) -> None:
    bomb = office(
        {
            "[Content_Types].xml": DOCX_TYPES,
            "word/document.xml": "<document/>",
            "word/media/padding.xml": b"\x00" * (60 * 1024 * 1024),
        }
    )
    assert len(bomb) < 200 * 1024
    response = upload(client_for, requester, "minutes.docx", bomb)
    assert "as a zip bomb does" in response.content.decode()
    assert not SupportingDocument.objects.exists()


def test_a_zip_whose_headers_understate_its_size_is_measured_by_reading_it(
    requester: User, client_for: ClientFor, settings
) -> None:
    settings.UPLOAD_MAX_EXPANDED_BYTES = 2 * 1024 * 1024
    honest = office(
        {"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<d>" + b"a" * (3 * 1024 * 1024) + b"</d>"},
    )
    # Rewrite the declared size of the big part (local header and central directory) to a small one.
    real = (3 * 1024 * 1024 + 7).to_bytes(4, "little")
    lying = honest.replace(real, (1000).to_bytes(4, "little"))
    assert lying != honest
    response = upload(client_for, requester, "minutes.docx", lying)
    body = response.content.decode()
    assert "zip bomb" in body or "damaged" in body
    assert not SupportingDocument.objects.exists()


def test_an_ordinary_office_file_is_still_accepted(requester: User, client_for: ClientFor) -> None:
    document = office(
        {
            "[Content_Types].xml": DOCX_TYPES,
            "word/document.xml": "<document>" + "text " * 5000 + "</document>",
        }
    )
    response = upload(client_for, requester, "minutes.docx", document)
    assert response.status_code == 302
    assert SupportingDocument.objects.get().original_name == "minutes.docx"
