from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.workflow import QueueFilterForm
from requests_app.selectors.queues import QUEUES, queue_requests, queues_for

# A reviewer works from the top; a backlog of hundreds is paged rather than rendered whole, in
# pages as long as the requester's list: the most pressing 25 fill a screen or two.
QUEUE_PAGE_SIZE = 25


@require_GET
def queue(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    chosen = QUEUES.get(slug)
    if chosen is None or chosen not in queues_for(request.user):
        raise Http404("No such queue.")
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    recipient = filters.get("recipient")
    requests = queue_requests(
        chosen,
        purpose=filters.get("purpose", ""),
        urgency=filters.get("urgency", ""),
        recipient_id=recipient.pk if recipient else None,
        older_than_days=filters.get("older_than_days"),
        assigned=filters.get("assigned", ""),
        user=request.user,
    )
    page = Paginator(requests, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "requests_app/queue.html",
        {"queue": chosen, "form": form, "page": page, "now": timezone.now()},
    )
