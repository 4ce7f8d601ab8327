"""The product's URLs plus the benchmark's floors: a view that returns a constant.

``/bench/bare/`` is the issue's "bare Django view returning a constant": anonymous, it pays only for
the middleware every request pays. ``/bench/bare-signed-in/`` is the same constant behind a signed-in,
MFA-verified session, so the session, user and authenticator look-ups are in its cost as in a page's.
Neither exists outside ``bench.settings``.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from igportal.accounts.mfa import mfa_not_required

CONSTANT = b"IG Portal benchmark floor\n"


@require_GET
@login_not_required
@mfa_not_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(CONSTANT, content_type="text/plain")


@require_GET
def bare_signed_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse(CONSTANT, content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-signed-in/", bare_signed_in, name="bench_bare_signed_in"),
    path("", include("igportal.urls")),
]

handler400 = "requests_app.api.exceptions.bad_request"
handler403 = "requests_app.api.exceptions.permission_denied"
handler404 = "requests_app.api.exceptions.page_not_found"
handler500 = "requests_app.api.exceptions.server_error"
