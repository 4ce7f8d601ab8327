from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed LoginRequiredMiddleware: ``user`` is a real, logged-in user."""

    user: User
