"""PDF rendering, sandboxed.

Documents are rendered from Django templates (autoescaping on, so every user-supplied
string is HTML-escaped; never pass user text through ``|safe`` or into ``<style>``) by
WeasyPrint in a child process that is killed after ``PDF_RENDER_TIMEOUT`` seconds.
WeasyPrint fetches stylesheets, images and fonts through ``SandboxedURLFetcher``, which
allows only ``data:`` URIs and this project's own static files, read from disk. Every
other URL is refused: ``file://`` (local files), any network address, the cloud
metadata service (169.254.169.254), even this site over HTTP.
"""

from __future__ import annotations

import logging
import mimetypes
import multiprocessing
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils._os import safe_join
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger("igportal.pdf")

# A made-up origin (.invalid never resolves) that relative URLs in documents are joined to;
# the fetcher maps its /static/ paths to files on disk and never opens a connection.
DOCUMENT_ORIGIN = "pdf.igportal.invalid"
DOCUMENT_BASE_URL = f"https://{DOCUMENT_ORIGIN}/"


class PDFRenderError(RuntimeError):
    """The document could not be rendered."""


class PDFRenderTimeout(PDFRenderError):
    """Rendering took longer than allowed and was stopped."""


class ResourceRefused(ValueError):
    """A document asked for a resource outside the sandbox."""


def _describe(url: str) -> str:
    """Scheme and host only: a refused URL's path or query might carry personal data."""
    parts = urlsplit(url)
    return f"{parts.scheme or '?'}://{parts.hostname or ''}" if parts.scheme != "data" else "data:"


def static_file_for(url: str) -> Path | None:
    """The file on disk behind a document's /static/ URL, or None when the URL is not one."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != DOCUMENT_ORIGIN:
        return None
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    path = unquote(parts.path)
    if not path.startswith(prefix) or "\\" in path or "\x00" in path:
        return None
    relative = path[len(prefix) :]
    if not relative or any(part in {"", ".", ".."} for part in relative.split("/")):
        return None
    try:
        found = finders.find(relative)
        if not found and settings.STATIC_ROOT:
            found = safe_join(str(settings.STATIC_ROOT), relative)
    except SuspiciousFileOperation:
        return None
    if not found or not isinstance(found, str):
        return None
    candidate = Path(found).resolve()
    return candidate if candidate.is_file() else None


class SandboxedURLFetcher(URLFetcher):
    """Lets WeasyPrint read data: URIs and our static files; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            response: URLFetcherResponse = super().fetch(url, headers)
            return response
        path = static_file_for(url)
        if path is None:
            self.refused.append(_describe(url))
            raise ResourceRefused(f"PDF sandbox refused {_describe(url)}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def _render_in_child(html: str, connection: Connection) -> None:
    fetcher = SandboxedURLFetcher()
    try:
        pdf = HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=fetcher).write_pdf()
    except Exception as exc:
        connection.send(("error", type(exc).__name__, fetcher.refused))
    else:
        connection.send(("ok", pdf, fetcher.refused))
    finally:
        connection.close()


def html_to_pdf(html: str, *, timeout: float | None = None) -> bytes:
    """Render already-escaped HTML to PDF bytes in a child process with a time limit."""
    limit = float(settings.PDF_RENDER_TIMEOUT if timeout is None else timeout)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_render_in_child, args=(html, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            child.kill()
            raise PDFRenderTimeout(
                f"The document took longer than {limit:g} seconds to render and was stopped."
            )
        try:
            outcome: tuple[str, Any, list[str]] = receiver.recv()
        except EOFError as exc:
            raise PDFRenderError("The document renderer stopped without a result.") from exc
    finally:
        receiver.close()
        child.join(5)
    status, payload, refused = outcome
    for resource in refused:
        logger.warning("PDF rendering refused a resource outside the sandbox: %s", resource)
    if status != "ok":
        raise PDFRenderError(f"The document could not be rendered ({payload}).")
    pdf: bytes = payload
    return pdf


def render_pdf(
    template_name: str,
    context: Mapping[str, Any],
    *,
    request: HttpRequest | None = None,
    timeout: float | None = None,
) -> bytes:
    """Render a template (autoescaped) to PDF bytes; see the module docstring for the sandbox."""
    html = render_to_string(template_name, dict(context), request=request)
    return html_to_pdf(html, timeout=timeout)
