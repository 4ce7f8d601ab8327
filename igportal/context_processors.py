from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from igportal.roles import roles_of
from requests_app.selectors.notifications import unread_count


def portal(request: HttpRequest) -> dict[str, object]:
    roles = roles_of(request.user)
    context: dict[str, object] = {
        "service_name": settings.PORTAL_SERVICE_NAME,
        "user_role_labels": sorted(role.label for role in roles),
        "user_roles": {role.value for role in roles},
    }
    if request.user.is_authenticated:
        user = request.user
        # One indexed count, run only by pages that show the header.
        context["unread_notifications"] = SimpleLazyObject(lambda: unread_count(user))
    return context
