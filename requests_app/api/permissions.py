"""The API's own permission: a token's scope. Object permissions are the getters', as on the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from requests_app.models import ApiToken, ApiTokenScope


class TokenScopeAllows(permissions.BasePermission):
    """A read token may only read; a write token and a browser session may do what their user may."""

    message = "This token is read-only: create a write token to make changes."
    code = "token_scope"

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken) or request.method in permissions.SAFE_METHODS:
            return True
        return token.scope == ApiTokenScope.WRITE
