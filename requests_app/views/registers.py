"""What the register pages share: the list page, the CSV export, a move through the workflow, the create,
detail and transition pages of a register (``RegisterPages``), and the DPO's dashboard."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from requests_app.csv_export import csv_lines
from requests_app.forms.registers import CommentForm
from requests_app.permissions import can_change_registers, can_read_registers
from requests_app.register_workflow import RegisterEntry
from requests_app.selectors import dashboard
from requests_app.selectors.registers import PAGE_SIZE, refuse_action
from requests_app.services.audit import audit_record
from requests_app.services.workflow import TransitionConflict, transition, workflow_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.paginator import _SupportsPagination

E = TypeVar("E", bound=Model)


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


def _nothing(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {}


@dataclass(frozen=True, kw_only=True)
class RegisterPages(Generic[E]):
    """The create, detail and transition pages of one register, written once.

    ``kind`` names what the pages share: the URLs ``<kind>_detail`` and ``<kind>_transition``, the audit
    event ``<kind>.view`` and the target type of a refused creation. The register brings its checked
    getter, its form and the one service that saves it; a register whose entries move through a workflow
    (``moves``) gets the transition page, and its detail page the history, the moves the user may make
    and the reason form.
    """

    kind: str
    # The entry's name in the detail page's context ("dpia", "withdrawal").
    noun: str
    may_open: Callable[[User], bool]
    # The checked getter: (user, pk, *, http_request) -> the entry; 404 when it may not be seen.
    get: Callable[..., E]
    detail_template: str
    detail_context: Callable[[AuthenticatedHttpRequest, E], dict[str, Any]]
    moves: bool = False
    # Before a move: a page that asks for confirmation first (a DPIA's sign-off), or None to go ahead.
    confirm: Callable[[AuthenticatedHttpRequest, E, str], HttpResponse | None] | None = None
    # Creating: what the refusal says was wanted, the form's page, what a new entry starts from (a DPIA:
    # the sharing request in ``?request=``), the bound form, the service call and the flash message.
    create_wanted: str
    form_template: str
    start: Callable[[AuthenticatedHttpRequest], dict[str, Any]] = _nothing
    new_form: Callable[[AuthenticatedHttpRequest, dict[str, Any]], forms.Form]
    save: Callable[[AuthenticatedHttpRequest, forms.Form, dict[str, Any]], E]
    created: Callable[[E], str]
    form_context: Callable[[dict[str, Any]], dict[str, Any]] = lambda start: {}

    def open(self, request: AuthenticatedHttpRequest) -> None:
        """404 for anyone who may not see this register at all."""
        if not self.may_open(request.user):
            raise Http404("No such page.")

    def detail_page(
        self,
        request: AuthenticatedHttpRequest,
        entry: E,
        extra: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        """The entry's page; ``extra`` (a bound form with errors, a conflict) replaces what it names."""
        context: dict[str, Any] = {self.noun: entry, **self.detail_context(request, entry)}
        if self.moves:
            context |= {
                "history": entry.history.select_related("actor"),  # type: ignore[attr-defined]
                "actions": actions_for(
                    request,
                    entry,  # type: ignore[arg-type]
                    url=lambda name: reverse(f"{self.kind}_transition", args=[entry.pk, name]),
                ),
                "action_form": CommentForm(),
            }
        return render(request, self.detail_template, context | (extra or {}), status=status)

    def detail(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        entry = self.get(request.user, pk, http_request=request)
        audit_record(action=f"{self.kind}.view", target=entry, request=request)
        return self.detail_page(request, entry)

    def transition(self, request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
        entry = self.get(request.user, pk, http_request=request)
        if self.confirm is not None and (page := self.confirm(request, entry, name)) is not None:
            return page
        return fire(
            request,
            entry,  # type: ignore[arg-type]
            name,
            success_url=reverse(f"{self.kind}_detail", args=[entry.pk]),
            render_page=lambda extra, status: self.detail_page(request, entry, extra, status),
        )

    def create(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        self.open(request)
        if not can_change_registers(request.user):
            refuse_action(
                request.user, target_type=self.kind, wanted=self.create_wanted, http_request=request
            )
        start = self.start(request)
        form = self.new_form(request, start)
        if request.method == "POST" and form.is_valid():
            try:
                entry = self.save(request, form, start)
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, self.created(entry))
                return redirect(f"{self.kind}_detail", pk=entry.pk)
        return render(request, self.form_template, {"form": form, **self.form_context(start)})


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
