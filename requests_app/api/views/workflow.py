"""A request's workflow through the API: the same transition service and comment service as the page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.api.forms import bind_form, json_object
from requests_app.api.serializers.common import form_schema
from requests_app.api.serializers.sharing import (
    CommentSerializer,
    SharingRequestDetailSerializer,
    TransitionInputSerializer,
    TransitionOptionSerializer,
)
from requests_app.api.views.base import PortalAPIView, PortalGenericAPIView, acting_user
from requests_app.api.views.sharing import REFERENCE, detail_response, viewed_request
from requests_app.forms.workflow import CommentForm
from requests_app.selectors.sharing import get_sharing_request_for_user
from requests_app.services.workflow import request_comment_add, transition
from requests_app.workflow import available_transitions

CommentInput = form_schema(
    "CommentInput", CommentForm(), doc="A comment; everyone who can see the request reads it."
)


class TransitionsView(PortalAPIView):
    error_statuses = (409,)

    @extend_schema(
        summary="What the caller may do to the request now",
        parameters=[REFERENCE],
        responses=TransitionOptionSerializer(many=True),
    )
    def get(self, request: Request, reference: str) -> Response:
        user = acting_user(request)
        sharing_request = get_sharing_request_for_user(user, reference, http_request=request._request)
        options = [
            {
                "name": t.name,
                "label": t.label,
                "comment_required": t.reason_required,
                "is_decision": t.is_decision,
            }
            for t in available_transitions(user, sharing_request)
        ]
        return Response(TransitionOptionSerializer(options, many=True).data)

    @extend_schema(
        summary="Approve, approve with conditions, request changes, reject, withdraw, start review or close",
        description=(
            "Fired by the workflow service the pages use: it checks who may fire the transition "
            "(segregation of duties included), the request's state and the reasons required. A 409 means "
            "someone else acted first; its message says who and when."
        ),
        parameters=[REFERENCE],
        request=TransitionInputSerializer,
        responses=SharingRequestDetailSerializer,
    )
    def post(self, request: Request, reference: str) -> Response:
        user = acting_user(request)
        sharing_request = get_sharing_request_for_user(user, reference, http_request=request._request)
        serializer = TransitionInputSerializer(data=json_object(request.data))
        serializer.is_valid(raise_exception=True)
        transition(
            sharing_request,
            serializer.validated_data["name"],
            actor=user,
            comment=serializer.validated_data.get("comment", ""),
            conditions=serializer.validated_data.get("conditions", ""),
            http_request=request._request,
        )
        return detail_response(request, sharing_request)


class CommentsView(PortalGenericAPIView):
    serializer_class = CommentSerializer

    @extend_schema(
        summary="The request's comments, oldest first",
        parameters=[REFERENCE],
        responses=CommentSerializer(many=True),
    )
    def get(self, request: Request, reference: str) -> Response:
        sharing_request = viewed_request(request, reference, part="comments")
        rows = sharing_request.comments.select_related("author").order_by("created_at", "id")
        return self.paginated(rows, CommentSerializer)

    @extend_schema(
        summary="Add a comment",
        parameters=[REFERENCE],
        request=CommentInput,
        responses={201: CommentSerializer},
    )
    def post(self, request: Request, reference: str) -> Response:
        user = acting_user(request)
        sharing_request = get_sharing_request_for_user(user, reference, http_request=request._request)
        form = bind_form(CommentForm, json_object(request.data))
        comment = request_comment_add(
            sharing_request=sharing_request,
            author=user,
            body=form.cleaned_data["body"],
            http_request=request._request,
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
