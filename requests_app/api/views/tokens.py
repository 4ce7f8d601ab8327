"""Each person's own API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from igportal.accounts.mfa import is_verified
from requests_app.api.forms import json_object
from requests_app.api.serializers.tokens import (
    ApiTokenCreatedSerializer,
    ApiTokenInputSerializer,
    ApiTokenSerializer,
)
from requests_app.api.views.base import PortalAPIView, PortalGenericAPIView, acting_user
from requests_app.models import ApiToken
from requests_app.selectors.api_tokens import api_tokens_of, get_api_token_for_user
from requests_app.services.api_tokens import api_token_create, api_token_revoke

TOKEN_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class TokenListView(PortalGenericAPIView):
    serializer_class = ApiTokenSerializer

    @extend_schema(
        summary="Your API tokens, newest first (never their secrets)", responses=ApiTokenSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        return self.paginated(api_tokens_of(acting_user(request)), ApiTokenSerializer)

    @extend_schema(
        summary="Create a token: the response holds it, once",
        description=(
            "Only from a signed-in browser session: a token cannot mint other tokens. A write token for an"
            " IG officer, DPO, Caldicott Guardian or SIRO needs a session that has passed MFA."
        ),
        request=ApiTokenInputSerializer,
        responses={201: ApiTokenCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            raise PermissionDenied(
                "Create tokens from your signed-in browser session, not with another token."
            )
        serializer = ApiTokenInputSerializer(data=json_object(request.data))
        serializer.is_valid(raise_exception=True)
        issued = api_token_create(
            user=acting_user(request),
            name=serializer.validated_data["name"],
            scope=serializer.validated_data["scope"],
            expires_in_days=serializer.validated_data["expires_in_days"],
            mfa_verified=is_verified(request._request),
            http_request=request._request,
        )
        created = ApiTokenCreatedSerializer(issued.token, context={"plaintext": issued.plaintext})
        return Response(created.data, status=status.HTTP_201_CREATED)


class TokenDetailView(PortalAPIView):
    @extend_schema(summary="One of your tokens", parameters=[TOKEN_ID], responses=ApiTokenSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ApiTokenSerializer(get_api_token_for_user(acting_user(request), pk)).data)

    @extend_schema(
        summary="Revoke one of your tokens (at once, for good)", parameters=[TOKEN_ID], responses={204: None}
    )
    def delete(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        api_token_revoke(token=get_api_token_for_user(user, pk), actor=user, http_request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
