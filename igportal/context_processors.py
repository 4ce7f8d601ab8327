from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from igportal.roles import roles_of
from requests_app.selectors.notifications import unread_count


def portal(request: HttpRequest) -> dict[str, object]:
    # Error pages can render before AuthenticationMiddleware has run (a bad Host header, say).
    roles = roles_of(getattr(request, "user", None) or AnonymousUser())
    context: dict[str, object] = {
        "service_name": settings.PORTAL_SERVICE_NAME,
        "user_role_labels": sorted(role.label for role in roles),
        "user_roles": {role.value for role in roles},
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # One indexed count, run only by pages that show the header.
        context["unread_notifications"] = SimpleLazyObject(lambda: unread_count(user))
    return context
