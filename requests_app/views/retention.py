"""The retention schedule (DPO edits it), the disposal review list and decisions, the destruction records."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.retention import DisposalDecisionForm, RetentionRuleForm
from requests_app.models import DisposalReview
from requests_app.retention_workflow import DISPOSAL_WORKFLOW
from requests_app.selectors import retention as selectors
from requests_app.services import retention as services
from requests_app.services.audit import audit_record
from requests_app.services.disposal import DISPOSAL_SOURCES
from requests_app.services.workflow import TransitionConflict, transition


@require_GET
def retention_schedule(request: AuthenticatedHttpRequest) -> HttpResponse:
    rules = list(selectors.retention_rules(user=request.user))
    audit_record(action="retention.schedule_view", request=request)
    return render(
        request,
        "requests_app/retention_schedule.html",
        {
            "rules": rules,
            "swept": set(DISPOSAL_SOURCES),
            "can_edit": services.can_manage_retention(request.user),
            "can_see_disposals": selectors.can_see_disposals(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def retention_rule_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rule = selectors.get_rule_for_user(request.user, pk)
    if not services.can_manage_retention(request.user):
        raise Http404("No such page.")
    form = RetentionRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data[name] for name in ("period_months", "trigger", "authority", "verified")
        }
        rule.refresh_from_db()
        try:
            services.retention_rule_update(
                rule=rule,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                http_request=request,
                **data,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{rule.audit_label}: the retention rule is saved as a new version.")
            return redirect("retention_schedule")
    return render(
        request,
        "requests_app/retention_rule_form.html",
        {"form": form, "rule": rule, "versions": selectors.rule_versions(rule)},
        status=400 if form.errors else 200,
    )


@require_GET
def disposal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.disposal_queue(user=request.user), 50).get_page(request.GET.get("page"))
    audit_record(action="retention.disposal_list_view", request=request, detail={"page": page.number})
    return render(
        request,
        "requests_app/disposal_list.html",
        {"page": page, "reviews": page.object_list, "today": timezone.localdate()},
    )


def _review_page(
    request: AuthenticatedHttpRequest,
    review: DisposalReview,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    available = DISPOSAL_WORKFLOW.available(request.user, review, today=timezone.localdate())
    context: dict[str, Any] = {
        "review": review,
        "history": review.history.select_related("actor"),
        "actions": [(spec, reverse("disposal_decide", args=[review.pk, spec.name])) for spec in available],
        "destruction": getattr(review, "destruction", None),
        "action_form": DisposalDecisionForm(),
        **(extra or {}),
    }
    return render(request, "requests_app/disposal_detail.html", context, status=status)


@require_GET
def disposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(request.user, pk)
    audit_record(action="disposal.view", target=review, request=request)
    return _review_page(request, review)


@require_POST
def disposal_decide(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    review = selectors.get_review_for_user(request.user, pk)
    spec = DISPOSAL_WORKFLOW.transitions.get(name)
    if spec is None or spec.system:
        raise Http404("No such action.")
    form = DisposalDecisionForm(request.POST)
    if not form.is_valid():
        return _review_page(request, review, {"action_form": form, "failed_action": name}, 400)
    inputs: dict[str, Any] = {}
    if name == "extend":
        inputs["extended_until"] = form.cleaned_data["extended_until"]
    if name == "hold":
        inputs["hold_kind"] = form.cleaned_data["hold_kind"]
    try:
        # A refusal (PermissionDenied) is audited by the service, like every refused move.
        transition(
            review,
            name,
            actor=request.user,
            comment=form.cleaned_data["comment"],
            http_request=request,
            **inputs,
        )
    except TransitionConflict as exc:
        return _review_page(request, review, {"conflict": str(exc)}, 409)
    except ValidationError as exc:
        show_errors(form, exc)
        return _review_page(request, review, {"action_form": form, "failed_action": name}, 400)
    review.refresh_from_db(fields=["status"])
    messages.success(request, f"{review.label} is now: {review.get_status_display()}.")
    return redirect("disposal_detail", review.pk)


@require_GET
def destruction_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.destruction_records(user=request.user), 50).get_page(request.GET.get("page"))
    audit_record(action="retention.destruction_list_view", request=request, detail={"page": page.number})
    return render(request, "requests_app/destruction_list.html", {"page": page, "records": page.object_list})
