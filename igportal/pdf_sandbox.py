"""The PDF renderer's child process: run as a script by ``igportal.pdf``, never imported by the app.

It imports neither Django nor anything of the project, and starts with an environment that carries
no secrets (no SECRET_KEY, no DATABASE_URL). It reads the document from its parent over stdin and
asks the parent for every resource WeasyPrint wants (except ``data:`` URIs, which carry their own
bytes), so the one place that decides what a document may read is ``SandboxedURLFetcher`` in the
parent. Frames in both directions are ``multiprocessing.connection`` byte frames: a JSON header,
then a body where there is one; nothing is unpickled on either side.
"""

from __future__ import annotations

import json
import os
import sys
from multiprocessing.connection import Connection
from typing import Any


def _send(out: Connection, header: dict[str, Any], body: bytes | None = None) -> None:
    out.send_bytes(json.dumps(header).encode())
    if body is not None:
        out.send_bytes(body)


def main() -> int:
    # Own copies of the descriptors, so nothing WeasyPrint prints can corrupt the frames.
    inbox = Connection(os.dup(0), writable=False)
    out = Connection(os.dup(1), readable=False)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)

    header = json.loads(inbox.recv_bytes())
    html = inbox.recv_bytes().decode()

    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ParentFetcher(URLFetcher):
        """data: URIs here; everything else is the parent's decision (and it reads the file)."""

        def __init__(self) -> None:
            super().__init__(
                timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False
            )

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                response: URLFetcherResponse = super().fetch(url, headers)
                return response
            _send(out, {"fetch": url})
            answer = json.loads(inbox.recv_bytes())
            if not answer["ok"]:
                raise ValueError("PDF sandbox refused a resource")
            return URLFetcherResponse(
                url, body=inbox.recv_bytes(), headers={"Content-Type": answer["content_type"]}
            )

    try:
        pdf = HTML(string=html, base_url=header["base_url"], url_fetcher=ParentFetcher()).write_pdf()
    except Exception as exc:
        _send(out, {"done": "error", "error": type(exc).__name__})
        return 1
    _send(out, {"done": "ok"}, pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
