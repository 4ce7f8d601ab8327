"""The ISA register through the API: the register page's filter form, selector and checked getters, and
each version's stored PDF handed out and audited exactly as the agreement's page does."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.api.renderers import PDFRenderer
from requests_app.api.schema import filter_parameters
from requests_app.api.serializers.isas import AgreementDetailSerializer, AgreementSerializer
from requests_app.api.views.base import PortalAPIView, PortalGenericAPIView, acting_user
from requests_app.api.views.registers import audit_register_view, selector_filters
from requests_app.forms.registers import AgreementFilterForm
from requests_app.models import AgreementDocument, AgreementStatus, AgreementVersion
from requests_app.permissions import can_read_agreements
from requests_app.selectors.isas import (
    agreement_list,
    get_agreement_for_user,
    get_agreement_version_for_user,
    with_shown_versions,
)
from requests_app.services.audit import audit_record

PK = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH, description="The version number")


class AgreementListView(PortalGenericAPIView):
    filter_form_class = AgreementFilterForm
    serializer_class = AgreementSerializer

    @extend_schema(
        summary="The ISA register, overdue reviews first (those who may read agreements)",
        parameters=filter_parameters(AgreementFilterForm),
        responses=AgreementSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        if not can_read_agreements(user):
            raise Http404("No such page.")
        filters = self.filters()
        audit_register_view(request, "agreements", filters)
        rows = agreement_list(user=user, today=timezone.localdate(), **selector_filters(filters))
        page = self.paginate_queryset(rows)
        assert page is not None, "every list is paginated"
        shown = list(with_shown_versions(page))
        return self.get_paginated_response(AgreementSerializer(shown, many=True).data)


class AgreementDetailView(PortalAPIView):
    @extend_schema(
        summary="One agreement: the version shown (in force, or else the latest) in full, and its versions",
        parameters=[PK],
        responses=AgreementDetailSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        agreement = get_agreement_for_user(acting_user(request), pk, http_request=request._request)
        versions = (
            AgreementVersion.objects.filter(agreement=agreement)
            .select_related("agreement", "approved_by", "document")
            .prefetch_related("parties", "data_items")
        )
        shown = versions.filter(status=AgreementStatus.ACTIVE).first() or versions.order_by("-number").first()
        assert shown is not None
        audit_record(action="isa.view", target=shown, request=request._request, detail={"via": "api"})
        return Response(AgreementDetailSerializer(agreement, context={"shown": shown}).data)


class AgreementPDFView(PortalAPIView):
    """A version's stored PDF, exactly as the agreement's page hands it out (and audited the same)."""

    renderer_classes = [PDFRenderer, JSONRenderer]

    @extend_schema(
        summary="The stored PDF of a version that came into force",
        parameters=[PK, NUMBER],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: int, number: int) -> FileResponse:
        version = get_agreement_version_for_user(
            acting_user(request), pk, number, http_request=request._request
        )
        document = AgreementDocument.objects.filter(version=version).first()
        if document is None:
            raise Http404(
                "This version has no stored PDF: it has not come into force, or is still being rendered."
            )
        audit_record(
            action="isa.export",
            target=version,
            request=request._request,
            detail={"document": "isa", "version": version.number, "sha256": document.sha256, "via": "api"},
        )
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=f"{document.name}.pdf")
