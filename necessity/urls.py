from django.urls import path

from necessity import views

urlpatterns = [
    path("review/", views.wizard_review, name="wizard_review"),
    path("<slug:step>/", views.wizard_step, name="wizard_step"),
]
