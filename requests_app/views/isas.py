"""Pages of the ISA register. Each fetches through the checked getter or the list selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest
from requests_app.forms.documents import DocumentForm
from requests_app.forms.isas import AgreementForm, DeclineForm, OurSignatureForm, QuestionForm, SignForm
from requests_app.forms.registers import AgreementFilterForm, CommentForm
from requests_app.models import (
    AgreementDocument,
    AgreementSignature,
    AgreementStatus,
    AgreementVersion,
    SharingAgreement,
    SignatureStatus,
)
from requests_app.permissions import can_change_registers, can_read_agreements
from requests_app.selectors import isas as selectors
from requests_app.selectors.registers import refuse_change
from requests_app.services import isas as services
from requests_app.services.audit import audit_record
from requests_app.services.documents import agreement_preview_render
from requests_app.views.registers import (
    RegisterCreate,
    RegisterList,
    RegisterPages,
    actions_for,
    attachment,
    fire,
)

CSV_HEADER = (
    "Reference",
    "Title",
    "Version shown",
    "Status",
    "Partners",
    "Start",
    "End",
    "Next review",
    "Review overdue",
    "Running data flows",
    "Latest version",
    "Latest version status",
)


def _csv_row(agreement: Any) -> list[object]:
    shown: AgreementVersion | None = agreement.shown
    return [
        agreement.reference,
        agreement.title,
        f"v{shown.number}" if shown else "",
        AgreementStatus(agreement.shown_status).label if agreement.shown_status else "",
        "; ".join(party.name for party in shown.parties.all()) if shown else "",
        shown.start_on if shown else None,
        shown.end_on if shown else None,
        shown.review_on if shown else None,
        agreement.overdue,
        agreement.flow_count,
        f"v{agreement.latest_number}" if agreement.latest_number else "",
        AgreementStatus(agreement.latest_status).label if agreement.latest_status else "",
    ]


def _version_page(
    request: AuthenticatedHttpRequest,
    version: AgreementVersion,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    agreement = version.agreement
    versions = list(agreement.versions.select_related("approved_by").order_by("-number"))
    latest = versions[0]
    can_change = can_change_registers(request.user)
    context: dict[str, Any] = {
        "agreement": agreement,
        "version": version,
        "versions": versions,
        "latest": latest,
        "parties": version.parties.order_by("name"),
        "items": version.data_items.all(),
        "history": version.history.select_related("actor"),
        "flows": agreement.flows.select_related("recipient").order_by("reference"),
        "document": AgreementDocument.objects.filter(version=version).first(),
        "supporting_documents": agreement.documents.select_related("uploaded_by"),
        "can_add_agreement_documents": can_change,
        "document_form": DocumentForm(),
        "actions": actions_for(
            request,
            version,
            url=lambda name: reverse("agreement_transition", args=[agreement.pk, version.number, name]),
        ),
        "can_edit": can_change and (latest.is_editable or latest.status in services.RENEWABLE),
        "edit_starts_new_version": latest.status in services.RENEWABLE,
        "previewable": version.status in services.UNAPPROVED,
        "overdue": version.status == AgreementStatus.ACTIVE
        and version.review_on is not None
        and version.review_on < timezone.localdate(),
        "action_form": CommentForm(),
        "signatures": version.signatures.exclude(status=SignatureStatus.SUPERSEDED).select_related(
            "organisation", "signatory", "signed_by"
        ),
        "may_sign_for_us": version.status == AgreementStatus.AWAITING_SIGNATURES
        and services.may_sign_for_us(request.user, version)
        and version.signatures.filter(organisation=None, status=SignatureStatus.PENDING).exists(),
        "assurance_lapses": [
            (party, lapses)
            for party in version.parties.order_by("name")
            if (lapses := party.assurance_lapses(timezone.localdate()))
        ],
        "sign_form": OurSignatureForm(),
        "declaration": services.DECLARATION,
        **(extra or {}),
    }
    return render(request, "requests_app/agreement_detail.html", context, status=status)


def _shown(agreement: SharingAgreement) -> AgreementVersion:
    versions = agreement.versions.select_related("agreement", "created_by", "approved_by")
    shown = versions.filter(status=AgreementStatus.ACTIVE).first() or versions.order_by("-number").first()
    assert shown is not None
    return shown


def agreement_page(
    request: AuthenticatedHttpRequest,
    agreement: SharingAgreement,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The agreement's page at the version in force (or the latest), for views that act on it."""
    return _version_page(request, _shown(agreement), extra, status)


@require_GET
def agreement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request.user, pk, http_request=request)
    version = _shown(agreement)
    audit_record(action="isa.view", target=version, request=request)
    return _version_page(request, version)


@require_GET
def agreement_version(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    version = selectors.get_agreement_version_for_user(request.user, pk, number, http_request=request)
    audit_record(action="isa.view", target=version, request=request)
    return _version_page(request, version)


@require_POST
def agreement_transition(request: AuthenticatedHttpRequest, pk: int, number: int, name: str) -> HttpResponse:
    version = selectors.get_agreement_version_for_user(request.user, pk, number, http_request=request)
    return fire(
        request,
        version,
        name,
        success_url=reverse("agreement_version", args=[pk, number]),
        render_page=lambda extra, status: _version_page(request, version, extra, status),
    )


def _service_data(form: AgreementForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["parties"] = list(data["parties"])
    data["data_items"] = list(data["data_items"])
    return data


def _initial(version: AgreementVersion) -> dict[str, Any]:
    return {
        **services.version_content(version),
        "title": version.agreement.title,
        "parties": [party.pk for party in version.parties.all()],
        "data_items": [item.pk for item in version.data_items.all()],
    }


def _new_form(request: AuthenticatedHttpRequest, start: dict[str, Any]) -> AgreementForm:
    today = timezone.localdate()
    return AgreementForm(
        request.POST or None,
        initial={
            "onward_sharing_prohibited": True,
            "security_measures": services.STANDARD_SECURITY,
            "subject_rights": services.STANDARD_SUBJECT_RIGHTS,
            "breach_handling": services.STANDARD_BREACH_HANDLING,
            "start_on": today,
            "review_on": today + services.REVIEW_INTERVAL,
        },
    )


# An ISA is shown by version (the one in force, or any other), so its detail, version and transition
# pages are its own; the list, export and creation are the register's.
PAGES = RegisterPages[SharingAgreement](
    kind="isa",
    name="agreement",
    prefix="registers/agreements/",
    noun="agreement",
    may_open=can_read_agreements,
    get=selectors.get_agreement_for_user,
    listing=RegisterList(
        register="agreements",
        filter_form=AgreementFilterForm,
        rows=lambda request, filters, now: selectors.agreement_list(
            user=request.user, today=timezone.localdate(now), **filters
        ),
        template="requests_app/agreement_list.html",
        context=lambda request, now: {"can_change": can_change_registers(request.user)},
        decorate=selectors.with_shown_versions,
        csv_name="Information sharing agreement",
        header=CSV_HEADER,
        row=_csv_row,
    ),
    creating=RegisterCreate[AgreementVersion](
        wanted="draft an ISA",
        template="requests_app/agreement_form.html",
        new_form=_new_form,
        save=lambda request, form, start: services.agreement_create(
            actor=request.user,
            http_request=request,
            **_service_data(form),  # type: ignore[arg-type]
        ),
        created=lambda version: f"{version.agreement.reference} drafted.",
        url=lambda version: reverse("agreement_version", args=[version.agreement_id, version.number]),
        context=lambda start: {"heading": "Draft an ISA"},
    ),
)


@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change the draft; or, for an agreement in force or expired, draft its next version."""
    agreement = selectors.get_agreement_for_user(request.user, pk, for_change=True, http_request=request)
    latest = agreement.versions.order_by("-number").first()
    assert latest is not None
    new_version = latest.status in services.RENEWABLE
    if not (latest.is_editable or new_version):
        refuse_change(
            request.user,
            target=latest,
            wanted=f"change an agreement that is {latest.get_status_display().lower()}",
            http_request=request,
        )
    form = AgreementForm(request.POST or None, initial=_initial(latest), new_version=new_version)
    if request.method == "POST" and form.is_valid():
        try:
            if new_version:
                version = services.agreement_new_version(
                    agreement=agreement, actor=request.user, http_request=request, **_service_data(form)
                )
            else:
                version = services.agreement_version_update(
                    version=latest, actor=request.user, http_request=request, **_service_data(form)
                )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{version.audit_label} saved as a draft.")
            return redirect("agreement_version", pk=agreement.pk, number=version.number)
    heading = (
        f"Draft version {latest.number + 1} of {agreement.reference}"
        if new_version
        else f"Change the draft of {latest.audit_label}"
    )
    return render(
        request,
        "requests_app/agreement_form.html",
        {"form": form, "heading": heading, "agreement": agreement},
    )


@require_GET
def agreement_pdf(request: AuthenticatedHttpRequest, pk: int, number: int) -> FileResponse:
    """The stored PDF of a version that came into force, as an attachment named by the convention."""
    version = selectors.get_agreement_version_for_user(request.user, pk, number, http_request=request)
    document = AgreementDocument.objects.filter(version=version).first()
    if document is None:
        raise Http404(
            "This version has no stored PDF: it has not come into force, or is still being rendered."
        )
    audit_record(
        action="isa.export",
        target=version,
        request=request,
        detail={"document": "isa", "version": version.number, "sha256": document.sha256},
    )
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=f"{document.name}.pdf")


@require_GET
def agreement_preview(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    """A draft's PDF as it would read, rendered now and marked as a draft; not stored."""
    version = selectors.get_agreement_version_for_user(request.user, pk, number, http_request=request)
    if version.status not in services.UNAPPROVED:
        raise Http404("Only a draft is previewed; download the stored PDF of an approved version.")
    name, pdf = agreement_preview_render(version=version)
    audit_record(
        action="isa.export",
        target=version,
        request=request,
        detail={"document": "isa_preview", "version": version.number},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"{name}.pdf")
    return response


# --- signatures -------------------------------------------------------------------------------------------
# A partner's signatory has no account: the link is the only key, and these pages show that one version.


def _signing_page(
    request: HttpRequest,
    signature: AgreementSignature,
    token: str,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    version = signature.version
    context: dict[str, Any] = {
        "signature": signature,
        "document": services.agreement_document(version, today=timezone.localdate()),
        "declaration": services.DECLARATION,
        "token": token,
        "sign_form": SignForm(initial={"name": signature.signatory.name if signature.signatory else ""}),
        "decline_form": DeclineForm(),
        "question_form": QuestionForm(),
        **(forms or {}),
    }
    response = render(request, "requests_app/agreement_sign.html", context, status=status)
    add_never_cache_headers(response)
    return response


@login_not_required
@require_GET
def agreement_sign(request: HttpRequest, token: str) -> HttpResponse:
    signature = selectors.get_signature_by_link(token, http_request=request)
    services.signature_opened(signature=signature, http_request=request)
    return _signing_page(request, signature, token)


@login_not_required
@require_GET
def agreement_sign_pdf(request: HttpRequest, token: str) -> FileResponse:
    """The signing copy: the very PDF whose hash a signature records."""
    signature = selectors.get_signature_by_link(token, http_request=request)
    version = signature.version
    if not version.signing_sha256:
        raise Http404("The signing copy is still being prepared: try again in a minute.")
    audit_record(
        action="isa.export",
        actor=None,
        target=version,
        request=request,
        detail={"document": "isa_signing_copy", "version": version.number, "sha256": version.signing_sha256},
    )
    name = services.agreement_document_name(version, on=timezone.localdate())
    response = FileResponse(version.signing_copy.open("rb"), as_attachment=True, filename=f"{name}.pdf")
    add_never_cache_headers(response)
    return response


def _act(
    request: HttpRequest,
    token: str,
    form_class: type[SignForm | DeclineForm | QuestionForm],
    form_key: str,
    act: Any,
    done: str,
) -> HttpResponse:
    signature = selectors.get_signature_by_link(token, http_request=request)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(signature, form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            response = render(
                request, "requests_app/agreement_sign_done.html", {"done": done, "signature": signature}
            )
            add_never_cache_headers(response)
            return response
    return _signing_page(request, signature, token, {form_key: form}, status=400)


@login_not_required
@require_POST
def agreement_sign_submit(request: HttpRequest, token: str) -> HttpResponse:
    return _act(
        request,
        token,
        SignForm,
        "sign_form",
        lambda signature, data: services.signature_sign(signature=signature, http_request=request, **data),
        "Thank you: your signature is recorded.",
    )


@login_not_required
@require_POST
def agreement_sign_decline(request: HttpRequest, token: str) -> HttpResponse:
    return _act(
        request,
        token,
        DeclineForm,
        "decline_form",
        lambda signature, data: services.signature_decline(signature=signature, http_request=request, **data),
        "You declined to sign. The IG team has your reasons and will send a new version.",
    )


@login_not_required
@require_POST
def agreement_sign_question(request: HttpRequest, token: str) -> HttpResponse:
    signature = selectors.get_signature_by_link(token, http_request=request)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.signature_question(signature=signature, http_request=request, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return _signing_page(request, signature, token, {"question_sent": True})
    return _signing_page(request, signature, token, {"question_form": form}, status=400)


@require_POST
def agreement_sign_ours(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    """Our Caldicott Guardian signs in the portal."""
    version = selectors.get_agreement_version_for_user(request.user, pk, number, http_request=request)
    if not services.may_sign_for_us(request.user, version):
        refuse_change(request.user, target=version, wanted="sign the agreement for us", http_request=request)
    form = OurSignatureForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_sign_ours(
                version=version, actor=request.user, http_request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"You signed {version.audit_label} for us.")
            return redirect("agreement_version", pk=pk, number=number)
    return _version_page(request, version, {"sign_form": form}, status=400)


@require_POST
def agreement_signature_resend(
    request: AuthenticatedHttpRequest, pk: int, number: int, signature_id: int
) -> HttpResponse:
    """A new link for a partner still to sign; the old one stops working."""
    version = selectors.get_agreement_version_for_user(
        request.user, pk, number, for_change=True, http_request=request
    )
    signature = get_object_or_404(AgreementSignature, pk=signature_id, version=version)
    try:
        services.signature_resend(signature=signature, actor=request.user, http_request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        assert signature.organisation is not None
        messages.success(
            request, f"A new link was sent to {signature.organisation.name}; the old one no longer works."
        )
    return redirect("agreement_version", pk=pk, number=number)
