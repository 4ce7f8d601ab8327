from django.urls import path

from requests_app.views import access, home, organisations

urlpatterns = [
    path("", home.home, name="home"),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("settings/", organisations.organisation_settings, name="organisation_settings"),
    path("settings/edit/", organisations.organisation_settings_edit, name="organisation_settings_edit"),
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
