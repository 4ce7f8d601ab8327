"""The audit trail through the API: the audit page's filter form and selector, for the DPO and auditors."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.api.schema import filter_parameters
from requests_app.api.serializers.audit import AuditEventSerializer
from requests_app.api.views.base import PortalGenericAPIView, acting_user
from requests_app.forms.audit import AuditFilterForm
from requests_app.permissions import can_read_audit_trail
from requests_app.selectors.audit import audit_event_list


class AuditEventListView(PortalGenericAPIView):
    filter_form_class = AuditFilterForm
    serializer_class = AuditEventSerializer

    @extend_schema(
        summary="Audit events, newest first (the DPO and auditors)",
        description=(
            "`action` ending in a dot (`auth.`) matches every action under it. Dates are whole UK days."
        ),
        parameters=filter_parameters(AuditFilterForm),
        responses=AuditEventSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        if not can_read_audit_trail(user):
            raise Http404("No such page.")
        filters = self.filters()
        actor = filters.get("actor")
        events = audit_event_list(
            viewer=user,
            actor_id=actor.pk if actor else None,
            action=filters.get("action") or "",
            target_type=filters.get("target_type") or "",
            target_id=filters.get("target_id") or "",
            occurred_from=filters.get("occurred_from"),
            occurred_to=filters.get("occurred_to"),
        )
        return self.paginated(events, AuditEventSerializer)
