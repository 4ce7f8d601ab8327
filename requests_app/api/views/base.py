"""What every API view shares: how it is reached, how it audits writes, how it binds forms and lists."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from rest_framework import generics
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from requests_app.api.forms import bind_form
from requests_app.models import ApiToken
from requests_app.services.audit import audit_record

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def acting_user(request: Request) -> User:
    """The authenticated caller (IsAuthenticated has already refused everyone else)."""
    user = request.user
    assert isinstance(user, User)
    return user


class PortalAPIView(APIView):
    """Base of every API view.

    Reached without LoginRequiredMiddleware's redirect and MFARequiredMiddleware's (DRF answers 401 and
    the session authentication 403 ``mfa_required`` instead, as JSON), and every successful write is
    audited with the credential it used, on top of whatever the service itself records.
    """

    # Error statuses this view can answer besides 400, 401, 403 and 404 (for the schema).
    error_statuses: ClassVar[tuple[int, ...]] = ()
    # False for a POST that only computes (the engine's assess): nothing changed, so nothing to audit.
    audit_writes: ClassVar[bool] = True
    # No OPTIONS metadata: the schema documents every operation, and OPTIONS is a 405 like any other
    # method a view does not have.
    metadata_class = None

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        view = super().as_view(**initkwargs)
        view.login_required = False  # type: ignore[attr-defined]
        view.mfa_required = False  # type: ignore[attr-defined]
        return view

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        if getattr(response, "exception", False):
            # Errors are JSON in the one error shape even from a view that renders HTML (the docs page).
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        wrote = self.audit_writes and request.method in UNSAFE_METHODS and response.status_code < 400
        if wrote and request.user.is_authenticated:
            token = request.auth if isinstance(request.auth, ApiToken) else None
            audit_record(
                action="api.write",
                actor=request.user,
                request=request._request,
                detail={
                    "method": request.method,
                    "path": request.path[:200],
                    "status": response.status_code,
                    "credential": f"token {token.prefix}" if token else "session",
                },
            )
        return response


class PortalGenericAPIView(PortalAPIView, generics.GenericAPIView):
    """For lists: a selector's queryset, filtered by the same form the register page uses, paginated."""

    filter_form_class: ClassVar[type[forms.Form] | None] = None

    def filters(self) -> dict[str, Any]:
        """The list's filters, cleaned by ``filter_form_class``; a bad filter is a 400, not an empty list."""
        if self.filter_form_class is None:
            return {}
        params = {key: self.request.query_params.get(key) for key in self.request.query_params}
        params.pop("page", None)
        params.pop("page_size", None)
        form = bind_form(self.filter_form_class, params, partial=True)
        return dict(form.cleaned_data)

    def paginated(
        self, rows: QuerySet[Any], serializer_class: type[BaseSerializer[Any]], **context: Any
    ) -> Response:
        page = self.paginate_queryset(rows)
        assert page is not None, "every list is paginated"
        serializer = serializer_class(page, many=True, context={**self.get_serializer_context(), **context})
        return self.get_paginated_response(serializer.data)
