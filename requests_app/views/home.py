from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from igportal.types import AuthenticatedHttpRequest
from requests_app.selectors.home import home_sections


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "requests_app/home.html", {"sections": home_sections(request.user)})
