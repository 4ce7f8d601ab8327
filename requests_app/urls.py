from django.urls import include, path

from requests_app.views import catalogue, home, organisations, sharing

urlpatterns = [
    path("", home.home, name="home"),
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
        "requests/<str:reference>/assessments/<int:number>/",
        sharing.assessment_detail,
        name="assessment_detail",
    ),
    path("requests/<str:reference>/withdraw/", sharing.request_withdraw, name="request_withdraw"),
    path("requests/<str:reference>/wizard/", include("necessity.urls")),
]
