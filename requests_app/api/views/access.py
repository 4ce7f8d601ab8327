"""The access request register through the API: the register page's filter form, the case forms and
the access services, so a case is validated the same way whichever door it comes in by."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.access_workflow import PERSON_MOVES
from requests_app.api.forms import bind_form, json_object
from requests_app.api.schema import filter_parameters
from requests_app.api.serializers.access import (
    AccessRequestDetailSerializer,
    AccessRequestSerializer,
    AccessTransitionInputSerializer,
)
from requests_app.api.serializers.common import form_schema
from requests_app.api.views.base import PortalAPIView, PortalGenericAPIView, acting_user
from requests_app.api.views.registers import audit_register_view
from requests_app.forms.access import TRANSITION_FORMS, AccessRequestFilterForm, AccessRequestForm
from requests_app.models import AccessRequest
from requests_app.permissions import can_change_access_requests, can_view_access_requests
from requests_app.selectors.access import access_request_list, get_access_request_for_user
from requests_app.services.access import (
    access_request_create,
    access_request_transition,
    access_request_update,
)
from requests_app.services.audit import audit_record

PK = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
AccessRequestInput = form_schema(
    "AccessRequestInput",
    AccessRequestForm(),
    doc="A new case, as the register's 'log a request' page takes it.",
)
AccessRequestChanges = form_schema(
    "AccessRequestChanges",
    AccessRequestForm(instance=AccessRequest(kind="deceased")),
    doc="Changes to a case's details (not its type). Fees apply to SAR and deceased person's records only, "
    "'recent_records_only' to deceased person's records only.",
)
for _field in AccessRequestChanges._declared_fields.values():
    _field.required = False


def _as_json(value: Any) -> Any:
    """A form's initial value as the JSON the API accepts for it."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    return value


def _detail(case: AccessRequest) -> dict[str, Any]:
    fresh = AccessRequest.objects.select_related("handler").prefetch_related("clarifications").get(pk=case.pk)
    return AccessRequestDetailSerializer(fresh).data


class AccessRequestListView(PortalGenericAPIView):
    filter_form_class = AccessRequestFilterForm
    serializer_class = AccessRequestSerializer

    @extend_schema(
        summary="The access request register (IG officers, the DPO and auditors)",
        parameters=filter_parameters(AccessRequestFilterForm),
        responses=AccessRequestSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        if not can_view_access_requests(user):
            raise Http404("No such page.")
        filters = self.filters()
        audit_register_view(request, "access requests", filters)
        cases = access_request_list(
            user=user,
            today=timezone.localdate(),
            search=filters.get("q") or "",
            kind=filters.get("kind") or "",
            status=filters.get("status") or "",
            handler=filters.get("handler"),
            due_within=filters.get("due_within"),
            overdue=bool(filters.get("overdue")),
        )
        return self.paginated(cases, AccessRequestSerializer)

    @extend_schema(
        summary="Log a new case (IG officers and the DPO)",
        request=AccessRequestInput,
        responses={201: AccessRequestDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        user = acting_user(request)
        if not can_view_access_requests(user):
            raise Http404("No such page.")
        if not can_change_access_requests(user):
            raise PermissionDenied(
                "Only IG officers and the Data Protection Officer can change access requests."
            )
        form = bind_form(AccessRequestForm, json_object(request.data))
        case = access_request_create(actor=user, http_request=request._request, **form.cleaned_data)
        return Response(_detail(case), status=status.HTTP_201_CREATED)


class AccessRequestDetailView(PortalAPIView):
    @extend_schema(
        summary="One case, with its due date and how it was worked out",
        parameters=[PK],
        responses=AccessRequestDetailSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        case = get_access_request_for_user(acting_user(request), pk)
        audit_record(
            action="access_request.view", target=case, request=request._request, detail={"via": "api"}
        )
        return Response(_detail(case))

    @extend_schema(
        summary="Change a case's details; only the fields given change",
        parameters=[PK],
        request=AccessRequestChanges,
        responses=AccessRequestDetailSerializer,
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        case = get_access_request_for_user(user, pk, for_change=True)
        payload = json_object(request.data)
        unbound = AccessRequestForm(instance=case)
        current = {
            name: _as_json(unbound.get_initial_for_field(field, name))
            for name, field in unbound.fields.items()
        }
        form = bind_form(AccessRequestForm, {**current, **payload}, instance=case)
        updated = access_request_update(
            case=case, actor=user, http_request=request._request, **form.cleaned_data
        )
        return Response(_detail(updated))


class AccessTransitionView(PortalAPIView):
    @extend_schema(
        summary=(
            "Record a move of the case: identity asked or verified, clarification, extension, response, close"
        ),
        parameters=[PK],
        request=AccessTransitionInputSerializer,
        responses=AccessRequestDetailSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        case = get_access_request_for_user(user, pk, for_change=True)
        payload = dict(json_object(request.data))
        name = payload.pop("name", None)
        if not isinstance(name, str) or name not in PERSON_MOVES:
            raise ValidationError({"name": [f"Choose one of: {', '.join(PERSON_MOVES)}."]})
        form = bind_form(TRANSITION_FORMS[name], payload, case=case)
        updated = access_request_transition(
            case, name, actor=user, http_request=request._request, **form.cleaned_data
        )
        return Response(_detail(updated))
