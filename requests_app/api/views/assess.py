"""The rules engine as a stateless endpoint: answers in, the engine's explained result out."""

from __future__ import annotations

import datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from necessity.assessment import organisation_policy
from necessity.rules import AnswersError, answers_from_dict, assess, result_to_dict
from requests_app.api.exceptions import invalid_response
from requests_app.api.forms import json_object
from requests_app.api.serializers.assess import AssessResultSerializer
from requests_app.api.views.base import PortalAPIView

TODAY = OpenApiParameter(
    "today",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    required=False,
    description="Assess as of this day (consent age depends on it); today when left out.",
)


class AssessView(PortalAPIView):
    """Nothing is stored and nothing changes; it is a POST only because the answers are a JSON body."""

    audit_writes = False

    @extend_schema(
        summary="Run the rules engine on a set of answers",
        description=(
            "The body is the answers object of docs/answers.schema.json (docs/examples/*.json hold worked"
            " examples under their `answers` key). The organisation's policy settings apply, as for a"
            " submitted request. Invalid answers are a 400 whose `fields` are keyed by the answer's path."
        ),
        parameters=[TODAY],
        request={"application/json": {"type": "object", "additionalProperties": True}},
        responses=AssessResultSerializer,
    )
    def post(self, request: Request) -> Response:
        raw_today = request.query_params.get("today")
        today = timezone.localdate()
        if raw_today:
            try:
                today = datetime.date.fromisoformat(raw_today)
            except ValueError:
                return invalid_response({"today": ["Give a date like 2026-11-21."]})
        try:
            answers = answers_from_dict(json_object(request.data))
        except AnswersError as exc:
            fields: dict[str, list[str]] = {}
            general: list[str] = []
            for path, message in exc.errors:
                name = path.removeprefix("$").removeprefix(".")
                if name:
                    fields.setdefault(name, []).append(message)
                else:
                    general.append(message)
            return invalid_response(fields, general)
        result = assess(answers, today=today, policy=organisation_policy().policy)
        return Response(result_to_dict(result))
