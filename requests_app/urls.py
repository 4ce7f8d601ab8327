from django.urls import include, path

from requests_app.views import (
    access,
    audit,
    catalogue,
    chasers,
    documents,
    home,
    notifications,
    organisations,
    queues,
    sharing,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("operations/chasers/", chasers.chaser_health_page, name="chaser_health"),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("settings/", organisations.organisation_settings, name="organisation_settings"),
    path("settings/edit/", organisations.organisation_settings_edit, name="organisation_settings_edit"),
    path("catalogue/", catalogue.catalogue_list, name="catalogue_list"),
    path("catalogue/new/", catalogue.catalogue_create, name="catalogue_create"),
    path("catalogue/<int:pk>/edit/", catalogue.catalogue_edit, name="catalogue_edit"),
    path("requests/", sharing.request_list, name="request_list"),
    path("requests/new/", sharing.request_create, name="request_create"),
    path("requests/<str:reference>/", sharing.request_detail, name="request_detail"),
    path("requests/<str:reference>/decision-record/", sharing.decision_record, name="decision_record"),
    path(
        "requests/<str:reference>/decision-record.pdf",
        sharing.decision_record_pdf,
        name="decision_record_pdf",
    ),
    path(
        "requests/<str:reference>/assessments/<int:number>/",
        sharing.assessment_detail,
        name="assessment_detail",
    ),
    path("requests/<str:reference>/decide/", sharing.request_decide, name="request_decide"),
    path(
        "requests/<str:reference>/actions/<slug:name>/", sharing.request_transition, name="request_transition"
    ),
    path("requests/<str:reference>/stages/", sharing.request_add_stage, name="request_add_stage"),
    path("requests/<str:reference>/assign/", sharing.request_assign, name="request_assign"),
    path("requests/<str:reference>/comments/", sharing.request_comment, name="request_comment"),
    path("requests/<str:reference>/documents/", documents.document_upload, name="document_upload"),
    path(
        "requests/<str:reference>/documents/<int:document_id>/",
        documents.document_download,
        name="document_download",
    ),
    path("queues/<slug:slug>/", queues.queue, name="queue"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("requests/<str:reference>/wizard/", include("necessity.urls")),
    path("access-requests/", access.access_request_list, name="access_request_list"),
    path("access-requests/new/", access.access_request_create, name="access_request_create"),
    path("access-requests/<int:pk>/", access.access_request_detail, name="access_request_detail"),
    path("access-requests/<int:pk>/edit/", access.access_request_edit, name="access_request_edit"),
    path(
        "access-requests/<int:pk>/actions/<slug:name>/",
        access.access_request_transition,
        name="access_request_transition",
    ),
]
