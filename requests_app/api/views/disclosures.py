"""The disclosure log through the API: the log page's filter form, selector and checked getter, audited
as the pages audit them. Read-only: entries are logged through the pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.api.schema import filter_parameters
from requests_app.api.serializers.disclosures import DisclosureDetailSerializer, DisclosureSerializer
from requests_app.api.views.base import PortalAPIView, PortalGenericAPIView, acting_user
from requests_app.api.views.registers import audit_register_view, selector_filters
from requests_app.forms.registers import DisclosureFilterForm
from requests_app.permissions import can_read_registers, can_see_own_disclosures_and_flows
from requests_app.selectors.disclosures import disclosure_list, get_disclosure_for_user
from requests_app.services.audit import audit_record

PK = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class DisclosureListView(PortalGenericAPIView):
    filter_form_class = DisclosureFilterForm
    serializer_class = DisclosureSerializer

    @extend_schema(
        summary="The disclosure log (register readers; a requester sees the entries for their own requests)",
        parameters=filter_parameters(DisclosureFilterForm),
        responses=DisclosureSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        if not (can_read_registers(user) or can_see_own_disclosures_and_flows(user)):
            raise Http404("No such page.")
        filters = self.filters()
        audit_register_view(request, "disclosures", filters)
        return self.paginated(disclosure_list(user=user, **selector_filters(filters)), DisclosureSerializer)


class DisclosureDetailView(PortalAPIView):
    @extend_schema(
        summary="One entry of the disclosure log", parameters=[PK], responses=DisclosureDetailSerializer
    )
    def get(self, request: Request, pk: int) -> Response:
        disclosure = get_disclosure_for_user(acting_user(request), pk, http_request=request._request)
        audit_record(
            action="disclosure.view", target=disclosure, request=request._request, detail={"via": "api"}
        )
        return Response(DisclosureDetailSerializer(disclosure).data)
