"""The Caldicott Guardian's decision log: the overrides of the engine's advice, filterable."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.workflow import OverrideFilterForm
from requests_app.permissions import can_read_override_log
from requests_app.selectors.overrides import override_log
from requests_app.services.audit import audit_record

OVERRIDE_PAGE_SIZE = 50


@require_GET
def override_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_read_override_log(request.user):
        raise Http404("No such page.")
    form = OverrideFilterForm(request.GET or None)
    filters = {name: value for name, value in form.cleaned_data.items() if value} if form.is_valid() else {}
    page = Paginator(override_log(**filters), OVERRIDE_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        action="override_log.view",
        target_type="override_log",
        request=request,
        detail={name: str(value) for name, value in filters.items()},
    )
    return render(request, "requests_app/override_list.html", {"form": form, "page": page})
