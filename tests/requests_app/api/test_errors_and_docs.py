"""One error shape everywhere under /api/, and the schema and docs served from this site."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import path

from requests_app.api.views.base import PortalAPIView
from tests.conftest import ClientFor
from tests.requests_app.api.helpers import Api, assert_error, token_for

pytestmark = pytest.mark.django_db


class Broken(PortalAPIView):
    def get(self, request: object) -> None:
        raise ValueError("a bug with NHS number 9434765919 in it")


urlpatterns = [path("api/v1/broken/", Broken.as_view()), *__import__("igportal.urls").urls.urlpatterns]
handler500 = "requests_app.api.exceptions.server_error"


def test_an_unknown_api_address_is_a_json_404(requester: User) -> None:
    assert_error(Api(Client(), token_for(requester)).get("/api/v1/nowhere/"), 404, "not_found")
    assert_error(Client().get("/api/v1/nowhere/"), 404, "not_found")


@pytest.mark.urls("tests.requests_app.api.test_errors_and_docs")
def test_a_crash_is_a_json_500_without_detail(requester: User) -> None:
    client = Client(raise_request_exception=False)
    error = assert_error(Api(client, token_for(requester)).get("/api/v1/broken/"), 500, "server_error")
    assert "9434765919" not in error["message"]


def test_a_body_that_is_not_json_is_refused_in_the_error_shape(requester: User) -> None:
    response = Client().post(
        "/api/v1/assess",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(requester)}"},
    )
    assert_error(response, 400, "parse_error")
    response = Client().post(
        "/api/v1/assess", "a=1", content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {token_for(requester)}"},
    )  # fmt: skip
    assert_error(response, 415, "unsupported_media_type")


def test_the_schema_documents_the_bearer_scheme_and_the_error_shape(requester: User) -> None:
    response = Api(Client(), token_for(requester)).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert "Error" in schema["components"]["schemas"]
    list_op = schema["paths"]["/api/v1/requests/"]["get"]
    assert {"page", "page_size", "status", "purpose", "urgency"} <= {p["name"] for p in list_op["parameters"]}
    assert list_op["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    transitions = schema["paths"]["/api/v1/requests/{reference}/transitions/"]["post"]
    assert "409" in transitions["responses"]


def test_the_docs_page_loads_only_this_sites_files(client_for: ClientFor, requester: User) -> None:
    response = client_for(requester).get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/static/api/docs.js" in html
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    # The page keeps the portal's Content-Security-Policy.
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_pdf_not_yet_made_is_a_json_404_even_when_a_pdf_is_asked_for(requester: User) -> None:
    from tests.factories import make_request

    request = make_request(requester=requester)
    response = Api(Client(), token_for(requester)).get(
        f"/api/v1/requests/{request.reference}/decision-record.pdf", headers={"Accept": "application/pdf"}
    )
    assert_error(response, 404, "not_found")


def test_djangos_own_refusals_under_api_are_in_the_error_shape() -> None:
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from requests_app.api.exceptions import permission_denied

    assert_error(Client().get("/api/v1/requests/", HTTP_HOST="evil.example"), 400, "bad_request")
    response = permission_denied(RequestFactory().get("/api/v1/requests/"), PermissionDenied())
    assert response.status_code == 403
    assert json.loads(response.content)["error"]["code"] == "permission_denied"
    # Outside /api/ the pages keep Django's generic pages.
    assert "text/html" in Client().get("/nowhere/", HTTP_HOST="evil.example")["Content-Type"]


def test_options_is_not_offered(requester: User) -> None:
    assert_error(
        Api(Client(), token_for(requester)).call("options", "/api/v1/requests/"), 405, "method_not_allowed"
    )
