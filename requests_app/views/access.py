"""Pages of the access request register. Each fetches through the checked getter or the list selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from requests_app.access_workflow import ACCESS_WORKFLOW, nation
from requests_app.forms.access import TRANSITION_FORMS, AccessRequestFilterForm, AccessRequestForm
from requests_app.forms.retention import ReferRecordForm
from requests_app.models import AccessRequest, AccessRequestKind
from requests_app.permissions import (
    can_change_access_requests,
    can_read_audit_trail,
    can_view_access_requests,
)
from requests_app.selectors import access as selectors
from requests_app.selectors import retention as retention_selectors
from requests_app.services import access as services
from requests_app.services.audit import audit_record
from requests_app.services.retention import rights_case_refer_portal_record
from requests_app.services.workflow import TransitionConflict

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
            "deadline": case.deadline(today=timezone.localdate(), nation=nation()),
            "actions": actions,
            "can_change": can_change,
            "history": case.history.select_related("actor"),
            "can_read_audit": can_read_audit_trail(request.user),
            **_portal_records(case, can_change=can_change),
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
    deadline = case.deadline(today=timezone.localdate(), nation=nation())
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
    if transition is None:
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
            "deadline": case.deadline(today=timezone.localdate(), nation=nation()),
        },
    )
