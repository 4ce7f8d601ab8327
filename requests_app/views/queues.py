from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from igportal.types import AuthenticatedHttpRequest
from necessity.rules import Outcome, Risk, label
from requests_app.forms.workflow import BrowseFilterForm, QueueFilterForm
from requests_app.models import RequestStatus
from requests_app.permissions import can_browse_requests
from requests_app.reminders.signoffs import WAITING_STATUSES
from requests_app.selectors.queues import QUEUES, filtered_requests, queue_requests, works_queue
from requests_app.selectors.sharing import visible_requests
from requests_app.waiting import limit_label, waited_too_long

# A reviewer works from the top; a backlog of hundreds is paged rather than rendered whole, in
# pages as long as the requester's list: the most pressing 25 fill a screen or two.
QUEUE_PAGE_SIZE = 25


def _describe(items: Any, *, now: datetime.datetime) -> None:
    """The engine's advice, the risk and whether each request has waited too long for its urgency."""
    working_days = settings.CHASER_SIGNOFF_WORKING_DAYS
    for item in items:
        item.too_long = item.status in WAITING_STATUSES and waited_too_long(
            since=item.submitted_at,
            purpose_category=item.purpose_category,
            urgency=item.urgency,
            now=now,
            routine_working_days=working_days,
        )
        item.wait_limit = limit_label(
            purpose_category=item.purpose_category, urgency=item.urgency, routine_working_days=working_days
        )
        item.outcome_label = label(Outcome(item.engine_outcome)) if item.engine_outcome else ""
        item.risk_label = label(Risk(item.engine_risk)) if item.engine_risk else ""


def _filters(form: QueueFilterForm) -> dict[str, Any]:
    data = form.cleaned_data if form.is_valid() else {}
    recipient = data.get("recipient")
    return {
        "purpose": data.get("purpose", ""),
        "urgency": data.get("urgency", ""),
        "recipient_id": recipient.pk if recipient else None,
        "older_than_days": data.get("older_than_days"),
        "assigned": data.get("assigned", ""),
    }


@require_GET
def request_browse(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every submitted request, for those who read them all (the auditor, read-only, included)."""
    if not can_browse_requests(request.user):
        raise Http404("No such page.")
    form = BrowseFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    visible = visible_requests(request.user).exclude(status=RequestStatus.DRAFT)
    if status:
        visible = visible.filter(status=status)
    requests = filtered_requests(visible, user=request.user, **_filters(form))
    page = Paginator(requests, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    _describe(page.object_list, now=now)
    return render(
        request,
        "requests_app/queue.html",
        {
            "queue": {
                "title": "All sharing requests",
                "description": "Every submitted request, whatever its state.",
            },
            "form": form,
            "page": page,
            "now": now,
            "browsing": True,
        },
    )


@require_GET
def queue(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    chosen = QUEUES.get(slug)
    if chosen is None or not works_queue(chosen, request.user):
        raise Http404("No such queue.")
    form = QueueFilterForm(request.GET or None)
    requests = queue_requests(chosen, user=request.user, **_filters(form))
    page = Paginator(requests, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    _describe(page.object_list, now=now)
    return render(
        request,
        "requests_app/queue.html",
        {"queue": chosen, "form": form, "page": page, "now": now},
    )
