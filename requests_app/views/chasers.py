from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from igportal.types import AuthenticatedHttpRequest
from requests_app.permissions import can_view_chaser_health
from requests_app.selectors.chasers import chaser_health


@require_GET
def chaser_health_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_chaser_health(request.user):
        raise Http404("No such page.")
    return render(request, "requests_app/chaser_health.html", {"health": chaser_health(now=timezone.now())})
