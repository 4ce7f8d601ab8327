from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.catalogue import DataItemTypeForm
from requests_app.models import DataItemType
from requests_app.permissions import can_manage_organisations
from requests_app.services.catalogue import data_item_type_save
from requests_app.views.editing import edit_page


@require_GET
def catalogue_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "requests_app/catalogue_list.html",
        {"item_types": DataItemType.objects.all(), "can_manage": can_manage_organisations(request.user)},
    )


def _save(request: AuthenticatedHttpRequest, item_type: DataItemType | None) -> HttpResponse:
    return edit_page(
        request,
        allowed=can_manage_organisations(request.user),
        form=DataItemTypeForm(request.POST or None, instance=item_type),
        save=lambda data: data_item_type_save(actor=request.user, item_type=item_type, **data),
        heading=f"Edit {item_type.name}" if item_type else "Add a data item",
        list_url="catalogue_list",
        list_text="Back to the data item catalogue",
    )


@require_http_methods(["GET", "POST"])
def catalogue_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _save(request, None)


@require_http_methods(["GET", "POST"])
def catalogue_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _save(request, get_object_or_404(DataItemType, pk=pk))
