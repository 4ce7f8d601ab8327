"""The OpenAPI schema's shared parts: the error shape on every operation and the two auth schemes."""

from __future__ import annotations

from typing import Any

from django import forms
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from requests_app.api.forms import choice_pairs
from requests_app.api.serializers.errors import ErrorSerializer

ERROR_DESCRIPTIONS = {
    400: "The request is invalid: `fields` names each problem.",
    401: "No credentials, or a token that is unknown, revoked or expired.",
    403: "Not allowed: a read-only token, a missing CSRF token, a session that needs MFA, or an action "
    "this user may not take on an object they can see.",
    404: "No such object, or one this user may not see (the two are not told apart); or no such page.",
    409: "The object moved on since it was read (someone else acted first).",
}
DEFAULT_ERROR_STATUSES = (400, 401, 403, 404)


class PortalAutoSchema(AutoSchema):
    """Adds the documented error responses to every operation; a view adds more in ``error_statuses``."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        component = self.resolve_serializer(ErrorSerializer, "response")
        extra: tuple[int, ...] = getattr(self.view, "error_statuses", ())
        for status_code in sorted({*DEFAULT_ERROR_STATUSES, *extra}):
            responses.setdefault(
                str(status_code),
                {
                    "description": ERROR_DESCRIPTIONS[status_code],
                    "content": {"application/json": {"schema": component.ref}},
                },
            )
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "requests_app.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal API token (`igp_...`) from `/api/v1/tokens/`. Read tokens may only read."
            ),
        }


class PortalSessionScheme(OpenApiAuthenticationExtension):
    target_class = "requests_app.api.authentication.PortalSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        from django.conf import settings

        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The portal's signed-in session; unsafe methods also need the X-CSRFToken header.",
        }


def filter_parameters(form_class: type[forms.Form], **kwargs: Any) -> list[OpenApiParameter]:
    """The query parameters of a list, read off the same filter form that validates them."""
    parameters = []
    for name, field in form_class(**kwargs).fields.items():
        enum = None
        kind: Any = OpenApiTypes.STR
        if isinstance(field, forms.BooleanField):
            kind = OpenApiTypes.BOOL
        elif isinstance(field, forms.ModelChoiceField | forms.IntegerField):
            kind = OpenApiTypes.INT
        elif isinstance(field, forms.DateField):
            kind = OpenApiTypes.DATE
        elif isinstance(field, forms.ChoiceField):
            enum = [value for value, _ in choice_pairs(field) if value != ""]
        description = " ".join(str(part) for part in (field.label, field.help_text) if part)
        parameters.append(
            OpenApiParameter(
                name, kind, OpenApiParameter.QUERY, required=False, enum=enum, description=description
            )
        )
    return parameters
