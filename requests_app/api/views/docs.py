"""The schema and its browsable docs, served from this site only (the CSP allows nothing else)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.api.views.base import PortalAPIView


class SchemaView(PortalAPIView, SpectacularAPIView):
    """The OpenAPI 3 document of this API, for signed-in users and token holders."""


class DocsView(PortalAPIView):
    """Swagger UI from drf-spectacular-sidecar's files and one script of ours: no CDN, no inline code."""

    renderer_classes = [TemplateHTMLRenderer]

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response({}, template_name="api/docs.html")
