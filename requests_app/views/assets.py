"""Pages of the information asset register, the processors and the record of processing (UK GDPR Art 30).

Each page fetches through the checked getter or a list selector and calls one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from requests_app.csv_export import csv_lines
from requests_app.forms.assets import (
    AssetFilterForm,
    AssetForm,
    ProcessorFilterForm,
    ProcessorForm,
    RequestAssetsForm,
    RopaFilterForm,
)
from requests_app.forms.documents import DocumentForm
from requests_app.forms.registers import CommentForm
from requests_app.models import InformationAsset, Processor
from requests_app.permissions import (
    can_change_asset,
    can_change_registers,
    can_read_assets,
    can_read_ropa,
    can_register_assets,
)
from requests_app.selectors import assets as selectors
from requests_app.selectors.registers import PAGE_SIZE, refuse_action
from requests_app.selectors.sharing import get_sharing_request_for_user
from requests_app.services.assets import (
    ASSET_FIELDS,
    asset_create,
    asset_needs_screening,
    asset_update,
    processor_create,
    processor_update,
    ropa_pdf,
    sharing_request_set_assets,
)
from requests_app.services.audit import audit_record
from requests_app.views.registers import actions_for, attachment, fire, list_page


def _may_read(request: AuthenticatedHttpRequest) -> None:
    if not can_read_assets(request.user):
        raise Http404("No such page.")


@require_GET
def asset_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_read(request)
    form = AssetFilterForm(request.GET or None)
    filters = form.filters()
    return list_page(
        request,
        register="assets",
        form=form,
        filters=filters,
        rows=selectors.asset_list(today=timezone.localdate(), **filters),
        template="requests_app/asset_list.html",
        context={"can_register": can_register_assets(request.user)},
    )


@require_http_methods(["GET", "POST"])
def asset_create_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_register_assets(request.user):
        _may_read(request)
        refuse_action(request.user, target_type="asset", wanted="register an asset", http_request=request)
    form = AssetForm(request.POST or None, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            asset = asset_create(actor=request.user, http_request=request, **data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{asset.reference} registered as a draft.")
            return redirect("asset_detail", pk=asset.pk)
    return render(request, "requests_app/asset_form.html", {"form": form, "asset": None})


def _detail_page(
    request: AuthenticatedHttpRequest,
    asset: InformationAsset,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "asset": asset,
        "needs_screening": asset.status != "retired" and asset_needs_screening(asset),
        "history": asset.history.select_related("actor"),
        "actions": actions_for(
            request, asset, url=lambda name: reverse("asset_transition", args=[asset.pk, name])
        ),
        "can_change": can_change_asset(request.user, asset.owner_id, asset.administrator_id),
        "action_form": CommentForm(),
        **selectors.asset_connections(asset),
        **(extra or {}),
    }
    return render(request, "requests_app/asset_detail.html", context, status=status)


@require_GET
def asset_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    asset = selectors.get_asset_for_user(request.user, pk, http_request=request)
    audit_record(action="asset.view", target=asset, request=request)
    return _detail_page(request, asset)


@require_http_methods(["GET", "POST"])
def asset_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    asset = selectors.get_asset_for_user(request.user, pk, for_change=True, http_request=request)
    initial = {name: getattr(asset, name) for name in ASSET_FIELDS}
    initial["processors"] = list(asset.processors.all())
    form = AssetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            asset_update(asset=asset, actor=request.user, http_request=request, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{asset.reference} saved.")
            return redirect("asset_detail", pk=asset.pk)
    return render(request, "requests_app/asset_form.html", {"form": form, "asset": asset})


@require_POST
def asset_transition(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    asset = selectors.get_asset_for_user(request.user, pk, http_request=request)
    return fire(
        request,
        asset,
        name,
        success_url=reverse("asset_detail", args=[asset.pk]),
        render_page=lambda extra, status: _detail_page(request, asset, extra, status),
    )


# --- processors --------------------------------------------------------------------------------------


@require_GET
def processor_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_read(request)
    form = ProcessorFilterForm(request.GET or None)
    filters = form.filters()
    return list_page(
        request,
        register="processors",
        form=form,
        filters=filters,
        rows=selectors.processor_list(**filters),
        template="requests_app/processor_list.html",
        context={"can_change": can_change_registers(request.user), "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def processor_create_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_change_registers(request.user):
        _may_read(request)
        refuse_action(
            request.user, target_type="processor", wanted="register a processor", http_request=request
        )
    form = ProcessorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            processor = processor_create(actor=request.user, http_request=request, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{processor.name} registered.")
            return redirect("processor_detail", pk=processor.pk)
    return render(request, "requests_app/processor_form.html", {"form": form, "processor": None})


def processor_page(
    request: AuthenticatedHttpRequest,
    processor: Processor,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "processor": processor,
        "assets": processor.assets.select_related("owner").order_by("name"),
        "in_force": processor.contract_in_force(timezone.localdate()),
        "can_change": can_change_registers(request.user),
        "documents": processor.documents.select_related("uploaded_by"),
        "document_form": DocumentForm(),
        **(extra or {}),
    }
    return render(request, "requests_app/processor_detail.html", context, status=status)


@require_GET
def processor_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    processor = selectors.get_processor_for_user(request.user, pk, http_request=request)
    audit_record(action="processor.view", target=processor, request=request)
    return processor_page(request, processor)


@require_http_methods(["GET", "POST"])
def processor_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    processor = selectors.get_processor_for_user(request.user, pk, for_change=True, http_request=request)
    initial = {name: getattr(processor, name) for name in ProcessorForm.base_fields}
    form = ProcessorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            processor_update(
                processor=processor, actor=request.user, http_request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{processor.name} saved.")
            return redirect("processor_detail", pk=processor.pk)
    return render(request, "requests_app/processor_form.html", {"form": form, "processor": processor})


# --- the record of processing ---------------------------------------------------------------------------

ROPA_HEADER = (
    "Reference",
    "Activity",
    "Kind",
    "Asset",
    "Owner",
    "Purpose",
    "Data subjects",
    "Personal data",
    "Special category",
    "Article 6",
    "Article 9",
    "Common law",
    "Recipients",
    "Processors",
    "Retention",
    "Security measures",
    "Agreement or contract",
    "Agreement ends",
)


def ropa_csv_row(row: selectors.RopaRow) -> list[object]:
    return [
        row.reference,
        row.activity,
        row.kind,
        row.asset,
        row.owner,
        row.purpose,
        row.data_subjects,
        row.personal_data,
        row.special_category,
        row.art6,
        row.art9,
        row.confidentiality,
        row.recipients,
        row.processors,
        row.retention,
        row.security_measures,
        row.agreement,
        row.agreement_ends,
    ]


def _ropa_filters(request: AuthenticatedHttpRequest) -> tuple[RopaFilterForm, dict[str, Any]]:
    if not can_read_ropa(request.user):
        raise Http404("No such page.")
    form = RopaFilterForm(request.GET or None)
    return form, form.filters()


@require_GET
def ropa(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _ropa_filters(request)
    # Paged in the database: two counts and one page of rows, however large the registers grow.
    page = Paginator(selectors.ropa_rows(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        action="register.view",
        request=request,
        detail={
            "register": "ropa",
            "page": page.number,
            "filters": {k: str(v) for k, v in filters.items() if v},
        },
    )
    return render(
        request,
        "requests_app/ropa.html",
        {"form": form, "page": page, "export_query": request.GET.urlencode()},
    )


def _stream(
    request: AuthenticatedHttpRequest, name: str, header: tuple[str, ...], rows: Any
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment(f"{timezone.localdate():%Y%m%d} {name}.csv")
    return response


@require_GET
def ropa_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    _, filters = _ropa_filters(request)
    audit_record(
        action="ropa.export",
        request=request,
        detail={"register": "ropa", "filters": {k: str(v) for k, v in filters.items() if v}},
    )
    return _stream(
        request,
        "Record of processing",
        ROPA_HEADER,
        (ropa_csv_row(row) for row in selectors.ropa_rows(**filters)),
    )


@require_GET
def ropa_pdf_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    _, filters = _ropa_filters(request)
    today = timezone.localdate()
    pdf = ropa_pdf(rows=selectors.ropa_rows(**filters), today=today)
    audit_record(
        action="ropa.export",
        request=request,
        detail={
            "register": "ropa",
            "document": "pdf",
            "filters": {k: str(v) for k, v in filters.items() if v},
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"{today:%Y%m%d} Record of processing.pdf")
    return response


DSPT_HEADER = (
    "Asset",
    "Name",
    "Owner",
    "Article 6",
    "Article 9",
    "Common law",
    "Recipients",
    "Agreements in place",
    "Earliest end",
)


@require_GET
def dspt_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    if not can_read_ropa(request.user):
        raise Http404("No such page.")
    audit_record(action="ropa.export", request=request, detail={"register": "dspt"})
    rows = (
        [
            row.asset,
            row.name,
            row.owner,
            row.art6,
            row.art9,
            row.confidentiality,
            row.recipients,
            row.agreements_in_place,
            row.earliest_end,
        ]
        for row in selectors.dspt_rows(today=timezone.localdate())
    )
    return _stream(request, "DSPT asset and flow evidence", DSPT_HEADER, rows)


# --- the assets a sharing request draws on --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_assets(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The requester names the registered assets the data comes from."""
    sharing_request = get_sharing_request_for_user(
        request.user, reference, for_change=True, http_request=request
    )
    form = RequestAssetsForm(request.POST or None, initial={"assets": list(sharing_request.assets.all())})
    if request.method == "POST" and form.is_valid():
        try:
            sharing_request_set_assets(
                sharing_request=sharing_request,
                assets=form.cleaned_data["assets"],
                actor=request.user,
                http_request=request,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{sharing_request.reference}: information assets saved.")
            return redirect("request_detail", reference=sharing_request.reference)
    return render(
        request, "requests_app/request_assets.html", {"form": form, "sharing_request": sharing_request}
    )
