from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from igportal.types import AuthenticatedHttpRequest
from necessity.presenters import present_result, summarise_answers
from necessity.steps import STEPS_BY_NAME
from necessity.views import step_url
from requests_app.models import Assessment, SharingRequest
from requests_app.selectors.sharing import get_sharing_request_for_user, requests_raised_by
from requests_app.services.sharing import can_edit_answers, can_raise_requests, sharing_request_create
from requests_app.services.workflow import TransitionConflict, transition


@require_GET
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "requests_app/request_list.html",
        {"requests": requests_raised_by(request.user), "can_raise": can_raise_requests(request.user)},
    )


@require_POST
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    sharing_request = sharing_request_create(requester=request.user)
    return redirect(step_url(sharing_request, "purpose"))


def _latest_assessment(sharing_request: SharingRequest) -> Assessment | None:
    return sharing_request.assessments.order_by("-number").first()


def _assessment_context(assessment: Assessment | None) -> dict[str, object]:
    if assessment is None:
        return {"assessment": None}
    return {
        "assessment": assessment,
        "result": present_result(assessment.result),
        "answers": summarise_answers(assessment.answers),
    }


@require_GET
def request_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    sharing_request = get_sharing_request_for_user(request.user, reference)
    current = STEPS_BY_NAME.get(sharing_request.current_step)
    return render(
        request,
        "requests_app/request_detail.html",
        {
            "sharing_request": sharing_request,
            **_assessment_context(_latest_assessment(sharing_request)),
            "assessments": sharing_request.assessments.order_by("-number"),
            "history": sharing_request.history.select_related("actor"),
            "can_edit": can_edit_answers(request.user, sharing_request),
            "continue_url": step_url(sharing_request, current.name if current else "purpose"),
            "can_withdraw": sharing_request.requester_id == request.user.pk,
        },
    )


@require_GET
def assessment_detail(request: AuthenticatedHttpRequest, reference: str, number: int) -> HttpResponse:
    sharing_request = get_sharing_request_for_user(request.user, reference)
    assessment = get_object_or_404(Assessment, request=sharing_request, number=number)
    return render(
        request,
        "requests_app/decision_record.html",
        {"sharing_request": sharing_request, **_assessment_context(assessment), "snapshot": True},
    )


@require_GET
def decision_record(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    sharing_request = get_sharing_request_for_user(request.user, reference)
    assessment = _latest_assessment(sharing_request)
    if assessment is None:
        raise Http404("This request has no decision record until it is submitted.")
    return render(
        request,
        "requests_app/decision_record.html",
        {
            "sharing_request": sharing_request,
            **_assessment_context(assessment),
            "history": sharing_request.history.select_related("actor"),
        },
    )


@require_http_methods(["POST"])
def request_withdraw(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    sharing_request = get_sharing_request_for_user(request.user, reference)
    try:
        transition(sharing_request, "withdraw", actor=request.user, comment=request.POST.get("comment", ""))
    except (ValidationError, TransitionConflict) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"{sharing_request.reference} is withdrawn.")
    return redirect("request_detail", reference=sharing_request.reference)
