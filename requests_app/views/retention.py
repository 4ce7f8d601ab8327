"""The retention schedule (DPO edits it), the disposal review list and decisions, the destruction records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.retention import DisposalDecisionForm, RetentionRuleForm
from requests_app.models import DisposalReview
from requests_app.retention_workflow import DISPOSAL_WORKFLOW
from requests_app.selectors import retention as selectors
from requests_app.services import retention as services
from requests_app.services.audit import audit_record
from requests_app.services.disposal import DISPOSAL_SOURCES
from requests_app.views.registers import RegisterPages, fire


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


def _decide(
    request: AuthenticatedHttpRequest,
    review: DisposalReview,
    name: str,
    *,
    success_url: str,
    render_page: Callable[[dict[str, Any], int], HttpResponse],
) -> HttpResponse:
    """A disposal decision: only the DPO's own moves (the sweep's are not offered), a reason always, and
    the date or the kind of hold the move takes."""
    spec = DISPOSAL_WORKFLOW.transitions.get(name)
    if spec is None or spec.system:
        raise Http404("No such action.")
    form = DisposalDecisionForm(request.POST)
    if not form.is_valid():
        return render_page({"action_form": form, "failed_action": name}, 400)
    inputs: dict[str, Any] = {}
    if name == "extend":
        inputs["extended_until"] = form.cleaned_data["extended_until"]
    if name == "hold":
        inputs["hold_kind"] = form.cleaned_data["hold_kind"]
    return fire(
        request, review, name, success_url=success_url, render_page=render_page, form=form, inputs=inputs
    )


DISPOSALS = RegisterPages[DisposalReview](
    kind="disposal",
    prefix="retention/disposal/",
    noun="review",
    may_open=selectors.can_see_disposals,
    get=lambda user, pk, http_request: selectors.get_review_for_user(user, pk),
    detail_template="requests_app/disposal_detail.html",
    detail_context=lambda request, review: {"destruction": getattr(review, "destruction", None)},
    moves=True,
    move_route="<int:pk>/<slug:name>/",
    move_url_name="disposal_decide",
    action_form=DisposalDecisionForm,
    make_move=_decide,
)


@require_GET
def destruction_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.destruction_records(user=request.user), 50).get_page(request.GET.get("page"))
    audit_record(action="retention.destruction_list_view", request=request, detail={"page": page.number})
    return render(request, "requests_app/destruction_list.html", {"page": page, "records": page.object_list})
