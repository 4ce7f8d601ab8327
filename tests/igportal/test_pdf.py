from __future__ import annotations

import logging
import multiprocessing
import subprocess
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

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


def _render_and_report(connection: Connection) -> None:
    try:
        connection.send(("ok", html_to_pdf("<p>From a pool process</p>")[:5]))
    except Exception as exc:
        connection.send(("error", f"{type(exc).__name__}: {exc}"))


def test_a_daemonic_process_such_as_a_celery_pool_process_can_render() -> None:
    # Celery's prefork pool processes are daemonic; multiprocessing refuses them children, which
    # stopped the forked sandbox this replaced ("daemonic processes are not allowed to have children").
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    pool_process = context.Process(target=_render_and_report, args=(sender,), daemon=True)
    pool_process.start()
    assert receiver.poll(60)
    outcome = receiver.recv()
    pool_process.join(10)
    assert outcome == ("ok", b"%PDF-")


def test_the_renderer_gets_no_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A document that could run code in the renderer would find no key, database or broker address.
    monkeypatch.setenv("SECRET_KEY", "not-for-the-renderer")
    started: list[dict[str, str]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(kwargs["env"])
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", recording_popen)
    assert html_to_pdf("<p>Plain</p>").startswith(b"%PDF-")
    assert len(started) == 1
    assert not {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"} & started[0].keys()
