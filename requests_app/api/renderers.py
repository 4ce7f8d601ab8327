"""Renderers for the files the API hands out as they are stored (a view returns a FileResponse)."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import BaseRenderer


class PDFRenderer(BaseRenderer):
    """Lets a client ask for ``application/pdf``; the view streams the stored file, so nothing is rendered."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        # Unreachable by design: a PDF view returns a FileResponse, and its errors are rendered as JSON by
        # the API's exception handler (tested). Reaching here means a view broke that rule.
        raise RuntimeError("A PDF view returned data instead of the stored file.")
