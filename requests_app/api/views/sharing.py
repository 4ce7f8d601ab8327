"""Sharing requests: the list, drafting through the wizard's own step forms, submission and the record."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from necessity.steps import STEPS_BY_NAME, Step, applicable_steps
from requests_app.api.filters import SharingRequestFilterForm
from requests_app.api.forms import bind_form, check_answer_types, json_object
from requests_app.api.renderers import PDFRenderer
from requests_app.api.schema import filter_parameters
from requests_app.api.serializers.sharing import (
    STEP_NAMES,
    HistorySerializer,
    SharingRequestDetailSerializer,
    SharingRequestSerializer,
    StepAnswersSerializer,
)
from requests_app.api.views.base import PortalAPIView, PortalGenericAPIView, acting_user
from requests_app.models import RequestItem, SharingRequest
from requests_app.selectors.sharing import get_sharing_request_for_user, visible_requests
from requests_app.services.audit import audit_record
from requests_app.services.sharing import (
    sharing_request_create,
    sharing_request_save_step,
    sharing_request_submit,
)

REFERENCE = OpenApiParameter(
    "reference", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. ISR-2026-00042"
)
# Steps whose questions are asked about the chosen items; without items there is nothing to ask.
NEEDS_ITEMS = frozenset({"items", "police"})


class StepConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "step_not_applicable"


def viewed_request(request: Request, reference: str, **detail: str) -> SharingRequest:
    """The request, if the caller may see it, its reading audited as the page audits it."""
    sharing_request = get_sharing_request_for_user(
        acting_user(request), reference, http_request=request._request
    )
    audit_record(
        action="request.view",
        target=sharing_request,
        request=request._request,
        detail={"via": "api", **detail},
    )
    return sharing_request


def detail_response(request: Request, sharing_request: SharingRequest, *, status_code: int = 200) -> Response:
    fresh = visible_requests(acting_user(request)).select_related("requester", "recipient", "assigned_to")
    serializer = SharingRequestDetailSerializer(
        fresh.get(pk=sharing_request.pk), context={"request": request}
    )
    return Response(serializer.data, status=status_code)


class SharingRequestListView(PortalGenericAPIView):
    filter_form_class = SharingRequestFilterForm
    serializer_class = SharingRequestSerializer

    @extend_schema(
        summary="Sharing requests the caller may see",
        parameters=filter_parameters(SharingRequestFilterForm),
        responses=SharingRequestSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.filters()
        rows = visible_requests(acting_user(request)).select_related("requester", "recipient")
        if filters.get("status"):
            rows = rows.filter(status=filters["status"])
        if filters.get("purpose"):
            rows = rows.filter(purpose_category=filters["purpose"])
        if filters.get("urgency"):
            rows = rows.filter(urgency=filters["urgency"])
        return self.paginated(rows.order_by("-created_at", "-id"), SharingRequestSerializer)

    @extend_schema(
        summary="Start a draft sharing request (staff requesters)",
        request=None,
        responses={201: SharingRequestDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        created = sharing_request_create(requester=acting_user(request))
        return detail_response(request, created, status_code=status.HTTP_201_CREATED)


class SharingRequestDetailView(PortalAPIView):
    @extend_schema(
        summary="One sharing request, with its latest assessment and what the caller may do",
        parameters=[REFERENCE],
        responses=SharingRequestDetailSerializer,
    )
    def get(self, request: Request, reference: str) -> Response:
        return detail_response(request, viewed_request(request, reference))


STEP = OpenApiParameter("step", OpenApiTypes.STR, OpenApiParameter.PATH, enum=STEP_NAMES)
ANSWERS_BODY = {
    "type": "object",
    "additionalProperties": True,
    "description": (
        "The step's answers as the wizard saves them: the fields of the step's form, named as in"
        " docs/answers.schema.json; yes/no questions are booleans; the `items` step has one object per"
        " data item code ({justification, essential}) and the `caldicott` step one per principle"
        " ({confirmed, evidence}). PUT replaces the step's answers; PATCH changes only the fields given."
    ),
}


class StepAnswersView(PortalAPIView):
    """One wizard step's answers, validated by that step's form exactly as the page validates them."""

    error_statuses = (409,)

    def _load(
        self, request: Request, reference: str, step: str
    ) -> tuple[SharingRequest, Step, list[RequestItem], bool]:
        sharing_request = get_sharing_request_for_user(
            acting_user(request), reference, for_change=True, http_request=request._request
        )
        spec = STEPS_BY_NAME.get(step)
        if spec is None:
            raise Http404("No such step.")
        items = list(sharing_request.items.select_related("item_type"))
        special = any(item.item_type.special_category for item in items)
        applies = spec in applicable_steps(sharing_request.answers, special_category=special)
        return sharing_request, spec, items, applies

    @extend_schema(
        summary="A step's saved answers (the requester, while the request can be changed)",
        parameters=[REFERENCE, STEP],
        responses=StepAnswersSerializer,
    )
    def get(self, request: Request, reference: str, step: str) -> Response:
        sharing_request, spec, _, applies = self._load(request, reference, step)
        return Response(
            StepAnswersSerializer(
                {
                    "step": spec.name,
                    "title": spec.title,
                    "applies": applies,
                    "answers": sharing_request.answers.get(spec.name),
                    "unsaved_input": sharing_request.draft_input.get(spec.name),
                }
            ).data
        )

    @extend_schema(
        summary="Replace a step's answers",
        parameters=[REFERENCE, STEP],
        request={"application/json": ANSWERS_BODY},
        responses=SharingRequestDetailSerializer,
    )
    def put(self, request: Request, reference: str, step: str) -> Response:
        return self._save(request, reference, step, partial=False)

    @extend_schema(
        summary="Change some of a step's answers",
        parameters=[REFERENCE, STEP],
        request={"application/json": ANSWERS_BODY},
        responses=SharingRequestDetailSerializer,
    )
    def patch(self, request: Request, reference: str, step: str) -> Response:
        return self._save(request, reference, step, partial=True)

    def _save(self, request: Request, reference: str, step: str, *, partial: bool) -> Response:
        sharing_request, spec, items, applies = self._load(request, reference, step)
        if not applies:
            raise StepConflict(
                f"The step '{spec.title}' does not apply to this request with the answers saved so far."
            )
        if spec.name in NEEDS_ITEMS and not items:
            raise StepConflict("Save the data step with the data items first.", code="items_first")
        payload = json_object(request.data)
        form_class = spec.form_class
        unbound = form_class(items=items, saved=sharing_request.answers)
        check_answer_types(unbound, payload, rename=form_class.answer_path)
        data: dict[str, Any] = {}
        if partial:
            saved = form_class.initial_from(sharing_request.answers.get(spec.name, {}))
            data = {name: value for name, value in saved.items() if name in unbound.fields}
        data |= form_class.initial_from(payload)
        form = bind_form(
            form_class, data, rename=form_class.answer_path, items=items, saved=sharing_request.answers
        )
        saved_request = sharing_request_save_step(
            sharing_request=sharing_request,
            actor=acting_user(request),
            step=spec.name,
            values=form.to_answers(),
            next_step=spec.name,
        )
        return detail_response(request, saved_request)


class SubmitView(PortalAPIView):
    @extend_schema(
        summary="Submit the draft: freeze the answers and the engine's result, and send it for review",
        parameters=[REFERENCE],
        request=None,
        responses=SharingRequestDetailSerializer,
    )
    def post(self, request: Request, reference: str) -> Response:
        sharing_request = get_sharing_request_for_user(
            acting_user(request), reference, for_change=True, http_request=request._request
        )
        sharing_request_submit(
            sharing_request=sharing_request, actor=acting_user(request), today=timezone.localdate()
        )
        return detail_response(request, sharing_request)


class HistoryView(PortalGenericAPIView):
    serializer_class = HistorySerializer

    @extend_schema(
        summary="The request's workflow history, oldest first",
        parameters=[REFERENCE],
        responses=HistorySerializer(many=True),
    )
    def get(self, request: Request, reference: str) -> Response:
        sharing_request = viewed_request(request, reference, part="history")
        rows = sharing_request.history.select_related("actor").order_by("occurred_at", "id")
        return self.paginated(rows, HistorySerializer)


class DecisionRecordPDFView(PortalAPIView):
    """The latest stored decision record, exactly as the request page hands it out (and audited the same)."""

    renderer_classes = [PDFRenderer, JSONRenderer]

    @extend_schema(
        summary="The decision record PDF of the latest decision",
        parameters=[REFERENCE],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, reference: str) -> FileResponse:
        sharing_request = get_sharing_request_for_user(
            acting_user(request), reference, http_request=request._request
        )
        record = sharing_request.decision_records.order_by("-version").first()
        if record is None:
            raise Http404("No decision has been recorded for this request yet.")
        audit_record(
            action="request.export",
            target=sharing_request,
            request=request._request,
            detail={
                "document": "decision_record",
                "version": record.version,
                "sha256": record.sha256,
                "via": "api",
            },
        )
        return FileResponse(record.file.open("rb"), as_attachment=True, filename=f"{record.name}.pdf")
