from django.urls import path

from requests_app import views

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("settings/", views.organisation_settings, name="organisation_settings"),
    path("settings/edit/", views.organisation_settings_edit, name="organisation_settings_edit"),
]
