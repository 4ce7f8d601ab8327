"""The incident log through the API: the log page's filter form, selector and checked getter, audited as
the pages audit them."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.api.schema import filter_parameters
from requests_app.api.serializers.incidents import IncidentDetailSerializer, IncidentSerializer
from requests_app.api.views.base import PortalAPIView, PortalGenericAPIView, acting_user
from requests_app.api.views.registers import audit_register_view, selector_filters
from requests_app.forms.registers import IncidentFilterForm
from requests_app.permissions import can_read_registers
from requests_app.selectors.incidents import get_incident_for_user, incident_list
from requests_app.services.audit import audit_record

PK = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class IncidentListView(PortalGenericAPIView):
    filter_form_class = IncidentFilterForm
    serializer_class = IncidentSerializer

    @extend_schema(
        summary="The incident log, ICO reports overdue first (register readers)",
        parameters=filter_parameters(IncidentFilterForm),
        responses=IncidentSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        if not can_read_registers(user):
            raise Http404("No such page.")
        filters = self.filters()
        audit_register_view(request, "incidents", filters)
        incidents = incident_list(user=user, now=timezone.now(), **selector_filters(filters))
        return self.paginated(incidents, IncidentSerializer)


class IncidentDetailView(PortalAPIView):
    @extend_schema(summary="One incident", parameters=[PK], responses=IncidentDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        incident = get_incident_for_user(acting_user(request), pk, http_request=request._request)
        audit_record(action="incident.view", target=incident, request=request._request, detail={"via": "api"})
        return Response(IncidentDetailSerializer(incident).data)
