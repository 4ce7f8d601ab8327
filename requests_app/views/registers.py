"""What the register pages share: the list page, the CSV export, a move through the workflow, and the
DPO's dashboard."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from requests_app.csv_export import csv_lines
from requests_app.forms.registers import CommentForm
from requests_app.permissions import can_read_registers
from requests_app.register_workflow import RegisterEntry
from requests_app.selectors import dashboard
from requests_app.selectors.registers import PAGE_SIZE
from requests_app.services.audit import audit_record
from requests_app.services.workflow import TransitionConflict, transition, workflow_for

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination


def _plain_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters as the audit trail keeps them: only those set, as text."""
    return {name: str(value) for name, value in filters.items() if value not in ("", None, False)}


def list_page(
    request: AuthenticatedHttpRequest,
    *,
    register: str,
    form: forms.Form,
    filters: dict[str, Any],
    rows: QuerySet[Any] | _SupportsPagination[Any],
    template: str,
    context: dict[str, Any] | None = None,
    decorate: Callable[[list[Any]], Iterable[Any]] | None = None,
) -> HttpResponse:
    """One page of a register, its filters kept in the export link; the viewing is audited."""
    page: Page[Any] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if decorate is not None:
        page.object_list = list(decorate(list(page.object_list)))
    audit_record(
        action="register.view",
        request=request,
        detail={"register": register, "filters": _plain_filters(filters), "page": page.number},
    )
    return render(
        request,
        template,
        {"form": form, "page": page, "export_query": request.GET.urlencode(), **(context or {})},
    )


def csv_export(
    request: AuthenticatedHttpRequest,
    *,
    audit_type: str,
    register: str,
    filters: dict[str, Any],
    rows: QuerySet[Any],
    header: Sequence[str],
    row: Callable[[Any], Sequence[object]],
    decorate: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
) -> StreamingHttpResponse:
    """Stream what the filter shows, every page of it, as CSV; the export is audited with its filters."""
    count = rows.count()
    audit_record(
        action=f"{audit_type}.export",
        request=request,
        detail={"register": register, "filters": _plain_filters(filters), "rows": count},
    )
    entries: Iterable[Any] = rows.iterator(chunk_size=500)
    if decorate is not None:
        entries = decorate(entries)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = StreamingHttpResponse(
        csv_lines(header, (row(entry) for entry in entries)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = attachment(f"{stamp} {register} register.csv")
    return response


def attachment(filename: str) -> str:
    """A Content-Disposition that downloads under ``filename``, encoded for any characters it holds."""
    header = content_disposition_header(as_attachment=True, filename=filename)
    assert header is not None
    return header


def fire(
    request: AuthenticatedHttpRequest,
    entry: RegisterEntry,
    name: str,
    *,
    success_url: str,
    render_page: Callable[[dict[str, Any], int], HttpResponse],
) -> HttpResponse:
    """Apply a register move with its reason; on a problem, the entry's page again with it explained."""
    spec = workflow_for(entry).transitions.get(name)
    if spec is None:
        raise Http404("No such action.")
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        # A refusal (PermissionDenied) is audited by the service, like every refused move.
        transition(
            entry,
            name,
            actor=request.user,
            comment=form.cleaned_data.get("comment", ""),
            http_request=request,
        )
    except TransitionConflict as exc:
        return render_page({"conflict": str(exc)}, 409)
    except ValidationError as exc:
        show_errors(form, exc)
        return render_page({"action_form": form, "failed_action": name}, 400)
    entry.refresh_from_db(fields=["status"])
    messages.success(request, f"{entry.audit_label} is now: {entry.get_status_display()}.")
    return redirect(success_url)


def actions_for(
    request: AuthenticatedHttpRequest, entry: RegisterEntry, *, url: Callable[[str], str]
) -> list[tuple[Any, str]]:
    """The moves the user may make now, each with the address its button posts to."""
    available = workflow_for(entry).available(request.user, entry, today=timezone.localdate())
    return [(spec, url(spec.name)) for spec in available]


@require_GET
def register_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_read_registers(request.user):
        raise Http404("No such page.")
    today, now = timezone.localdate(), timezone.now()
    audit_record(action="register.view", request=request, detail={"register": "dashboard"})
    return render(
        request,
        "requests_app/register_dashboard.html",
        {
            "summaries": dashboard.register_summaries(today=today, now=now),
            "overdue": dashboard.overdue_items(today=today, now=now),
            "charts": dashboard.dashboard_charts(today=today),
            "charts_fresh_minutes": dashboard.CHARTS_FRESH_SECONDS // 60,
        },
    )
