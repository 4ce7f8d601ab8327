"""One JSON shape for every API error, from DRF, from the services and from Django itself.

``{"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"name": ["..."]}}}``:
``fields`` is always there (empty when the error is not about particular fields); nested fields are
named by their dotted path (``items.nhs_number.justification``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from requests_app.services.workflow import TransitionConflict

API_PREFIX = "/api/"
Fields = dict[str, list[str]]


def error_body(status_code: int, code: str, message: str, fields: Fields | None = None) -> dict[str, Any]:
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


def error_response(
    status_code: int,
    code: str,
    message: str,
    fields: Fields | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(error_body(status_code, code, message, fields), status=status_code, headers=headers)


def _flatten(detail: Any, path: str, fields: Fields, general: list[str]) -> None:
    """DRF's nested error detail as dotted field names; errors not about a field go in ``general``."""
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = str(key)
            if name in {"non_field_errors", NON_FIELD_ERRORS}:
                _flatten(value, path, fields, general)
            else:
                _flatten(value, f"{path}.{name}" if path else name, fields, general)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, Mapping | list):
                _flatten(value, f"{path}[{index}]", fields, general)
            elif path:
                fields.setdefault(path, []).append(str(value))
            else:
                general.append(str(value))
    elif path:
        fields.setdefault(path, []).append(str(detail))
    else:
        general.append(str(detail))


def invalid_response(fields: Fields, general: list[str] | None = None) -> Response:
    messages = general or []
    message = " ".join(messages) if messages else "Check the fields named in this error and try again."
    return error_response(status.HTTP_400_BAD_REQUEST, "invalid", message, fields)


def _django_validation(exc: DjangoValidationError) -> Response:
    if hasattr(exc, "error_dict"):
        fields = {
            name: list(messages) for name, messages in exc.message_dict.items() if name != NON_FIELD_ERRORS
        }
        return invalid_response(fields, list(exc.message_dict.get(NON_FIELD_ERRORS, [])))
    return invalid_response({}, list(exc.messages))


def api_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's exception handler setting: every error the API raises becomes the one error shape."""
    response: Response | None
    if isinstance(exc, TransitionConflict):
        response = error_response(status.HTTP_409_CONFLICT, "conflict", str(exc))
    elif isinstance(exc, DjangoValidationError):
        response = _django_validation(exc)
    elif isinstance(exc, Http404):
        response = error_response(status.HTTP_404_NOT_FOUND, "not_found", str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        response = error_response(
            status.HTTP_403_FORBIDDEN, "permission_denied", str(exc) or "You cannot do that."
        )
    elif isinstance(exc, exceptions.ValidationError):
        fields: Fields = {}
        general: list[str] = []
        _flatten(exc.detail, "", fields, general)
        response = invalid_response(fields, general)
    elif isinstance(exc, exceptions.APIException):
        headers: dict[str, str] = {}
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            headers["WWW-Authenticate"] = auth_header
        wait = getattr(exc, "wait", None)
        if wait:
            headers["Retry-After"] = str(int(wait))
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        response = error_response(exc.status_code, str(code), str(detail), headers=headers)
    else:
        return None
    set_rollback()
    return response


# Django's own error views, for what never reaches a DRF view (unknown /api/ addresses, crashes):
# under /api/ they answer in the same JSON shape; everywhere else they are Django's generic pages.


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(status_code: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(status_code, code, message), status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json(400, "bad_request", "The request could not be understood.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json(403, "permission_denied", "You cannot do that.")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json(404, "not_found", "There is nothing at this API address.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json(500, "server_error", "Sorry, there is a problem with the service. It has been logged.")
    return defaults.server_error(request)
