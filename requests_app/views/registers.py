"""What the register pages share: the list page, the CSV export, a move through the workflow, the list,
export, create, detail and transition pages of a register and their URLs (``RegisterPages``), and the
DPO's dashboard."""

from __future__ import annotations

import datetime
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
from django.template.loader import get_template
from django.urls import URLPattern, URLResolver, include, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from requests_app.csv_export import csv_lines
from requests_app.forms.registers import CommentForm, _Filter
from requests_app.models import DisposalReview
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
# What creating one saves: an entry, or (an ISA) the first version of one.
N = TypeVar("N", bound=Model)


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
    entry: RegisterEntry | DisposalReview,
    name: str,
    *,
    success_url: str,
    render_page: Callable[[dict[str, Any], int], HttpResponse],
    form: forms.Form | None = None,
    inputs: dict[str, Any] | None = None,
) -> HttpResponse:
    """Apply a register move with its reason (and any ``inputs`` the move takes from a bound ``form`` of
    the register's own); on a problem, the entry's page again with it explained."""
    spec = workflow_for(entry).transitions.get(name)
    if spec is None:
        raise Http404("No such action.")
    if form is None:
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
            **(inputs or {}),
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


def form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    *,
    save: Callable[[forms.Form], Any],
    done: Callable[[Any], tuple[str, str]],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The form; on a valid POST, ``save`` (one service call) and then the flash message and the page
    ``done`` gives for what was saved; a service's refusal is shown on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            message, url = done(saved)
            messages.success(request, message)
            return redirect(url)
    return render(request, template, {"form": form, **context})


def _nothing(request: AuthenticatedHttpRequest, *args: Any) -> dict[str, Any]:
    return {}


# The rows of a register's list for (the request, its filters, the moment of the request): the moment is
# taken once, so the page and its overdue marks agree.
Rows = Callable[[AuthenticatedHttpRequest, dict[str, Any], datetime.datetime], Any]


@dataclass(frozen=True, kw_only=True)
class RegisterList:
    """A register's list page and its CSV export: one filter form, the same rows, every page of them.

    ``register`` names the list in the audit trail ("dpias"); ``csv_name`` names the export's file
    ("<date> DPIA register.csv"), or None for a register without one. ``export_rows`` are the export's
    rows where it needs more joined than the page; ``decorate`` completes the rows of both.
    """

    register: str
    filter_form: type[_Filter]
    rows: Rows
    template: str
    context: Callable[[AuthenticatedHttpRequest, datetime.datetime], dict[str, Any]] = _nothing
    decorate: Callable[[Iterable[Any]], Iterable[Any]] | None = None
    csv_name: str | None = None
    header: Sequence[str] = ()
    row: Callable[[Any], Sequence[object]] = lambda entry: ()
    export_rows: Rows | None = None


@dataclass(frozen=True, kw_only=True)
class RegisterCreate(Generic[N]):
    """Creating an entry: who may (refused with what they ``wanted``), the form's page, what a new entry
    starts from (a DPIA: the sharing request in ``?request=``), the bound form, the one service that saves
    it, the flash message and the page it goes to next (its detail page unless ``url`` says otherwise)."""

    wanted: str
    template: str
    may: Callable[[User], bool] = can_change_registers
    start: Callable[[AuthenticatedHttpRequest], dict[str, Any]] = _nothing
    new_form: Callable[[AuthenticatedHttpRequest, dict[str, Any]], forms.Form]
    save: Callable[[AuthenticatedHttpRequest, forms.Form, dict[str, Any]], N]
    created: Callable[[N], str]
    context: Callable[[dict[str, Any]], dict[str, Any]] = lambda start: {}
    url: Callable[[N], str] | None = None


@dataclass(frozen=True, kw_only=True)
class RegisterEdit(Generic[E]):
    """Changing an entry, fetched for change (403 to those who may only read it): the form bound to what
    the entry holds, the one service that saves it, the flash message, and the form's page (given the
    entry under the register's ``noun`` and the ``context`` here)."""

    template: str
    new_form: Callable[[AuthenticatedHttpRequest, E], forms.Form]
    save: Callable[[AuthenticatedHttpRequest, E, forms.Form], object]
    saved: Callable[[E], str]
    context: Callable[[E], dict[str, Any]] = lambda entry: {}


# How a register's move is made once the entry is fetched: ``fire`` unless the register asks more.
Fire = Callable[..., HttpResponse]


@dataclass(frozen=True, kw_only=True)
class RegisterPages(Generic[E]):
    """The pages of one register, and their URLs, written once.

    ``kind`` names the audit events (``<kind>.view``, ``<kind>.export``) and the target type of a
    refused creation; ``name`` (``kind`` unless given) prefixes the URL names: ``<name>_list``,
    ``<name>_export``, ``<name>_create``, ``<name>_detail``, ``<name>_edit``, ``<name>_transition``,
    all under ``prefix``. The register brings its checked getter, its list (``listing``), its creation
    (``creating``) and change (``editing``) and its detail page (unless it shows entries its own way,
    as the ISA register shows versions); a register whose entries move through a workflow (``moves``)
    gets the transition page, and its detail page the history, the moves the user may make and the
    reason form (``action_form``); ``make_move`` applies one (``fire`` unless the register's moves take
    more than a reason).
    """

    kind: str
    name: str = ""
    prefix: str
    # The entry's name in the detail page's context ("dpia", "withdrawal").
    noun: str
    may_open: Callable[[User], bool]
    # The checked getter: (user, pk, *, [for_change,] http_request) -> the entry; 404 when it may not be seen.
    get: Callable[..., E]
    listing: RegisterList | None = None
    creating: RegisterCreate[Any] | None = None
    editing: RegisterEdit[E] | None = None
    # None where the register shows its entries its own way (an ISA, by version) among its own URLs.
    detail_template: str | None = None
    detail_context: Callable[[AuthenticatedHttpRequest, E], dict[str, Any]] = _nothing
    moves: bool = False
    # A move fetches the entry for change (403 to those who may only read it) where the register says so.
    move_for_change: bool = False
    move_route: str = "<int:pk>/actions/<slug:name>/"
    move_url_name: str = ""
    action_form: type[forms.Form] = CommentForm
    make_move: Fire = fire
    # Before a move: a page that asks for confirmation first (a DPIA's sign-off), or None to go ahead.
    confirm: Callable[[AuthenticatedHttpRequest, E, str], HttpResponse | None] | None = None

    @property
    def url_name(self) -> str:
        return self.name or self.kind

    @property
    def transition_url_name(self) -> str:
        return self.move_url_name or f"{self.url_name}_transition"

    def open(self, request: AuthenticatedHttpRequest) -> None:
        """404 for anyone who may not see this register at all."""
        if not self.may_open(request.user):
            raise Http404("No such page.")

    # --- the list and its export ---------------------------------------------------------------------

    def _filtered(self, request: AuthenticatedHttpRequest) -> tuple[RegisterList, _Filter, dict[str, Any]]:
        assert self.listing is not None
        self.open(request)
        form = self.listing.filter_form(request.GET or None)
        return self.listing, form, form.filters()

    def index(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        listing, form, filters = self._filtered(request)
        now = timezone.now()
        return list_page(
            request,
            register=listing.register,
            form=form,
            filters=filters,
            rows=listing.rows(request, filters, now),
            template=listing.template,
            context=listing.context(request, now),
            decorate=listing.decorate,
        )

    def export(self, request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
        listing, _, filters = self._filtered(request)
        assert listing.csv_name is not None
        rows = listing.export_rows or listing.rows
        return csv_export(
            request,
            audit_type=self.kind,
            register=listing.csv_name,
            filters=filters,
            rows=rows(request, filters, timezone.now()),
            header=listing.header,
            row=listing.row,
            decorate=listing.decorate,
        )

    # --- one entry -----------------------------------------------------------------------------------

    def detail_page(
        self,
        request: AuthenticatedHttpRequest,
        entry: E,
        extra: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        """The entry's page; ``extra`` (a bound form with errors, a conflict) replaces what it names."""
        assert self.detail_template is not None
        context: dict[str, Any] = {self.noun: entry, **self.detail_context(request, entry)}
        if self.moves:
            context |= {
                "history": entry.history.select_related("actor"),  # type: ignore[attr-defined]
                "actions": actions_for(
                    request,
                    entry,  # type: ignore[arg-type]
                    url=lambda name: reverse(self.transition_url_name, args=[entry.pk, name]),
                ),
                "action_form": self.action_form(),
            }
        return render(request, self.detail_template, context | (extra or {}), status=status)

    def detail(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        entry = self.get(request.user, pk, http_request=request)
        audit_record(action=f"{self.kind}.view", target=entry, request=request)
        return self.detail_page(request, entry)

    def transition(self, request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
        for_change = {"for_change": True} if self.move_for_change else {}
        entry = self.get(request.user, pk, http_request=request, **for_change)
        if self.confirm is not None and (page := self.confirm(request, entry, name)) is not None:
            return page
        return self.make_move(
            request,
            entry,
            name,
            success_url=reverse(f"{self.url_name}_detail", args=[entry.pk]),
            render_page=lambda extra, status: self.detail_page(request, entry, extra, status),
        )

    def create(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        creating = self.creating
        assert creating is not None
        self.open(request)
        if not creating.may(request.user):
            refuse_action(request.user, target_type=self.kind, wanted=creating.wanted, http_request=request)
        start = creating.start(request)
        return form_page(
            request,
            creating.new_form(request, start),
            save=lambda form: creating.save(request, form, start),
            done=lambda entry: (
                creating.created(entry),
                creating.url(entry)
                if creating.url is not None
                else reverse(f"{self.url_name}_detail", args=[entry.pk]),
            ),
            template=creating.template,
            context=creating.context(start),
        )

    def edit(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        editing = self.editing
        assert editing is not None
        entry = self.get(request.user, pk, for_change=True, http_request=request)
        return form_page(
            request,
            editing.new_form(request, entry),
            save=lambda form: editing.save(request, entry, form),
            done=lambda saved: (editing.saved(entry), reverse(f"{self.url_name}_detail", args=[entry.pk])),
            template=editing.template,
            context={self.noun: entry, **editing.context(entry)},
        )

    # --- the URLs ------------------------------------------------------------------------------------

    def urls(self, *extra: URLPattern | URLResolver) -> URLResolver:
        """The register's URLs under its prefix: its list, export, create, detail and transition pages
        (those it has), then the register's own (``extra``, routes relative to the prefix)."""
        name = self.url_name
        patterns: list[URLPattern | URLResolver] = []
        if self.listing is not None:
            patterns.append(path("", require_GET(self.index), name=f"{name}_list"))
            if self.listing.csv_name is not None:
                patterns.append(path("export.csv", require_GET(self.export), name=f"{name}_export"))
        if self.creating is not None:
            create = require_http_methods(["GET", "POST"])(self.create)
            patterns.append(path("new/", create, name=f"{name}_create"))
        if self.editing is not None:
            edit = require_http_methods(["GET", "POST"])(self.edit)
            patterns.append(path("<int:pk>/edit/", edit, name=f"{name}_edit"))
        if self.detail_template is not None:
            patterns.append(path("<int:pk>/", require_GET(self.detail), name=f"{name}_detail"))
        if self.moves:
            move = require_POST(self.transition)
            patterns.append(path(self.move_route, move, name=self.transition_url_name))
        return path(self.prefix, include([*patterns, *extra]))


@require_GET
def register_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_read_registers(request.user):
        raise Http404("No such page.")
    today, now = timezone.localdate(), timezone.now()
    audit_record(action="register.view", request=request, detail={"register": "dashboard"})
    charts = dashboard.dashboard_charts(today=today)
    return render(
        request,
        "requests_app/register_dashboard.html",
        {
            "summaries": dashboard.register_summaries(today=today, now=now),
            "overdue": dashboard.overdue_items(today=today, now=now),
            "charts": charts,
            "drawn_charts": zip(charts.charts, _drawn(charts, today=today), strict=True),
            "charts_fresh_minutes": dashboard.CHARTS_FRESH_SECONDS // 60,
        },
    )


# The charts change only when they are counted again (dashboard.CHARTS_FRESH_SECONDS): their SVG and
# tables, a tenth of the page's time in the template, are drawn once per counting in each process, not
# once per view. Keyed by the counting (its day and moment), so a new counting is drawn afresh.
_DRAWN_CHARTS: dict[tuple[datetime.date, datetime.datetime], list[SafeString]] = {}


def _drawn(charts: dashboard.DashboardCharts, *, today: datetime.date) -> list[SafeString]:
    key = (today, charts.counted_at)
    drawn = _DRAWN_CHARTS.get(key)
    if drawn is None:
        template = get_template("requests_app/includes/chart.html")
        drawn = [mark_safe(template.render({"chart": chart})) for chart in charts.charts]  # noqa: S308
        _DRAWN_CHARTS.clear()  # only the latest counting is shown
        _DRAWN_CHARTS[key] = drawn
    return drawn
