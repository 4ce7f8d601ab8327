"""The data flow register through the API: the register page's filter form, selector and checked getter,
audited as the pages audit them."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.api.schema import filter_parameters
from requests_app.api.serializers.flows import DataFlowDetailSerializer, DataFlowSerializer
from requests_app.api.views.base import PortalAPIView, PortalGenericAPIView, acting_user
from requests_app.api.views.registers import audit_register_view, selector_filters
from requests_app.forms.registers import FlowFilterForm
from requests_app.models import DataFlow
from requests_app.permissions import (
    can_change_registers,
    can_read_registers,
    can_see_own_disclosures_and_flows,
)
from requests_app.selectors.flows import flow_list, get_flow_for_user
from requests_app.services.audit import audit_record

PK = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class DataFlowListView(PortalGenericAPIView):
    filter_form_class = FlowFilterForm
    serializer_class = DataFlowSerializer

    @extend_schema(
        summary="The data flow register (register readers; a requester sees the flows of their own requests)",
        parameters=filter_parameters(FlowFilterForm),
        responses=DataFlowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        if not (can_read_registers(user) or can_see_own_disclosures_and_flows(user)):
            raise Http404("No such page.")
        filters = self.filters()
        audit_register_view(request, "data_flows", filters)
        flows = flow_list(user=user, today=timezone.localdate(), **selector_filters(filters))
        return self.paginated(flows, DataFlowSerializer)


class DataFlowDetailView(PortalAPIView):
    @extend_schema(
        summary="One data flow, with its reviews", parameters=[PK], responses=DataFlowDetailSerializer
    )
    def get(self, request: Request, pk: int) -> Response:
        flow = get_flow_for_user(acting_user(request), pk, http_request=request._request)
        audit_record(action="data_flow.view", target=flow, request=request._request, detail={"via": "api"})
        fresh = (
            DataFlow.objects.select_related("request", "recipient", "asset_owner", "agreement")
            .prefetch_related("data_items", "reviews__reviewed_by")
            .get(pk=flow.pk)
        )
        internal = can_change_registers(acting_user(request))
        return Response(DataFlowDetailSerializer(fresh, context={"show_internal_notes": internal}).data)
