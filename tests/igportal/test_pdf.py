from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from igportal.pdf import (
    DOCUMENT_BASE_URL,
    PDFRenderTimeout,
    ResourceRefused,
    SandboxedURLFetcher,
    html_to_pdf,
    render_pdf,
)

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '"><img src="file:///etc/passwd"><link rel="stylesheet" href="http://169.254.169.254/latest/">'


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///work/wt/security/static/css/pdf.css",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://127.0.0.1:8000/static/css/portal.css",
        "https://example.com/style.css",
        "ftp://example.com/x.png",
        f"{DOCUMENT_BASE_URL}static/../../../etc/passwd",
        f"{DOCUMENT_BASE_URL}static/%2e%2e/%2e%2e/etc/passwd",
        f"{DOCUMENT_BASE_URL}static/css/%5c..%5c..%5cetc%5cpasswd",
        f"{DOCUMENT_BASE_URL}media/upload.pdf",
        f"{DOCUMENT_BASE_URL}static/css/missing.css",
        "http://pdf.igportal.invalid/static/css/pdf.css",
    ],
)
def test_the_fetcher_refuses_anything_outside_the_sandbox(url: str) -> None:
    fetcher = SandboxedURLFetcher()
    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    assert fetcher.refused


def test_the_fetcher_reads_our_static_files_from_disk() -> None:
    response = SandboxedURLFetcher().fetch(f"{DOCUMENT_BASE_URL}static/css/pdf.css")
    assert response.read() == (ROOT / "static" / "css" / "pdf.css").read_bytes()
    assert response.content_type == "text/css"


def test_the_fetcher_reads_data_uris() -> None:
    response = SandboxedURLFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


def test_user_supplied_strings_are_escaped_in_documents() -> None:
    html = render_to_string("documents/base.html", {"document_title": HOSTILE})
    assert HOSTILE not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html


def test_a_document_renders_with_only_sandboxed_resources(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="igportal.pdf"):
        pdf = render_pdf("documents/base.html", {"document_title": HOSTILE})
    assert pdf.startswith(b"%PDF-")
    assert "refused" not in caplog.text


def test_a_document_that_reaches_outside_is_rendered_without_it_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    html = (
        '<link rel="stylesheet" href="http://169.254.169.254/latest/meta-data/">'
        '<img src="file:///etc/passwd"><p>Still rendered</p>'
    )
    with caplog.at_level(logging.WARNING, logger="igportal.pdf"):
        pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert "refused a resource outside the sandbox: http://169.254.169.254" in caplog.text
    assert "refused a resource outside the sandbox: file://" in caplog.text
    assert "meta-data" not in caplog.text


def test_rendering_that_runs_too_long_is_stopped() -> None:
    html = "<table>" + "<tr><td>cell</td><td>another cell</td></tr>" * 50_000 + "</table>"
    started = time.monotonic()
    with pytest.raises(PDFRenderTimeout):
        html_to_pdf(html, timeout=0.5)
    assert time.monotonic() - started < 5
