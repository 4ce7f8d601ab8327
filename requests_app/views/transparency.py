"""The public transparency page: what we share routinely, with whom, why and on what basis [002 Rec 19]."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from igportal.accounts.mfa import mfa_not_required
from requests_app.selectors.transparency import (
    NATIONAL_DATA_OPT_OUT_URL,
    published_flows,
    published_organisation,
)


@login_not_required
@mfa_not_required
@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    """Open to anyone, without logging in; it shows only the whitelisted fields of active flows."""
    organisation, dpo = published_organisation()
    return render(
        request,
        "requests_app/transparency.html",
        {
            "flows": published_flows(),
            "organisation": organisation,
            "dpo": dpo,
            "opt_out_url": NATIONAL_DATA_OPT_OUT_URL,
        },
    )
