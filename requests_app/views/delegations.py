"""Delegated sign-off: an officer's page to name a deputy for a period, and to end it early."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.delegations import DelegationForm
from requests_app.models import Delegation
from requests_app.selectors.delegations import delegations_for
from requests_app.services.delegations import delegable_roles_of, delegation_create, delegation_end


@require_http_methods(["GET", "POST"])
def delegation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The delegations a person gave or holds; an officer also gets the form to delegate their sign-off."""
    roles = delegable_roles_of(request.user)
    form = DelegationForm(request.POST or None, roles=roles) if roles else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("You hold no role whose sign-off can be delegated.")
        if form.is_valid():
            try:
                delegation_create(
                    officer=request.user,
                    deputy=form.deputy_user(),
                    role=form.cleaned_data["role"],
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(
                    request, "Your sign-off is delegated. Your deputy can sign from the start date."
                )
                return redirect("delegation_list")
    return render(
        request,
        "requests_app/delegations.html",
        {"form": form, "delegations": delegations_for(request.user), "today": timezone.localdate()},
    )


@require_POST
def delegation_end_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delegation = get_object_or_404(Delegation, pk=pk, officer=request.user)
    delegation_end(delegation=delegation, actor=request.user, request=request)
    messages.success(request, "The delegation has ended: your deputy can no longer sign for you.")
    return redirect("delegation_list")
