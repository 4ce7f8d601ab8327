from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from igportal.roles import roles_of


def portal(request: HttpRequest) -> dict[str, object]:
    # Error pages can render before AuthenticationMiddleware has run (a bad Host header, say).
    roles = roles_of(getattr(request, "user", None) or AnonymousUser())
    return {
        "service_name": settings.PORTAL_SERVICE_NAME,
        "user_role_labels": sorted(role.label for role in roles),
        "user_roles": {role.value for role in roles},
    }
