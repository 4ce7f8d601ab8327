"""A URLconf with a view that fails, for the error page and log redaction tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def broken(request: HttpRequest, nhs_number: str) -> HttpResponse:
    raise ValueError(f"could not match NHS number {nhs_number} for {request.POST.get('email', '')}")


urlpatterns = [
    path("broken/<str:nhs_number>/", broken, name="broken"),
    path("", include("igportal.urls")),
]
