"""The public transparency page: what we share routinely, with whom, why and on what basis [002 Rec 19]."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from igportal.accounts.mfa import mfa_not_required
from requests_app.models import OrganisationSettings
from requests_app.selectors.transparency import published_flows


@login_not_required
@mfa_not_required
@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    """Open to anyone, without logging in; it shows only the whitelisted fields of active flows."""
    return render(
        request,
        "requests_app/transparency.html",
        {"flows": published_flows(), "organisation": OrganisationSettings.load().name},
    )
