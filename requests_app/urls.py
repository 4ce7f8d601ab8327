from django.urls import path

from requests_app.views import home, organisations

urlpatterns = [
    path("", home.home, name="home"),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("settings/", organisations.organisation_settings, name="organisation_settings"),
    path("settings/edit/", organisations.organisation_settings_edit, name="organisation_settings_edit"),
]
