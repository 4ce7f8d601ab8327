"""Supporting documents on a sharing request, an ISA or a processor: one upload and one download path.

Each URL's view only finds its record with the record's own permission-checked getter; what may be
added, by whom, and the audit events are the service's (``services.uploads.DOCUMENT_HOLDERS``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.documents import DocumentForm
from requests_app.models import AccessRequestDocument, SupportingDocument
from requests_app.selectors.assets import get_processor_for_user
from requests_app.selectors.isas import get_agreement_for_user
from requests_app.selectors.sharing import get_sharing_request_for_user
from requests_app.services.audit import audit_record
from requests_app.services.uploads import (
    DocumentHolderRecord,
    can_add_documents,
    display_name,
    document_holder,
    supporting_document_add,
)
from requests_app.views.sharing import render_request_page

# Shows the holder's page again with the refused form, status 400.
RefusedPage = Callable[[DocumentForm], HttpResponse]


def _upload(
    request: AuthenticatedHttpRequest, holder: DocumentHolderRecord, *, done: str, refused: RefusedPage
) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = supporting_document_add(
                holder=holder,
                uploaded_by=request.user,
                upload=form.cleaned_data["file"],
                http_request=request,
            )
        except ValidationError as exc:
            form.add_error("file", _file_errors(exc))
        else:
            messages.success(request, f"{document.original_name} added.")
            return redirect(done)
    return refused(form)


def _download(
    request: AuthenticatedHttpRequest, holder: DocumentHolderRecord, document_id: int
) -> FileResponse:
    kind = document_holder(holder)
    document = get_object_or_404(SupportingDocument, pk=document_id, **{kind.field: holder})
    audit_record(
        action=f"{kind.audit_prefix}.document_download",
        target=holder,
        request=request,
        detail={"document_id": document.pk, "sha256": document.sha256},
    )
    return attachment(document)


def _file_errors(exc: ValidationError) -> list[str]:
    return exc.message_dict.get("file", exc.messages) if hasattr(exc, "error_dict") else exc.messages


def attachment(document: SupportingDocument | AccessRequestDocument) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        # Documents stored before names were cleaned keep their uploader's extension: fix it here too.
        filename=display_name(document.original_name, document.content_type),
        content_type=document.content_type,
    )
    # Even if a browser were persuaded to render it, the file runs no script and reaches nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@require_POST
def document_upload(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
    if not can_add_documents(request.user, sharing_request):
        raise PermissionDenied("Only the requester and the IG team add documents to a request.")
    return _upload(
        request,
        sharing_request,
        done=reverse("request_detail", kwargs={"reference": reference}),
        refused=lambda form: render_request_page(
            request, sharing_request, status=400, forms={"document_form": form}
        ),
    )


@require_GET
def document_download(request: AuthenticatedHttpRequest, reference: str, document_id: int) -> FileResponse:
    sharing_request = get_sharing_request_for_user(request.user, reference, http_request=request)
    return _download(request, sharing_request, document_id)


@require_POST
def agreement_document_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from requests_app.views.isas import agreement_page

    agreement = get_agreement_for_user(request.user, pk, for_change=True, http_request=request)
    return _upload(
        request,
        agreement,
        done=reverse("agreement_detail", kwargs={"pk": pk}),
        refused=lambda form: agreement_page(request, agreement, extra={"document_form": form}, status=400),
    )


@require_GET
def agreement_document_download(request: AuthenticatedHttpRequest, pk: int, document_id: int) -> FileResponse:
    return _download(request, get_agreement_for_user(request.user, pk, http_request=request), document_id)


@require_POST
def processor_document_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from requests_app.views.assets import processor_page

    processor = get_processor_for_user(request.user, pk, for_change=True, http_request=request)
    return _upload(
        request,
        processor,
        done=reverse("processor_detail", kwargs={"pk": pk}),
        refused=lambda form: processor_page(request, processor, extra={"document_form": form}, status=400),
    )


@require_GET
def processor_document_download(request: AuthenticatedHttpRequest, pk: int, document_id: int) -> FileResponse:
    return _download(request, get_processor_for_user(request.user, pk, http_request=request), document_id)
