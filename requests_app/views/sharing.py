from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from igportal.forms import show_errors
from igportal.roles import is_ig_team
from igportal.types import AuthenticatedHttpRequest
from necessity.presenters import present_result, summarise_answers
from necessity.steps import STEPS_BY_NAME
from necessity.views import step_url
from requests_app.forms.documents import DocumentForm
from requests_app.forms.organisations import PartnerFromRequestForm
from requests_app.forms.workflow import AddStageForm, AssignForm, CommentForm, DecisionForm
from requests_app.models import (
    Assessment,
    DecisionRecord,
    RequestStatus,
    SharingRequest,
    SignOff,
    SignOffStage,
)
from requests_app.permissions import (
    can_browse_requests,
    can_change_registers,
    can_comment_on_request,
    can_manage_organisations,
    can_read_audit_trail,
    can_read_dpias,
    can_read_registers,
)
from requests_app.selectors.sharing import get_sharing_request_for_user, requests_raised_by
from requests_app.services.audit import audit_record
from requests_app.services.closing import close_problem
from requests_app.services.disclosures import disclosure_kind_for, may_record_for
from requests_app.services.flows import flow_registration_problem
from requests_app.services.overrides import (
    decision_terms,
    engine_conditions,
    sharing_request_decide,
    starting_conditions,
)
from requests_app.services.sharing import (
    can_add_partner_from_request,
    can_delete_draft,
    can_edit_answers,
    can_raise_requests,
    partner_initial,
    sharing_request_add_partner,
    sharing_request_delete_draft,
)
from requests_app.services.uploads import can_add_documents
from requests_app.services.workflow import (
    TransitionConflict,
    request_comment_add,
    sharing_request_add_stage,
    sharing_request_assign,
    transition,
)
from requests_app.workflow import (
    OPEN_STATUSES,
    TRANSITIONS,
    Transition,
    available_transitions,
    current_stage,
    ordered_stages,
)

# A long-serving requester raises a thousand requests; a page shows the newest changes first.
REQUEST_LIST_PAGE_SIZE = 25


@require_GET
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # get_page: a page past the end shows the last one, and one that is not a number the first.
    requests = requests_raised_by(request.user)
    page = Paginator(requests, REQUEST_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "requests_app/request_list.html",
        {
            "page": page,
            "can_raise": can_raise_requests(request.user),
            "can_browse": can_browse_requests(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def request_delete(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Ask, then delete the requester's own unsubmitted draft."""
    sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
    if not can_delete_draft(request.user, sharing_request):
        audit_record(
            action="access.denied",
            actor=request.user,
            target=sharing_request,
            request=request,
            detail={"answered": 403, "wanted": "delete draft"},
        )
        raise PermissionDenied("Only the requester can delete a draft, and only before it is submitted.")
    if request.method == "POST":
        label = sharing_request.title or "Untitled draft"
        try:
            sharing_request_delete_draft(sharing_request=sharing_request, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Draft {sharing_request.reference} ({label}) deleted.")
        return redirect("request_list")
    return render(request, "requests_app/request_delete.html", {"sharing_request": sharing_request})


def _latest_assessment(sharing_request: SharingRequest) -> Assessment | None:
    return sharing_request.assessments.order_by("-number").first()


def _latest_assessment_for_page(sharing_request: SharingRequest) -> Assessment | None:
    """The latest assessment with ``record_version``, the version of the request's newest decision record
    (None before the first decision): the page shows the record only beside an assessment, so it needs
    no query of its own."""
    newest_record = (
        DecisionRecord.objects.filter(request_id=OuterRef("request_id"))
        .order_by("-version")
        .values("version")
    )
    return (
        sharing_request.assessments.annotate(record_version=Subquery(newest_record[:1]))
        .order_by("-number")
        .first()
    )


def _assessment_context(assessment: Assessment | None) -> dict[str, object]:
    if assessment is None:
        return {"assessment": None}
    return {
        "assessment": assessment,
        "result": present_result(assessment.result),
        "answers": summarise_answers(assessment.answers),
    }


def _earlier_assessments(
    sharing_request: SharingRequest, latest: Assessment | None
) -> QuerySet[Assessment] | list[Assessment]:
    """Rounds before the latest, by number and outcome only; their frozen answers stay in the database.

    Rounds are numbered from 1 without gaps, so a first round has none before it and needs no query.
    """
    if latest is None or latest.number <= 1:
        return []
    return (
        sharing_request.assessments.filter(number__lt=latest.number)
        .order_by("-number")
        .defer("answers", "result", "required_signoffs")
    )


def _stage_rows(sharing_request: SharingRequest, signoffs: list[SignOff]) -> list[dict[str, Any]]:
    signed = {signoff.stage: signoff for signoff in signoffs}
    current = current_stage(sharing_request)
    return [
        {"label": SignOffStage(stage).label, "signoff": signed.get(stage), "current": stage == current}
        for stage in ordered_stages(sharing_request.stages)
    ]


def _one_to_one(sharing_request: SharingRequest, name: str) -> Any:
    """The related row, or None; no query when the getter fetched it with ``also_select``."""
    try:
        return getattr(sharing_request, name)
    except ObjectDoesNotExist:
        return None


# What the request page shows beside the request itself, fetched in the getter's query.
PAGE_RELATIONS = ("disclosure", "data_flow")


def _register_context(
    user: User, sharing_request: SharingRequest, assessment: Assessment | None
) -> dict[str, object]:
    """Where the request stands in the registers: its log entry or flow, or the buttons to make them."""
    if sharing_request.status == RequestStatus.DRAFT:
        return {}
    disclosure = _one_to_one(sharing_request, "disclosure")
    flow = _one_to_one(sharing_request, "data_flow")
    ig_team = can_change_registers(user)
    return {
        "disclosure": disclosure,
        "disclosure_kind": disclosure_kind_for(sharing_request, latest=assessment)
        if disclosure is None and may_record_for(user, sharing_request)
        else None,
        "see_disclosure": disclosure is not None
        and (can_read_registers(user) or sharing_request.requester_id == user.pk),
        "data_flow": flow,
        "can_register_flow": flow is None and ig_team and flow_registration_problem(sharing_request) is None,
        "see_flow": flow is not None
        and (can_read_registers(user) or sharing_request.requester_id == user.pk),
        "dpias": list(sharing_request.dpias.order_by("reference")) if can_read_dpias(user) else [],
        "can_start_dpia": ig_team and assessment is not None and assessment.dpia_required,
    }


def addable_stages(sharing_request: SharingRequest) -> list[str]:
    """The sign-offs the IG team could still add: not already a stage, and not before the one under way."""
    stages = ordered_stages(sharing_request.stages)
    current = current_stage(sharing_request)
    start = stages.index(current) if current in stages else 0
    return [
        stage
        for stage in SignOffStage.values
        # The asset owner's stage follows from the assets the request draws on; it is never added by hand.
        if stage != SignOffStage.IAO
        and stage not in stages
        and (current is None or ordered_stages([*stages, stage]).index(stage) > start)
    ]


# Moves the page never offers as a button: "close" is made by logging the disclosure (or registering the
# flow), and a decision by the decision form.
_NOT_BUTTONS = frozenset({"close"})


def page_actions(
    user: User,
    sharing_request: SharingRequest,
    actions: list[Transition[SharingRequest]],
    forms: dict[str, Form] | None = None,
) -> list[dict[str, Any]]:
    """The buttons on the request page: only moves the user may make now, each posting where it works."""
    shown = []
    for action in actions:
        if action.is_decision:
            continue
        if action.name in _NOT_BUTTONS and close_problem(sharing_request) is not None:
            continue
        if action.name == "submit":
            # Submitting freezes the answers with the engine's result, which the wizard's review shows first.
            if not can_edit_answers(user, sharing_request):
                continue
            url = reverse("wizard_review", args=[sharing_request.reference])
        else:
            url = reverse("request_transition", args=[sharing_request.reference, action.name])
        form = (forms or {}).get(f"{action.name}_form")
        shown.append(
            {
                "name": action.name,
                "label": action.label,
                "url": url,
                "comment_required": action.reason_required,
                "warning": action.warning or action.name in {"withdraw", "not_shared"},
                "errors": list(form.non_field_errors()) if form is not None else [],
            }
        )
    return shown


def render_request_page(
    request: AuthenticatedHttpRequest,
    sharing_request: SharingRequest,
    *,
    status: int = 200,
    forms: dict[str, Form] | None = None,
    error: str = "",
) -> HttpResponse:
    user = request.user
    assessment = _latest_assessment_for_page(sharing_request)
    actions = available_transitions(user, sharing_request)
    can_decide = any(action.is_decision for action in actions)
    ig_team = is_ig_team(user) and sharing_request.requester_id != user.pk
    current = STEPS_BY_NAME.get(sharing_request.current_step)
    # The latest assessment's sign-offs, read once: the stage rows show them, and the signer's form
    # starts from the conditions the last approving stage kept.
    signoffs = (
        list(assessment.signoffs.select_related("signer", "on_behalf_of").order_by("signed_at", "id"))
        if assessment is not None and (sharing_request.stages or can_decide)
        else []
    )
    can_route = ig_team and sharing_request.status in OPEN_STATUSES
    can_comment = can_comment_on_request(user, sharing_request.requester_id)
    documents_addable = can_add_documents(user, sharing_request)
    # Rows of one request: ordered within it, which is the models' own order without its leading
    # "request" (a join to the request table for each list, to sort by a value they all share).
    # Each form is built only when the page shows it; a bound one in ``forms`` (a failed post) replaces it.
    context: dict[str, Any] = {
        "sharing_request": sharing_request,
        **_assessment_context(assessment),
        "earlier_assessments": _earlier_assessments(sharing_request, assessment),
        "history": sharing_request.history.select_related("actor").order_by("occurred_at", "id"),
        "comments": sharing_request.comments.select_related("author").order_by("created_at", "id"),
        "stages": _stage_rows(sharing_request, signoffs) if sharing_request.stages else [],
        # The registered assets the request draws on: their owner signs first. The page names each
        # asset and its owner; an asset row is some thirty columns, read for nothing.
        "assets": sharing_request.assets.select_related("owner")
        .only("reference", "name", "owner__first_name", "owner__last_name", "owner__username")
        .order_by("name"),
        "can_edit": can_edit_answers(user, sharing_request),
        "can_delete": can_delete_draft(user, sharing_request),
        "continue_url": step_url(sharing_request, current.name if current else "purpose"),
        "can_decide": can_decide,
        "actions": page_actions(user, sharing_request, actions, forms),
        "can_route": can_route,
        "error": error,
        "decision_form": decision_form_for(sharing_request, assessment=assessment, signoffs=signoffs)
        if can_decide
        else None,
        "comment_form": CommentForm() if can_comment else None,
        "add_stage_form": AddStageForm(stages=addable_stages(sharing_request)) if can_route else None,
        "assign_form": AssignForm(initial={"assignee": sharing_request.assigned_to_id})
        if can_route
        else None,
        "record_version": getattr(assessment, "record_version", None),
        "documents": sharing_request.documents.select_related("uploaded_by"),
        "can_add_documents": documents_addable,
        "document_form": DocumentForm() if documents_addable else None,
        "can_read_audit": can_read_audit_trail(user),
        "can_comment": can_comment,
        "add_partner_form": PartnerFromRequestForm(initial=partner_initial(sharing_request))
        if can_add_partner_from_request(user, sharing_request)
        else None,
        **_register_context(user, sharing_request, assessment),
    }
    context.update(forms or {})
    return render(request, "requests_app/request_detail.html", context, status=status)


@require_GET
def request_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    sharing_request = get_sharing_request_for_user(
        request.user, reference, http_request=request, also_select=PAGE_RELATIONS
    )
    audit_record(action="request.view", target=sharing_request, request=request)
    return render_request_page(request, sharing_request)


def _wants_json(request: AuthenticatedHttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _fire(
    request: AuthenticatedHttpRequest,
    sharing_request: SharingRequest,
    name: str,
    *,
    comment: str = "",
    form_name: str,
    form: Form,
    act: Callable[[], object] | None = None,
) -> HttpResponse:
    try:
        if act is not None:
            act()
        else:
            transition(sharing_request, name, actor=request.user, comment=comment, http_request=request)
    except TransitionConflict as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc), "status": exc.sharing_request.status}, status=409)
        return render_request_page(request, exc.sharing_request, status=409, error=str(exc))
    except ValidationError as exc:
        show_errors(form, exc)
        return render_request_page(request, sharing_request, status=400, forms={form_name: form})
    sharing_request.refresh_from_db(fields=["status"])
    messages.success(request, f"{sharing_request.reference} is now: {sharing_request.get_status_display()}.")
    return redirect("request_detail", reference=sharing_request.reference)


def decision_form_for(
    sharing_request: SharingRequest,
    data: Any = None,
    *,
    assessment: Assessment | None,
    signoffs: list[SignOff] | None = None,
) -> DecisionForm:
    """The signer's form: the latest assessment's conditions, ticked as the last stage left them.

    ``signoffs``: every sign-off of ``assessment``, when the caller has read them already."""
    conditions = engine_conditions(assessment) if assessment is not None else []
    initial = {"kept_conditions": starting_conditions(assessment, signoffs)} if assessment is not None else {}
    return DecisionForm(data, engine_conditions=conditions, initial=initial)


@require_POST
def request_decide(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Two posts: the first shows what is being signed (and any override) to confirm, the second signs."""
    sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
    if not any(action.is_decision for action in available_transitions(request.user, sharing_request)):
        raise PermissionDenied(
            "Only the signer of the stage under way can decide, never on their own request."
        )
    assessment = _latest_assessment(sharing_request)
    form = decision_form_for(sharing_request, request.POST, assessment=assessment)
    if assessment is None or not form.is_valid():
        return render_request_page(request, sharing_request, status=400, forms={"decision_form": form})
    data = form.cleaned_data
    arguments: dict[str, Any] = {
        "decision": data["decision"],
        "kept_keys": data.get("kept_conditions", []),
        "extra_conditions": data["conditions"],
        "required_method": data["required_method"],
        "reasons": data["comment"],
    }
    try:
        terms = decision_terms(assessment=assessment, **arguments)
    except ValidationError as exc:
        show_errors(form, exc)
        return render_request_page(request, sharing_request, status=400, forms={"decision_form": form})
    if not data["confirmed"]:
        return render(
            request,
            "requests_app/decision_confirm.html",
            {"sharing_request": sharing_request, "assessment": assessment, "terms": terms, "form": form},
        )
    return _fire(
        request,
        sharing_request,
        data["decision"],
        form_name="decision_form",
        form=form,
        act=lambda: sharing_request_decide(
            sharing_request=sharing_request, actor=request.user, http_request=request, **arguments
        ),
    )


@require_POST
def request_transition(request: AuthenticatedHttpRequest, reference: str, name: str) -> HttpResponse:
    sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
    spec = TRANSITIONS.get(name)
    if spec is None or spec.is_decision or name == "submit":
        raise Http404("No such action.")
    # Fieldless: the service's message (a missing reason, a missing log entry) is shown by the button.
    form = Form(data={})
    form.is_valid()
    return _fire(
        request,
        sharing_request,
        name,
        comment=request.POST.get("comment", ""),
        form_name=f"{name}_form",
        form=form,
    )


def is_ig_team_reviewer(user: User, sharing_request: SharingRequest) -> bool:
    return is_ig_team(user) and sharing_request.requester_id != user.pk


def _request_form_action(
    request: AuthenticatedHttpRequest,
    reference: str,
    *,
    form_class: type[Form],
    form_name: str,
    act: Callable[[SharingRequest, dict[str, Any]], object],
    done: str,
    may_act: Callable[[User, SharingRequest], bool],
) -> HttpResponse:
    """Bind a form on the request page, call one service with its data, and come back to the page.

    Who may act is checked before the form: someone who may not gets 403, not a form error.
    """
    sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
    if not may_act(request.user, sharing_request):
        raise PermissionDenied("You cannot do this on this request.")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(sharing_request, form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("request_detail", reference=reference)
    return render_request_page(request, sharing_request, status=400, forms={form_name: form})


@require_POST
def request_add_stage(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    return _request_form_action(
        request,
        reference,
        form_class=AddStageForm,
        form_name="add_stage_form",
        act=lambda target, data: sharing_request_add_stage(
            sharing_request=target,
            stage=data["stage"],
            reason=data["reason"],
            actor=request.user,
            http_request=request,
        ),
        done="Sign-off stage added.",
        may_act=is_ig_team_reviewer,
    )


@require_POST
def request_assign(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    return _request_form_action(
        request,
        reference,
        form_class=AssignForm,
        form_name="assign_form",
        act=lambda target, data: sharing_request_assign(
            sharing_request=target, assignee=data["assignee"], actor=request.user, http_request=request
        ),
        done="Assignment saved.",
        may_act=is_ig_team_reviewer,
    )


@require_POST
def request_add_partner(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The IG team adds the recipient the requester named, not yet a partner, and links it in one step."""
    return _request_form_action(
        request,
        reference,
        form_class=PartnerFromRequestForm,
        form_name="add_partner_form",
        act=lambda target, data: sharing_request_add_partner(
            sharing_request=target, actor=request.user, http_request=request, **data
        ),
        done="Partner added and named as this request's recipient.",
        may_act=lambda user, target: can_manage_organisations(user),
    )


@require_POST
def request_comment(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    return _request_form_action(
        request,
        reference,
        form_class=CommentForm,
        form_name="comment_form",
        act=lambda target, data: request_comment_add(
            sharing_request=target, author=request.user, body=data["body"], http_request=request
        ),
        done="Comment added.",
        may_act=lambda user, target: can_comment_on_request(user, target.requester_id),
    )


@require_GET
def assessment_detail(request: AuthenticatedHttpRequest, reference: str, number: int) -> HttpResponse:
    sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
    assessment = get_object_or_404(Assessment, request=sharing_request, number=number)
    audit_record(
        action="request.view_assessment", target=sharing_request, request=request, detail={"number": number}
    )
    return render(
        request,
        "requests_app/decision_record.html",
        {"sharing_request": sharing_request, **_assessment_context(assessment), "snapshot": True},
    )


@require_GET
def decision_record(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
    assessment = _latest_assessment(sharing_request)
    if assessment is None:
        raise Http404("This request has no decision record until it is submitted.")
    audit_record(action="request.view_record", target=sharing_request, request=request)
    return render(
        request,
        "requests_app/decision_record.html",
        {
            "sharing_request": sharing_request,
            **_assessment_context(assessment),
            "signoffs": assessment.signoffs.select_related("signer", "on_behalf_of"),
            "history": sharing_request.history.select_related("actor"),
        },
    )


@require_GET
def decision_record_pdf(request: AuthenticatedHttpRequest, reference: str) -> FileResponse:
    """The latest stored decision record, as an attachment named by the record naming convention."""
    sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
    record = sharing_request.decision_records.order_by("-version").first()
    if record is None:
        raise Http404("No decision has been recorded for this request yet.")
    audit_record(
        action="request.export",
        target=sharing_request,
        request=request,
        detail={"document": "decision_record", "version": record.version, "sha256": record.sha256},
    )
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=f"{record.name}.pdf")
