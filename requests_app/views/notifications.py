from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from igportal.types import AuthenticatedHttpRequest
from requests_app.selectors.notifications import (
    get_notification_for_user,
    notification_thread_rows,
    notification_threads,
)
from requests_app.services import notifications as services

THREADS_PER_PAGE = 20


@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Notifications grouped by what they are about (a request, a register entry), busiest first."""
    page = Paginator(notification_thread_rows(request.user), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    threads = notification_threads(request.user, list(page.object_list))
    return render(request, "requests_app/notification_list.html", {"page": page, "threads": threads})


@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for_user(request.user, pk)
    services.notification_mark_read(notification=notification, user=request.user, now=timezone.now())
    return redirect("notification_list")


@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user, now=timezone.now())
    return redirect("notification_list")
