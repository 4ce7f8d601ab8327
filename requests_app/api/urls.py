"""Version 1 of the API, under /api/v1/. One line per endpoint; each object kind has its own view module."""

from django.urls import path

from requests_app.api.views import (
    access,
    assess,
    assets,
    audit,
    disclosures,
    docs,
    flows,
    incidents,
    isas,
    sharing,
    tokens,
    workflow,
)

app_name = "api"

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    path("tokens/", tokens.TokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/", tokens.TokenDetailView.as_view(), name="token_detail"),
    path("assess", assess.AssessView.as_view(), name="assess"),
    path("requests/", sharing.SharingRequestListView.as_view(), name="request_list"),
    path("requests/<str:reference>/", sharing.SharingRequestDetailView.as_view(), name="request_detail"),
    path(
        "requests/<str:reference>/answers/<slug:step>/",
        sharing.StepAnswersView.as_view(),
        name="request_answers",
    ),
    path("requests/<str:reference>/submit/", sharing.SubmitView.as_view(), name="request_submit"),
    path(
        "requests/<str:reference>/decision-record.pdf",
        sharing.DecisionRecordPDFView.as_view(),
        name="request_decision_record_pdf",
    ),
    path("requests/<str:reference>/history/", sharing.HistoryView.as_view(), name="request_history"),
    path(
        "requests/<str:reference>/transitions/",
        workflow.TransitionsView.as_view(),
        name="request_transitions",
    ),
    path("requests/<str:reference>/comments/", workflow.CommentsView.as_view(), name="request_comments"),
    path("access-requests/", access.AccessRequestListView.as_view(), name="access_request_list"),
    path("access-requests/<int:pk>/", access.AccessRequestDetailView.as_view(), name="access_request_detail"),
    path(
        "access-requests/<int:pk>/transitions/",
        access.AccessTransitionView.as_view(),
        name="access_request_transitions",
    ),
    path("disclosures/", disclosures.DisclosureListView.as_view(), name="disclosure_list"),
    path("disclosures/<int:pk>/", disclosures.DisclosureDetailView.as_view(), name="disclosure_detail"),
    path("data-flows/", flows.DataFlowListView.as_view(), name="flow_list"),
    path("data-flows/<int:pk>/", flows.DataFlowDetailView.as_view(), name="flow_detail"),
    path("agreements/", isas.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/<int:pk>/", isas.AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements/<int:pk>/v<int:number>.pdf", isas.AgreementPDFView.as_view(), name="agreement_pdf"),
    path("incidents/", incidents.IncidentListView.as_view(), name="incident_list"),
    path("incidents/<int:pk>/", incidents.IncidentDetailView.as_view(), name="incident_detail"),
    path("assets/", assets.AssetListView.as_view(), name="asset_list"),
    path("assets/<int:pk>/", assets.AssetDetailView.as_view(), name="asset_detail"),
    path("processors/", assets.ProcessorListView.as_view(), name="processor_list"),
    path("processing-activities/", assets.RopaView.as_view(), name="ropa"),
    path("audit-events/", audit.AuditEventListView.as_view(), name="audit_event_list"),
]
