from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.audit import AuditFilterForm
from requests_app.permissions import can_read_audit_trail
from requests_app.selectors.audit import audit_event_list

PAGE_SIZE = 50


@require_GET
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_read_audit_trail(request.user):
        raise Http404("No such page.")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    actor = filters.get("actor")
    events = audit_event_list(
        viewer=request.user,
        actor_id=actor.pk if actor else None,
        action=filters.get("action", ""),
        target_type=filters.get("target_type", ""),
        target_id=filters.get("target_id", ""),
        occurred_from=filters.get("occurred_from"),
        occurred_to=filters.get("occurred_to"),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "requests_app/audit_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )
