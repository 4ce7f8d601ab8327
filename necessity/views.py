"""The wizard: one view per step, drafts saved in the database, and the review before submission."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from igportal.types import AuthenticatedHttpRequest
from necessity.assessment import assess_saved, step_for_path
from necessity.presenters import present_result, summarise_answers
from necessity.rules import AnswersError, answers_to_dict, result_to_dict
from necessity.steps import (
    REVIEW,
    REVIEW_NUMBER,
    SECTION_NUMBER,
    SECTIONS,
    STEPS,
    STEPS_BY_NAME,
    Step,
    applicable_steps,
    missing_steps,
    sections,
)
from requests_app.models import RequestItem, SharingRequest
from requests_app.selectors.sharing import get_sharing_request_for_user
from requests_app.services.sharing import (
    can_raise_requests,
    sharing_request_keep_input,
    sharing_request_save_step,
    sharing_request_start,
    sharing_request_submit,
)

# Steps whose questions are asked about the chosen items; without items there is nothing to ask.
_NEEDS_ITEMS = frozenset({"items", "police"})


def _items(sharing_request: SharingRequest) -> list[RequestItem]:
    return list(sharing_request.items.select_related("item_type"))


def _steps(sharing_request: SharingRequest, items: list[RequestItem]) -> list[Step]:
    special = any(item.item_type.special_category for item in items)
    return applicable_steps(sharing_request.answers, special_category=special)


def _neighbour(steps: list[Step], name: str, offset: int) -> str:
    names = [step.name for step in steps]
    if name not in names:
        return names[0]
    index = names.index(name) + offset
    if index < 0:
        return names[0]
    return names[index] if index < len(names) else REVIEW


def step_url(sharing_request: SharingRequest, step: str) -> str:
    if step == REVIEW:
        return reverse("wizard_review", args=[sharing_request.reference])
    return reverse("wizard_step", args=[sharing_request.reference, step])


def _initial(step: Step, sharing_request: SharingRequest) -> dict[str, Any]:
    """Saved answers, overlaid with anything typed but not yet saved (so nothing is lost)."""
    initial = step.form_class.initial_from(sharing_request.answers.get(step.name, {}))
    multi = {
        name
        for name, field in step.form_class.base_fields.items()
        if isinstance(field, forms.MultipleChoiceField)
    }
    for name, values in sharing_request.draft_input.get(step.name, {}).items():
        initial[name] = values if name in multi else (values[0] if values else "")
    return initial


@require_http_methods(["GET", "POST"])
def wizard_step(request: AuthenticatedHttpRequest, reference: str, step: str) -> HttpResponse:
    sharing_request = get_sharing_request_for_user(
        request.user, reference, for_change=True, http_request=request
    )
    spec = STEPS_BY_NAME.get(step)
    if spec is None:
        raise Http404("No such step.")
    items = _items(sharing_request)
    steps = _steps(sharing_request, items)
    if spec not in steps:
        messages.info(request, f"The step '{spec.title}' does not apply to this request any more.")
        return redirect(step_url(sharing_request, _neighbour(steps, step, 0)))
    if step in _NEEDS_ITEMS and not items:
        messages.info(request, "Choose the data items first.")
        return redirect(step_url(sharing_request, "data"))

    if request.method == "POST":
        action = request.POST.get("action", "continue")
        form = spec.form_class(request.POST, items=items, saved=sharing_request.answers)
        if form.is_valid():
            saved = sharing_request_save_step(
                sharing_request=sharing_request,
                actor=request.user,
                step=step,
                values=form.to_answers(),
                next_step=step,
            )
        else:
            saved = sharing_request_keep_input(
                sharing_request=sharing_request,
                actor=request.user,
                step=step,
                raw=form.kept_input(),
                current_step=step,
            )
            if action == "continue":
                return _render_step(request, saved, spec, form, steps)
        return _after_save(request, saved, step, action)

    form = spec.form_class(
        initial=_initial(spec, sharing_request), items=items, saved=sharing_request.answers
    )
    return _render_step(request, sharing_request, spec, form, steps)


def _after_save(
    request: AuthenticatedHttpRequest, saved: SharingRequest, step: str, action: str
) -> HttpResponse:
    if action == "save_exit":
        messages.success(request, f"Your draft {saved.reference} is saved. Continue it from your requests.")
        return redirect("request_list")
    steps = _steps(saved, _items(saved))
    target = _neighbour(steps, step, -1 if action == "back" else 1)
    if target != REVIEW:
        SharingRequest.objects.filter(pk=saved.pk).update(current_step=target)
    return redirect(step_url(saved, target))


def _creation_key(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        raise BadRequest("The form is missing its key; open 'Start a new sharing request' again.") from None


@require_http_methods(["GET", "POST"])
def wizard_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The first step of a new request. Nothing is stored until it is saved: opening it and leaving
    makes no empty draft, and the form's key makes the same form posted twice one draft, not two."""
    if not can_raise_requests(request.user):
        raise Http404("No such page.")
    spec = STEPS[0]
    steps = applicable_steps({}, special_category=False)
    if request.method == "POST":
        key = _creation_key(request.POST.get("creation_key"))
        action = request.POST.get("action", "continue")
        form = spec.form_class(request.POST)
        if form.is_valid():
            saved = sharing_request_start(
                requester=request.user, creation_key=key, step=spec.name, values=form.to_answers()
            )
        elif action == "save_exit":
            saved = sharing_request_start(
                requester=request.user, creation_key=key, step=spec.name, raw=form.kept_input()
            )
        else:
            return _render_step(request, None, spec, form, steps, creation_key=key)
        return _after_save(request, saved, spec.name, action)
    return _render_step(request, None, spec, spec.form_class(), steps, creation_key=uuid.uuid4())


def _render_step(
    request: AuthenticatedHttpRequest,
    sharing_request: SharingRequest | None,
    spec: Step,
    form: forms.Form,
    steps: list[Step],
    *,
    creation_key: uuid.UUID | None = None,
) -> HttpResponse:
    return render(
        request,
        "necessity/wizard_step.html",
        {
            "sharing_request": sharing_request,
            "creation_key": creation_key,
            "step": spec,
            "form": form,
            "sections": sections(steps),
            "position": SECTION_NUMBER[spec.name],
            "total": REVIEW_NUMBER,
            "section_title": SECTIONS[SECTION_NUMBER[spec.name] - 1],
            "is_first": steps[0].name == spec.name,
            "completed": set(sharing_request.answers) if sharing_request else set(),
            "unsaved": set(sharing_request.draft_input) if sharing_request else set(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def wizard_review(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    sharing_request = get_sharing_request_for_user(
        request.user, reference, for_change=True, http_request=request
    )
    items = _items(sharing_request)
    steps = _steps(sharing_request, items)
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            sharing_request_submit(
                sharing_request=sharing_request, actor=request.user, today=timezone.localdate()
            )
        except ValidationError as exc:
            problems = [("", message) for message in exc.messages]
        else:
            messages.success(
                request, f"{sharing_request.reference} is submitted. The IG team will review it."
            )
            return redirect("request_detail", reference=sharing_request.reference)

    special = any(item.item_type.special_category for item in items)
    missing = missing_steps(sharing_request.answers, special_category=special)
    result = answers = None
    policy_version: int | None = None
    if not missing:
        try:
            assembled, assessed, in_force = assess_saved(
                sharing_request.answers,
                [item.item_type for item in items],
                today=timezone.localdate(),
                recipient=sharing_request.recipient,
            )
        except AnswersError as exc:
            problems += [
                (
                    step_url(sharing_request, step_for_path(path)),
                    f"{STEPS_BY_NAME[step_for_path(path)].title}: {msg}",
                )
                for path, msg in exc.errors
            ]
        else:
            result = present_result(result_to_dict(assessed))
            answers = summarise_answers(answers_to_dict(assembled))
            policy_version = in_force.version
    return render(
        request,
        "necessity/review.html",
        {
            "sharing_request": sharing_request,
            "missing": missing,
            "unsaved_steps": [
                STEPS_BY_NAME[name] for name in sharing_request.draft_input if name in STEPS_BY_NAME
            ],
            "unsaved": set(sharing_request.draft_input),
            "problems": problems,
            "result": result,
            "policy_version": policy_version,
            "answers": answers,
            "sections": sections(steps),
            "position": REVIEW_NUMBER,
            "total": REVIEW_NUMBER,
            "completed": set(sharing_request.answers),
        },
        status=400 if problems and request.method == "POST" else 200,
    )
