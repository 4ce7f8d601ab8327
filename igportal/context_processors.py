from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from igportal.roles import roles_of


def portal(request: HttpRequest) -> dict[str, object]:
    roles = roles_of(request.user)
    return {
        "service_name": settings.PORTAL_SERVICE_NAME,
        "user_role_labels": sorted(role.label for role in roles),
        "user_roles": {role.value for role in roles},
    }
