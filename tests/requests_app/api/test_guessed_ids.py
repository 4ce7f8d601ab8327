"""Guessed ids through the API: every object endpoint answers 404 to each role that may not see the object.

Sharing requests are covered with the pages in tests/requests_app/test_request_access.py (the same
getter answers both); here are the access request cases and the API tokens, with Bearer tokens.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from igportal.roles import Role
from requests_app.models import ApiToken
from tests.conftest import MakeUser
from tests.factories import AccessRequestFactory
from tests.requests_app.api.helpers import Api, assert_error, token_for
from tests.requests_app.registers import Registers, fill_registers

pytestmark = pytest.mark.django_db


def access_request_calls(pk: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", f"/api/v1/access-requests/{pk}/", {}),
        ("patch", f"/api/v1/access-requests/{pk}/", {"description": "Guessed."}),
        ("post", f"/api/v1/access-requests/{pk}/transitions/", {"name": "start"}),
    ]


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.CALDICOTT_GUARDIAN, Role.SIRO, None])
def test_access_request_cases_are_not_found_by_roles_that_do_not_handle_them(
    make_user: MakeUser, role: Role | None
) -> None:
    case = AccessRequestFactory.create()
    api = Api(Client(), token_for(make_user(*([role] if role else []))))
    for method, url, body in access_request_calls(case.pk):
        assert_error(api.call(method, url, body), 404, "not_found")
    assert_error(api.get("/api/v1/access-requests/"), 404, "not_found")


@pytest.mark.parametrize("role", [Role.IG_OFFICER, Role.DPO, Role.AUDITOR])
def test_an_unknown_case_number_is_not_found_even_for_its_handlers(make_user: MakeUser, role: Role) -> None:
    api = Api(Client(), token_for(make_user(role)))
    for method, url, body in access_request_calls(999999):
        assert_error(api.call(method, url, body), 404, "not_found")


@pytest.mark.parametrize("role", list(Role))
def test_someone_elses_token_is_not_found(make_user: MakeUser, requester: User, role: Role) -> None:
    token_for(requester)
    theirs = ApiToken.objects.get(user=requester)
    api = Api(Client(), token_for(make_user(role)))
    assert_error(api.get(f"/api/v1/tokens/{theirs.pk}/"), 404, "not_found")
    assert_error(api.delete(f"/api/v1/tokens/{theirs.pk}/"), 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.IG_OFFICER, Role.CALDICOTT_GUARDIAN, Role.SIRO, None])
def test_the_audit_trail_is_not_found_by_anyone_but_the_dpo_and_auditors(
    make_user: MakeUser, role: Role | None
) -> None:
    api = Api(Client(), token_for(make_user(*([role] if role else []))))
    assert_error(api.get("/api/v1/audit-events/"), 404, "not_found")


def register_urls(registers: Registers) -> dict[str, list[str]]:
    agreement = registers.agreement
    return {
        "disclosures": ["/api/v1/disclosures/", f"/api/v1/disclosures/{registers.disclosure.pk}/"],
        "flows": ["/api/v1/data-flows/", f"/api/v1/data-flows/{registers.flow.pk}/"],
        "agreements": [
            "/api/v1/agreements/",
            f"/api/v1/agreements/{agreement.agreement_id}/",
            f"/api/v1/agreements/{agreement.agreement_id}/v{agreement.number}.pdf",
        ],
        "incidents": ["/api/v1/incidents/", f"/api/v1/incidents/{registers.incident.pk}/"],
        "assets": ["/api/v1/assets/", f"/api/v1/assets/{registers.asset.pk}/", "/api/v1/processors/"],
        "ropa": ["/api/v1/processing-activities/"],
    }


# Who may not open each register (the pages' rules): a requester opens the disclosure log and the flow
# register but sees only the entries from their own requests.
REGISTER_OUTSIDERS = {
    "disclosures": [Role.CALDICOTT_GUARDIAN, Role.SIRO, None],
    "flows": [Role.CALDICOTT_GUARDIAN, Role.SIRO, None],
    "agreements": [Role.REQUESTER, Role.SIRO, None],
    "incidents": [Role.REQUESTER, Role.CALDICOTT_GUARDIAN, Role.SIRO, None],
    "assets": [Role.REQUESTER, Role.CALDICOTT_GUARDIAN, None],
    "ropa": [Role.REQUESTER, Role.CALDICOTT_GUARDIAN, Role.INFORMATION_ASSET_OWNER, None],
}


@pytest.mark.parametrize("register", list(REGISTER_OUTSIDERS))
def test_register_entries_are_not_found_by_roles_that_may_not_read_the_register(
    make_user: MakeUser, requester: User, ig_officer: User, register: str
) -> None:
    urls = register_urls(fill_registers(requester=requester, ig_officer=ig_officer))[register]
    for role in REGISTER_OUTSIDERS[register]:
        api = Api(Client(), token_for(make_user(*([role] if role else []))))
        for url in urls:
            assert_error(api.get(url), 404, "not_found")


def test_a_requester_does_not_find_someone_elses_disclosure_or_flow(
    make_user: MakeUser, requester: User, ig_officer: User
) -> None:
    registers = fill_registers(requester=requester, ig_officer=ig_officer)
    api = Api(Client(), token_for(make_user(Role.REQUESTER)))
    for url in (
        f"/api/v1/disclosures/{registers.disclosure.pk}/",
        f"/api/v1/data-flows/{registers.flow.pk}/",
    ):
        assert_error(api.get(url), 404, "not_found")
    assert api.get("/api/v1/disclosures/").json()["count"] == 0
    assert api.get("/api/v1/data-flows/").json()["count"] == 0


@pytest.mark.parametrize("role", [Role.IG_OFFICER, Role.DPO, Role.AUDITOR])
def test_an_unknown_register_entry_is_not_found_even_for_register_readers(
    make_user: MakeUser, role: Role
) -> None:
    api = Api(Client(), token_for(make_user(role)))
    for url in (
        "/api/v1/disclosures/999999/",
        "/api/v1/data-flows/999999/",
        "/api/v1/agreements/999999/",
        "/api/v1/agreements/999999/v1.pdf",
        "/api/v1/incidents/999999/",
        "/api/v1/assets/999999/",
    ):
        assert_error(api.get(url), 404, "not_found")


def test_a_requester_reads_their_own_flow_without_the_ig_teams_internal_notes(
    requester: User, ig_officer: User
) -> None:
    registers = fill_registers(requester=requester, ig_officer=ig_officer)
    flow = registers.flow
    flow.notes = "Internal: the recipient's DPO is slow to answer."
    flow.save(update_fields=["notes"])
    url = f"/api/v1/data-flows/{flow.pk}/"
    own = Api(Client(), token_for(requester)).get(url)
    assert own.status_code == 200
    assert own.json()["notes"] == ""
    officer = Api(Client(), token_for(ig_officer)).get(url)
    assert officer.json()["notes"] == flow.notes


def test_an_active_isas_pdf_downloads_through_the_api_and_the_export_is_audited(
    requester: User, ig_officer: User
) -> None:
    from requests_app.models import AuditEvent
    from requests_app.services.documents import agreement_document_render

    registers = fill_registers(requester=requester, ig_officer=ig_officer)
    version = registers.agreement
    document = agreement_document_render(version_id=version.pk)
    api = Api(Client(), token_for(ig_officer))
    response = api.get(f"/api/v1/agreements/{version.agreement_id}/v{version.number}.pdf")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert body == document.file.open("rb").read()
    assert AuditEvent.objects.filter(action="isa.export").exists()
