from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.organisations import (
    OrganisationFilterForm,
    OrganisationForm,
    OrganisationPolicyForm,
    OrganisationSettingsForm,
    SignatoryForm,
)
from requests_app.models import Organisation, OrganisationPolicy, OrganisationSettings, PartnerSignatory
from requests_app.permissions import can_edit_organisation_settings, can_manage_organisations
from requests_app.selectors import organisations as selectors
from requests_app.services import organisations as services
from requests_app.views.editing import edit_page


@require_GET
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    search = kind = ""
    lapsed_only = False
    if form.is_valid():
        search, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
        lapsed_only = form.cleaned_data["lapsed"]
    return render(
        request,
        "requests_app/organisation_list.html",
        {
            "form": form,
            "organisations": selectors.organisation_list(
                today=timezone.localdate(), search=search, kind=kind, lapsed_only=lapsed_only
            ),
            "can_manage": can_manage_organisations(request.user),
        },
    )


def _save_organisation(request: AuthenticatedHttpRequest, organisation: Organisation | None) -> HttpResponse:
    def save(data: dict[str, Any]) -> Organisation:
        if organisation is None:
            return services.organisation_create(actor=request.user, **data)
        return services.organisation_update(organisation=organisation, actor=request.user, **data)

    return edit_page(
        request,
        allowed=can_manage_organisations(request.user),
        form=OrganisationForm(request.POST or None, instance=organisation),
        save=save,
        heading=f"Edit {organisation.name}" if organisation else "Add a partner organisation",
        list_url="organisation_list",
        list_text="Back to partner organisations",
    )


@require_http_methods(["GET", "POST"])
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _save_organisation(request, None)


@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _save_organisation(request, get_object_or_404(Organisation, pk=pk))


@require_http_methods(["GET", "POST"])
def organisation_signatories(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who signs agreements for the partner; the IG team adds and removes them here."""
    if not can_manage_organisations(request.user):
        raise Http404("No such page.")
    organisation = get_object_or_404(Organisation, pk=pk)
    form = SignatoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signatory = services.signatory_add(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{signatory.name} signs for {organisation.name}.")
            return redirect("organisation_signatories", pk=organisation.pk)
    return render(
        request,
        "requests_app/organisation_signatories.html",
        {
            "organisation": organisation,
            "signatories": organisation.signatories.filter(active=True).order_by("name"),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def organisation_signatory_remove(
    request: AuthenticatedHttpRequest, pk: int, signatory_id: int
) -> HttpResponse:
    if not can_manage_organisations(request.user):
        raise Http404("No such page.")
    signatory = get_object_or_404(PartnerSignatory, pk=signatory_id, organisation_id=pk)
    services.signatory_remove(signatory=signatory, actor=request.user)
    messages.success(request, f"{signatory.name} no longer signs for {signatory.organisation.name}.")
    return redirect("organisation_signatories", pk=pk)


@require_GET
def organisation_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "requests_app/organisation_settings.html",
        {
            "portal": OrganisationSettings.load(),
            "can_edit": can_edit_organisation_settings(request.user),
            "policies": OrganisationPolicy.objects.select_related("created_by")[:20],
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_settings_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_edit_organisation_settings(request.user):
        raise Http404("No such page.")
    form = OrganisationSettingsForm(request.POST or None, instance=OrganisationSettings.load())
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_settings_update(
                actor=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Organisation settings saved.")
            return redirect("organisation_settings")
    return render(request, "requests_app/organisation_settings_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def organisation_policy_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_edit_organisation_settings(request.user):
        raise Http404("No such page.")
    current = OrganisationPolicy.current()
    form = OrganisationPolicyForm(request.POST or None, instance=OrganisationPolicy(**_values(current)))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.organisation_policy_update(
                actor=request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Rules policy version {saved.version} is now in force.")
            return redirect("organisation_settings")
    return render(request, "requests_app/organisation_policy_form.html", {"form": form, "current": current})


def _values(policy: OrganisationPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in services.POLICY_FIELDS}
