"""Pages of the access request register. Each fetches through the checked getter or the list selector."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from igportal.accounts.mfa import mfa_not_required
from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from requests_app.access_workflow import ACCESS_WORKFLOW, FOI_KINDS, clock, foi_regime
from requests_app.csv_export import csv_lines
from requests_app.forms.access import (
    TRANSITION_FORMS,
    AccessRequestFilterForm,
    AccessRequestForm,
    FollowUpForm,
    OnlineAccessRequestForm,
    RedactionForm,
)
from requests_app.forms.retention import ReferRecordForm
from requests_app.models import AccessRequest, AccessRequestDocument, AccessRequestKind
from requests_app.permissions import (
    can_change_access_requests,
    can_read_audit_trail,
    can_view_access_requests,
)
from requests_app.selectors import access as selectors
from requests_app.selectors import retention as retention_selectors
from requests_app.selectors.transparency import published_organisation
from requests_app.services import access as services
from requests_app.services.audit import audit_record
from requests_app.services.retention import rights_case_refer_portal_record
from requests_app.services.workflow import TransitionConflict
from requests_app.views.documents import attachment

PAGE_SIZE = 50


def _plain(filters: dict[str, object]) -> dict[str, str]:
    return {name: str(value) for name, value in filters.items() if value not in ("", None, False)}


@require_GET
def access_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_access_requests(request.user):
        raise Http404("No such page.")
    today = timezone.localdate()
    form = AccessRequestFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {
            "search": form.cleaned_data["q"],
            "kind": form.cleaned_data["kind"],
            "status": form.cleaned_data["status"],
            "handler": form.cleaned_data["handler"],
            "due_within": form.cleaned_data["due_within"],
            "overdue": form.cleaned_data["overdue"],
        }
    cases = selectors.access_request_list(user=request.user, today=today, **filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        action="register.view",
        request=request,
        detail={"register": "access requests", "filters": _plain(filters), "page": page.number},
    )
    return render(
        request,
        "requests_app/access_list.html",
        {"form": form, "page": page, "can_change": can_change_access_requests(request.user)},
    )


@require_http_methods(["GET", "POST"])
def access_request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_access_requests(request.user):
        raise Http404("No such page.")
    if not can_change_access_requests(request.user):
        raise PermissionDenied
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.access_request_create(
                actor=request.user, http_request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{case.reference} logged.")
            return redirect(case)
    return render(request, "requests_app/access_form.html", {"form": form})


@require_GET
def access_request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_access_request_for_user(request.user, pk)
    audit_record(action="access_request.view", target=case, request=request)
    can_change = can_change_access_requests(request.user)
    # Several forms share the page, so each gets its own ids (the field names stay what the action expects).
    actions = (
        [
            (t, TRANSITION_FORMS[t.name](case=case, auto_id=f"id_{t.name}_%s"))
            for t in selectors.access_request_actions(case)
        ]
        if can_change
        else []
    )
    return render(
        request,
        "requests_app/access_detail.html",
        {
            "case": case,
            "deadline": case.deadline(today=timezone.localdate(), **clock()),
            "actions": actions,
            "can_change": can_change,
            "history": case.history.select_related("actor"),
            "can_read_audit": can_read_audit_trail(request.user),
            **_portal_records(case, can_change=can_change),
            "pauses": case.pauses(),
            "redaction_form": RedactionForm(case=case) if can_change and case.kind in FOI_KINDS else None,
            "follow_up_form": FollowUpForm(auto_id="id_follow_up_%s")
            if can_change and case.kind in FOI_KINDS
            else None,
            "follow_ups": case.follow_ups.all(),
            "pause_limit_days": settings.ACCESS_PAUSE_LIMIT_DAYS,
        },
    )


def _portal_records(case: AccessRequest, *, can_change: bool) -> dict[str, Any]:
    """An erasure or restriction case: the records it referred to the DPO, and the form to refer one."""
    if case.kind not in (AccessRequestKind.ERASURE, AccessRequestKind.RESTRICTION):
        return {}
    return {
        "referred": retention_selectors.reviews_referred_by(case),
        "refer_form": ReferRecordForm() if can_change and case.is_open else None,
    }


@require_POST
def access_request_refer_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_access_request_for_user(request.user, pk, for_change=True)
    form = ReferRecordForm(request.POST)
    if form.is_valid():
        try:
            review = rights_case_refer_portal_record(
                case=case,
                reference=form.cleaned_data["reference"],
                actor=request.user,
                today=timezone.localdate(),
                http_request=request,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{review.label} is on the DPO's disposal list for {case.reference}.")
            return redirect(case)
    return render(request, "requests_app/access_refer_record.html", {"case": case, "form": form}, status=400)


@require_http_methods(["GET", "POST"])
def access_request_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_access_request_for_user(request.user, pk, for_change=True)
    # Worked out before the form is bound: binding writes the typed values onto ``case``.
    deadline = case.deadline(today=timezone.localdate(), **clock())
    form = AccessRequestForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_update(
                case=case, actor=request.user, http_request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{case.reference} saved.")
            return redirect(case)
    return render(
        request, "requests_app/access_form.html", {"form": form, "case": case, "deadline": deadline}
    )


@require_POST
def access_request_transition(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    transition = ACCESS_WORKFLOW.transitions.get(name)
    if transition is None or transition.system:
        raise Http404("No such action.")
    case = selectors.get_access_request_for_user(request.user, pk, for_change=True)
    form = TRANSITION_FORMS[name](request.POST, case=case)
    if form.is_valid():
        try:
            services.access_request_transition(
                case, name, actor=request.user, http_request=request, **form.cleaned_data
            )
        except TransitionConflict as exc:
            form.add_error(None, f"{exc} Reload the case to see what changed.")
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{case.reference}: “{transition.label}” recorded.")
            return redirect(case)
        # The move checked its inputs on this copy of the case; the page shows the case as stored.
        case = selectors.get_access_request_for_user(request.user, pk, for_change=True)
    return render(
        request,
        "requests_app/access_action.html",
        {
            "case": case,
            "transition": transition,
            "form": form,
            "deadline": case.deadline(today=timezone.localdate(), **clock()),
        },
    )


@require_GET
def access_request_document(request: AuthenticatedHttpRequest, pk: int, document_id: int) -> FileResponse:
    """A file a requester sent with an online request (proof of identity), to those who may read the case."""
    case = selectors.get_access_request_for_user(request.user, pk)
    document = get_object_or_404(AccessRequestDocument, pk=document_id, access_request=case)
    audit_record(
        action="access_request.document_download",
        target=case,
        request=request,
        detail={"document_id": document.pk, "sha256": document.sha256},
    )
    return attachment(document)


# --- the public "ask online" form ------------------------------------------------------------------------

_ONLINE_SESSION_KEY = "access_online_case"


@login_not_required
@mfa_not_required
@require_http_methods(["GET", "POST"])
def access_request_online(request: HttpRequest) -> HttpResponse:
    """Anyone may ask, without an account: at most ``ACCESS_ONLINE_PER_HOUR`` requests an hour from one
    address (django-ratelimit, counted in Redis); over it, the form comes back as typed with a 429."""
    form = OnlineAccessRequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        limited = is_ratelimited(
            request,
            group="access_request_online",
            key="ip",
            rate=f"{settings.ACCESS_ONLINE_PER_HOUR}/h",
            method="POST",
            increment=True,
        )
        if limited:
            audit_record(action="access_request.online_refused", request=request, detail={"reason": "rate"})
            form.add_error(
                None,
                "We have received too many requests from your internet address in the last hour. Nothing "
                "has been sent: please try again later, or email or write to us instead.",
            )
            status = 429
        elif form.is_robot:
            # The hidden field was filled in: a robot. It is told what a person would be, and nothing is kept.
            audit_record(
                action="access_request.online_refused", request=request, detail={"reason": "honeypot"}
            )
            return render(request, "requests_app/access_online_done.html", {"case": None})
        else:
            try:
                case = services.access_request_submit_online(http_request=request, **form.service_data())
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                request.session[_ONLINE_SESSION_KEY] = case.pk
                return redirect("access_request_online_done")
    return render(request, "requests_app/access_online_form.html", {"form": form}, status=status)


@login_not_required
@mfa_not_required
@require_GET
def access_request_online_done(request: HttpRequest) -> HttpResponse:
    """The acknowledgement, shown once to the browser that made the request: its reference, the date it is
    due and how that date was worked out. Nothing the requester typed is shown back."""
    case_id = request.session.get(_ONLINE_SESSION_KEY)
    case = AccessRequest.objects.filter(pk=case_id).first() if case_id else None
    if case is None:
        return redirect("access_request_online")
    return render(
        request,
        "requests_app/access_online_done.html",
        {"case": case, "deadline": case.deadline(today=timezone.localdate(), **clock())},
    )


@require_POST
def access_request_redaction(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add a line to the case's redaction log; a refused line comes back on its own page as typed."""
    case = selectors.get_access_request_for_user(request.user, pk, for_change=True)
    form = RedactionForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.access_request_redaction_add(
                case=case, actor=request.user, http_request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{case.reference}: redaction logged.")
            return redirect(case)
    return render(request, "requests_app/access_redaction.html", {"case": case, "form": form})


@login_not_required
@mfa_not_required
@require_GET
def disclosure_log(request: HttpRequest) -> HttpResponse:
    """The public disclosure log: released FOI and EIR answers the IG team chose to publish."""
    organisation, _ = published_organisation()
    return render(
        request,
        "requests_app/disclosure_log.html",
        {"answers": selectors.published_disclosure_log(), "organisation": organisation},
    )


@require_POST
def access_request_follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Log an internal review of this FOI or EIR answer, or a complaint about it to the Commissioner."""
    original = selectors.get_access_request_for_user(request.user, pk, for_change=True)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            case = services.access_request_follow_up_create(
                original=original, actor=request.user, http_request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{case.reference} logged, linked to {original.reference}.")
            return redirect(case)
    return render(request, "requests_app/access_follow_up.html", {"case": original, "form": form})


def _quarter(request: AuthenticatedHttpRequest) -> tuple[int, int]:
    """The quarter asked for (``?quarter=2026-Q3``), else the current one."""
    today = timezone.localdate()
    match = re.fullmatch(r"(\d{4})-Q([1-4])", request.GET.get("quarter", ""))
    if match and 2000 <= int(match.group(1)) <= today.year + 1:
        return int(match.group(1)), int(match.group(2))
    return today.year, (today.month - 1) // 3 + 1


@require_GET
def access_statistics(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Performance per quarter, as the FOI s45 Code expects bodies over 100 staff to publish."""
    if not can_view_access_requests(request.user):
        raise Http404("No such page.")
    year, quarter = _quarter(request)
    # One read of the quarter's kept figures serves both tables.
    figures = selectors.quarter_figures(year=year, quarter=quarter)
    stats = selectors.access_statistics(year=year, quarter=quarter, figures=figures)
    audit_record(
        action="access_request.statistics", request=request, detail={"quarter": f"{year}-Q{quarter}"}
    )
    scottish = (
        selectors.scottish_return(year=year, quarter=quarter, figures=figures)
        if foi_regime() == "foisa"
        else None
    )
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    following = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return render(
        request,
        "requests_app/access_statistics.html",
        {
            "stats": stats,
            "chart": selectors.statistics_chart(stats),
            "scottish": scottish,
            "quarter": f"{year}-Q{quarter}",
            "previous": "{}-Q{}".format(*previous),
            "following": "{}-Q{}".format(*following),
        },
    )


@require_GET
def access_statistics_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_access_requests(request.user):
        raise Http404("No such page.")
    year, quarter = _quarter(request)
    if request.GET.get("return") == "sic":
        # The Scottish Information Commissioner's quarterly return: offered under FOISA only.
        if foi_regime() != "foisa":
            raise Http404("The Scottish Information Commissioner's return applies under FOISA only.")
        header: tuple[str, ...] = ("law", "measure", "count")
        rows: list[tuple[str, str, int]] = selectors.scottish_return(year=year, quarter=quarter).rows
        filename = f"Scottish Information Commissioner return {year}-Q{quarter}.csv"
    else:
        header = ("section", "item", "count")
        rows = selectors.access_statistics(year=year, quarter=quarter).csv_rows()
        filename = f"Access requests {year}-Q{quarter}.csv"
    detail = {"quarter": f"{year}-Q{quarter}"}
    if request.GET.get("return") == "sic":
        detail["return"] = "sic"
    audit_record(action="access_request.export", request=request, detail=detail)
    response = HttpResponse("".join(csv_lines(header, rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    return response
