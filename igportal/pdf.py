"""PDF rendering, sandboxed.

Documents are rendered from Django templates (autoescaping on, so every user-supplied
string is HTML-escaped; never pass user text through ``|safe`` or into ``<style>``) by
WeasyPrint in a separate process (see ``html_to_pdf``) that is killed after ``PDF_RENDER_TIMEOUT``
seconds.
WeasyPrint fetches stylesheets, images and fonts through ``SandboxedURLFetcher``, which
allows only ``data:`` URIs and this project's own static files, read from disk. Every
other URL is refused: ``file://`` (local files), any network address, the cloud
metadata service (169.254.169.254), even this site over HTTP.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import os
import subprocess
import sys
import time
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


# The child's environment: enough for Python, fontconfig and its cache; no secret of the parent's.
_CHILD_ENVIRONMENT = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "XDG_CACHE_HOME",
    "FONTCONFIG_FILE",
    "FONTCONFIG_PATH",
)
_CHILD = Path(__file__).with_name("pdf_sandbox.py")


def _send(connection: Connection, header: dict[str, Any], body: bytes | None = None) -> None:
    connection.send_bytes(json.dumps(header).encode())
    if body is not None:
        connection.send_bytes(body)


def _receive(connection: Connection, deadline: float, limit: float) -> bytes:
    if not connection.poll(max(0.0, deadline - time.monotonic())):
        raise PDFRenderTimeout(f"The document took longer than {limit:g} seconds to render and was stopped.")
    try:
        return connection.recv_bytes()
    except EOFError as exc:
        raise PDFRenderError("The document renderer stopped without a result.") from exc


def html_to_pdf(html: str, *, timeout: float | None = None) -> bytes:
    """Render already-escaped HTML to PDF bytes in a child process with a time limit.

    The child is a new interpreter started with ``subprocess`` (``python -I igportal/pdf_sandbox.py``),
    not a fork. A Celery prefork pool process is daemonic, and ``multiprocessing`` refuses to start a
    child from a daemonic process ("daemonic processes are not allowed to have children"), so the
    forked sandbox this replaced never rendered a PDF under a real worker. A started process has no
    such rule, and it is the better sandbox: a fork inherited the parent's memory (the secret key,
    open database and broker connections); the new interpreter gets only the HTML, an environment
    without secrets and no Django at all. Every resource it needs is asked of this process, which
    answers through ``SandboxedURLFetcher``. The cost is an interpreter start and a WeasyPrint import
    per document (under a second), small beside a render and paid in the worker, not in a request.
    """
    limit = float(settings.PDF_RENDER_TIMEOUT if timeout is None else timeout)
    deadline = time.monotonic() + limit
    environment = {name: os.environ[name] for name in _CHILD_ENVIRONMENT if name in os.environ}
    child = subprocess.Popen(  # noqa: S603 - this interpreter running the project's own script, no shell
        [sys.executable, "-I", str(_CHILD)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=environment,
        close_fds=True,
    )
    assert child.stdin is not None and child.stdout is not None
    to_child = Connection(os.dup(child.stdin.fileno()), readable=False)
    from_child = Connection(os.dup(child.stdout.fileno()), writable=False)
    child.stdin.close()
    child.stdout.close()
    fetcher = SandboxedURLFetcher()
    try:
        try:
            _send(to_child, {"base_url": DOCUMENT_BASE_URL})
            to_child.send_bytes(html.encode())
        except BrokenPipeError as exc:
            raise PDFRenderError("The document renderer stopped without a result.") from exc
        while True:
            message = json.loads(_receive(from_child, deadline, limit))
            if "fetch" not in message:
                break
            try:
                response = fetcher.fetch(str(message["fetch"]))
            except ResourceRefused:
                _send(to_child, {"ok": False})
            else:
                _send(to_child, {"ok": True, "content_type": response.content_type or ""}, response.read())
        pdf = _receive(from_child, deadline, limit) if message.get("done") == "ok" else b""
    finally:
        to_child.close()
        from_child.close()
        if child.poll() is None:
            child.kill()
        child.wait(5)
    for resource in fetcher.refused:
        logger.warning("PDF rendering refused a resource outside the sandbox: %s", resource)
    if message.get("done") != "ok":
        raise PDFRenderError(f"The document could not be rendered ({message.get('error', 'unknown error')}).")
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
