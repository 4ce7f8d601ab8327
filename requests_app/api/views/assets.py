"""The information asset register, the processors and the record of processing through the API: the pages'
filter forms, selectors and checked getters, audited as the pages audit them."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.api.schema import filter_parameters
from requests_app.api.serializers.assets import (
    AssetDetailSerializer,
    AssetSerializer,
    ProcessorSerializer,
    RopaRowSerializer,
)
from requests_app.api.views.base import PortalAPIView, PortalGenericAPIView, acting_user
from requests_app.api.views.registers import audit_register_view, selector_filters
from requests_app.forms.assets import AssetFilterForm, ProcessorFilterForm, RopaFilterForm
from requests_app.permissions import can_read_assets, can_read_ropa
from requests_app.selectors import assets as selectors
from requests_app.services.audit import audit_record

PK = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class AssetListView(PortalGenericAPIView):
    filter_form_class = AssetFilterForm
    serializer_class = AssetSerializer

    @extend_schema(
        summary="The information asset register (IG team, auditor, SIRO, asset owners)",
        parameters=filter_parameters(AssetFilterForm),
        responses=AssetSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        if not can_read_assets(acting_user(request)):
            raise Http404("No such page.")
        filters = self.filters()
        audit_register_view(request, "assets", filters)
        assets = selectors.asset_list(today=timezone.localdate(), **selector_filters(filters))
        return self.paginated(assets, AssetSerializer)


class AssetDetailView(PortalAPIView):
    @extend_schema(summary="One information asset", parameters=[PK], responses=AssetDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        asset = selectors.get_asset_for_user(acting_user(request), pk, http_request=request._request)
        audit_record(action="asset.view", target=asset, request=request._request, detail={"via": "api"})
        return Response(AssetDetailSerializer(asset).data)


class ProcessorListView(PortalGenericAPIView):
    filter_form_class = ProcessorFilterForm
    serializer_class = ProcessorSerializer

    @extend_schema(
        summary="The processors and their data processing contracts",
        parameters=filter_parameters(ProcessorFilterForm),
        responses=ProcessorSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        if not can_read_assets(acting_user(request)):
            raise Http404("No such page.")
        filters = self.filters()
        audit_register_view(request, "processors", filters)
        return self.paginated(selectors.processor_list(search=filters.get("q") or ""), ProcessorSerializer)


class RopaView(PortalGenericAPIView):
    filter_form_class = RopaFilterForm
    serializer_class = RopaRowSerializer

    @extend_schema(
        summary="The record of processing activities (UK GDPR Art 30), derived from the registers",
        parameters=filter_parameters(RopaFilterForm),
        responses=RopaRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        if not can_read_ropa(acting_user(request)):
            raise Http404("No such page.")
        filters = self.filters()
        audit_register_view(request, "ropa", filters)
        rows: Any = selectors.ropa_rows(**selector_filters(filters))
        page: list[selectors.RopaRow] | None = self.paginate_queryset(rows)
        assert page is not None, "every list is paginated"
        return self.get_paginated_response(RopaRowSerializer(page, many=True).data)
