from django.urls import URLPattern, URLResolver, include, path

from necessity import views as wizard_views
from requests_app.views import (
    access,
    assets,
    audit,
    catalogue,
    chasers,
    consent,
    delegations,
    disclosures,
    documents,
    dpias,
    flows,
    home,
    incidents,
    isas,
    notifications,
    organisations,
    overrides,
    queues,
    registers,
    retention,
    sharing,
    transparency,
)

# Each group's routes are relative to its prefix; a register's come from its RegisterPages declaration.
sharing_request_urls: list[URLPattern | URLResolver] = [
    path("", sharing.request_detail, name="request_detail"),
    path("delete/", sharing.request_delete, name="request_delete"),
    path("decision-record/", sharing.decision_record, name="decision_record"),
    path("decision-record.pdf", sharing.decision_record_pdf, name="decision_record_pdf"),
    path("assessments/<int:number>/", sharing.assessment_detail, name="assessment_detail"),
    path("decide/", sharing.request_decide, name="request_decide"),
    path("actions/<slug:name>/", sharing.request_transition, name="request_transition"),
    path("stages/", sharing.request_add_stage, name="request_add_stage"),
    path("assign/", sharing.request_assign, name="request_assign"),
    path("add-partner/", sharing.request_add_partner, name="request_add_partner"),
    path("comments/", sharing.request_comment, name="request_comment"),
    path("documents/", documents.document_upload, name="document_upload"),
    path("documents/<int:document_id>/", documents.document_download, name="document_download"),
    path("disclosure/", disclosures.request_disclosure, name="request_disclosure"),
    path("data-flow/", flows.request_flow, name="request_flow"),
    path("assets/", assets.request_assets, name="request_assets"),
    path("wizard/", include("necessity.urls")),
]

access_request_urls = [
    path("", access.access_request_list, name="access_request_list"),
    path("new/", access.access_request_create, name="access_request_create"),
    path("statistics/", access.access_statistics, name="access_statistics"),
    path("statistics.csv", access.access_statistics_csv, name="access_statistics_csv"),
    path("<int:pk>/", access.access_request_detail, name="access_request_detail"),
    path("<int:pk>/edit/", access.access_request_edit, name="access_request_edit"),
    path("<int:pk>/refer-record/", access.access_request_refer_record, name="access_request_refer_record"),
    path("<int:pk>/actions/<slug:name>/", access.access_request_transition, name="access_request_transition"),
    path(
        "<int:pk>/documents/<int:document_id>/",
        access.access_request_document,
        name="access_request_document",
    ),
    path("<int:pk>/redactions/", access.access_request_redaction, name="access_request_redaction"),
    path("<int:pk>/follow-ups/", access.access_request_follow_up, name="access_request_follow_up"),
]

# A partner's signatory has no account: the link is the key.
signing_urls = [
    path("", isas.agreement_sign, name="agreement_sign"),
    path("agreement.pdf", isas.agreement_sign_pdf, name="agreement_sign_pdf"),
    path("sign/", isas.agreement_sign_submit, name="agreement_sign_submit"),
    path("decline/", isas.agreement_sign_decline, name="agreement_sign_decline"),
    path("question/", isas.agreement_sign_question, name="agreement_sign_question"),
]

organisation_urls = [
    path("", organisations.organisation_list, name="organisation_list"),
    path("new/", organisations.organisation_create, name="organisation_create"),
    path("<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("<int:pk>/signatories/", organisations.organisation_signatories, name="organisation_signatories"),
    path(
        "<int:pk>/signatories/<int:signatory_id>/remove/",
        organisations.organisation_signatory_remove,
        name="organisation_signatory_remove",
    ),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("delegations/", delegations.delegation_list, name="delegation_list"),
    path("delegations/<int:pk>/end/", delegations.delegation_end_view, name="delegation_end"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("operations/chasers/", chasers.chaser_health_page, name="chaser_health"),
    path("organisations/", include(organisation_urls)),
    path("settings/", organisations.organisation_settings, name="organisation_settings"),
    path("settings/edit/", organisations.organisation_settings_edit, name="organisation_settings_edit"),
    path("settings/policy/", organisations.organisation_policy_edit, name="organisation_policy_edit"),
    path("catalogue/", catalogue.catalogue_list, name="catalogue_list"),
    path("catalogue/new/", catalogue.catalogue_create, name="catalogue_create"),
    path("catalogue/<int:pk>/edit/", catalogue.catalogue_edit, name="catalogue_edit"),
    path("requests/", sharing.request_list, name="request_list"),
    # Before the request's own pages: a reference is never "new" or "all".
    path("requests/new/", wizard_views.wizard_start, name="request_create"),
    path("requests/all/", queues.request_browse, name="request_browse"),
    path("requests/<str:reference>/", include(sharing_request_urls)),
    path("decision-log/", overrides.override_list, name="override_list"),
    path("queues/<slug:slug>/", queues.queue, name="queue"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("retention/", retention.retention_schedule, name="retention_schedule"),
    path("retention/<int:pk>/edit/", retention.retention_rule_edit, name="retention_rule_edit"),
    retention.DISPOSALS.urls(path("", retention.disposal_list, name="disposal_list")),
    path("retention/destroyed/", retention.destruction_list, name="destruction_list"),
    path("access-requests/", include(access_request_urls)),
    # The public's own way in: no account.
    path("ask/", access.access_request_online, name="access_request_online"),
    path("ask/received/", access.access_request_online_done, name="access_request_online_done"),
    path("transparency/", transparency.transparency, name="transparency"),
    path("disclosure-log/", access.disclosure_log, name="disclosure_log"),
    path("sign/<str:token>/", include(signing_urls)),
    path("registers/", registers.register_dashboard, name="register_dashboard"),
    disclosures.PAGES.urls(),
    assets.ASSETS.urls(),
    assets.PROCESSORS.urls(
        path("<int:pk>/documents/", documents.processor_document_upload, name="processor_document_upload"),
        path(
            "<int:pk>/documents/<int:document_id>/",
            documents.processor_document_download,
            name="processor_document_download",
        ),
    ),
    path("registers/processing/", assets.ropa, name="ropa"),
    path("registers/processing/export.csv", assets.ropa_export, name="ropa_export"),
    path("registers/processing/dspt.csv", assets.dspt_export, name="dspt_export"),
    path("registers/processing/record.pdf", assets.ropa_pdf_download, name="ropa_pdf"),
    flows.PAGES.urls(path("<int:pk>/review/", flows.flow_review, name="flow_review")),
    isas.PAGES.urls(
        path("<int:pk>/", isas.agreement_detail, name="agreement_detail"),
        path("<int:pk>/edit/", isas.agreement_edit, name="agreement_edit"),
        path("<int:pk>/v<int:number>/", isas.agreement_version, name="agreement_version"),
        path("<int:pk>/v<int:number>.pdf", isas.agreement_pdf, name="agreement_pdf"),
        path("<int:pk>/v<int:number>/preview.pdf", isas.agreement_preview, name="agreement_preview"),
        path("<int:pk>/v<int:number>/sign/", isas.agreement_sign_ours, name="agreement_sign_ours"),
        path(
            "<int:pk>/v<int:number>/signatures/<int:signature_id>/resend/",
            isas.agreement_signature_resend,
            name="agreement_signature_resend",
        ),
        path(
            "<int:pk>/v<int:number>/actions/<slug:name>/",
            isas.agreement_transition,
            name="agreement_transition",
        ),
        path("<int:pk>/documents/", documents.agreement_document_upload, name="agreement_document_upload"),
        path(
            "<int:pk>/documents/<int:document_id>/",
            documents.agreement_document_download,
            name="agreement_document_download",
        ),
    ),
    dpias.PAGES.urls(
        path("<int:pk>/risks/", dpias.dpia_risk_add, name="dpia_risk_add"),
        path("<int:pk>/risks/<int:risk_id>/remove/", dpias.dpia_risk_remove, name="dpia_risk_remove"),
    ),
    incidents.PAGES.urls(),
    consent.PAGES.urls(
        path(
            "<int:pk>/notices/<int:notice_id>/told/",
            consent.consent_notice_told_view,
            name="consent_notice_told",
        ),
    ),
]
