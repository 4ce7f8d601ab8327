"""Who may open which register page: readers read, the IG team writes, requesters see only their own.

Every register URL is listed here (a test checks the list is complete) with the roles that may read it;
everyone else gets 404, and a page that changes something answers 405 to the wrong method.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from igportal.roles import Role
from requests_app.models import AuditEvent
from tests.conftest import ClientFor, MakeUser
from tests.igportal.test_auth import ALL_URLS
from tests.requests_app.registers import Registers, fill_registers

pytestmark = pytest.mark.django_db

READERS = {Role.IG_OFFICER, Role.DPO, Role.AUDITOR}
ISA_READERS = READERS | {Role.CALDICOTT_GUARDIAN}
DPIA_READERS = READERS | {Role.SIRO}
# The asset register: the SIRO the owners answer to and every asset owner read it too; the record of
# processing is the DPO's evidence, read by the IG team, the SIRO and the auditor.
ASSET_READERS = READERS | {Role.SIRO, Role.INFORMATION_ASSET_OWNER}
ROPA_READERS = READERS | {Role.SIRO}
# Requesters reach the disclosure log and the flow register, showing their own entries only.
OWN = READERS | {Role.REQUESTER}

Url = Callable[[Registers], str]


def _u(name: str, *args: Callable[[Registers], object]) -> Url:
    return lambda r: reverse(name, args=[arg(r) for arg in args])


PAGES: list[tuple[str, Url, frozenset[Role]]] = [
    ("register_dashboard", _u("register_dashboard"), frozenset(READERS)),
    ("disclosure_list", _u("disclosure_list"), frozenset(OWN)),
    ("disclosure_export", _u("disclosure_export"), frozenset(OWN)),
    ("disclosure_detail", _u("disclosure_detail", lambda r: r.disclosure.pk), frozenset(OWN)),
    ("flow_list", _u("flow_list"), frozenset(OWN)),
    ("flow_export", _u("flow_export"), frozenset(OWN)),
    ("flow_detail", _u("flow_detail", lambda r: r.flow.pk), frozenset(OWN)),
    ("agreement_list", _u("agreement_list"), frozenset(ISA_READERS)),
    ("agreement_export", _u("agreement_export"), frozenset(ISA_READERS)),
    ("agreement_detail", _u("agreement_detail", lambda r: r.agreement.agreement_id), frozenset(ISA_READERS)),
    (
        "agreement_version",
        _u("agreement_version", lambda r: r.agreement.agreement_id, lambda r: 1),
        frozenset(ISA_READERS),
    ),
    ("dpia_list", _u("dpia_list"), frozenset(DPIA_READERS)),
    ("dpia_export", _u("dpia_export"), frozenset(DPIA_READERS)),
    ("dpia_detail", _u("dpia_detail", lambda r: r.dpia.pk), frozenset(DPIA_READERS)),
    ("incident_list", _u("incident_list"), frozenset(READERS)),
    ("incident_export", _u("incident_export"), frozenset(READERS)),
    ("incident_detail", _u("incident_detail", lambda r: r.incident.pk), frozenset(READERS)),
    ("consent_withdrawal_list", _u("consent_withdrawal_list"), frozenset(READERS)),
    ("consent_withdrawal_export", _u("consent_withdrawal_export"), frozenset(READERS)),
    (
        "consent_withdrawal_detail",
        _u("consent_withdrawal_detail", lambda r: r.withdrawal.pk),
        frozenset(READERS),
    ),
    ("asset_list", _u("asset_list"), frozenset(ASSET_READERS)),
    ("asset_detail", _u("asset_detail", lambda r: r.asset.pk), frozenset(ASSET_READERS)),
    ("processor_list", _u("processor_list"), frozenset(ASSET_READERS)),
    ("processor_detail", _u("processor_detail", lambda r: r.processor.pk), frozenset(ASSET_READERS)),
    ("ropa", _u("ropa"), frozenset(ROPA_READERS)),
    ("ropa_export", _u("ropa_export"), frozenset(ROPA_READERS)),
    ("dspt_export", _u("dspt_export"), frozenset(ROPA_READERS)),
]
# Pages that change something: the IG team only; readers who may not act get 403, others 404.
FORMS: list[tuple[str, Url, frozenset[Role]]] = [
    ("disclosure_create", _u("disclosure_create"), frozenset(OWN)),
    ("agreement_create", _u("agreement_create"), frozenset(ISA_READERS)),
    ("agreement_edit", _u("agreement_edit", lambda r: r.agreement.agreement_id), frozenset(ISA_READERS)),
    ("dpia_create", _u("dpia_create"), frozenset(DPIA_READERS)),
    ("dpia_edit", _u("dpia_edit", lambda r: r.dpia.pk), frozenset(DPIA_READERS)),
    ("incident_create", _u("incident_create"), frozenset(READERS)),
    ("incident_edit", _u("incident_edit", lambda r: r.incident.pk), frozenset(READERS)),
    ("consent_withdrawal_create", _u("consent_withdrawal_create"), frozenset(READERS)),
    # Someone else's asset: its owner, its administrator and the IG team change it (tests/requests_app/
    # test_assets.py shows the owner can).
    ("asset_edit", _u("asset_edit", lambda r: r.asset.pk), frozenset(ASSET_READERS)),
    ("processor_create", _u("processor_create"), frozenset(ASSET_READERS)),
    ("processor_edit", _u("processor_edit", lambda r: r.processor.pk), frozenset(ASSET_READERS)),
]
# Registering an asset: the IG team and every asset owner (the owner registers their own).
OWNER_FORMS: list[tuple[str, Url, frozenset[Role]]] = [
    ("asset_create", _u("asset_create"), frozenset(ASSET_READERS)),
]
POSTS: list[tuple[str, Url]] = [
    ("agreement_document_upload", _u("agreement_document_upload", lambda r: r.agreement.agreement_id)),
    ("flow_review", _u("flow_review", lambda r: r.flow.pk)),
    ("flow_transition", _u("flow_transition", lambda r: r.flow.pk, lambda r: "suspend")),
    (
        "agreement_transition",
        _u("agreement_transition", lambda r: r.agreement.agreement_id, lambda r: 1, lambda r: "terminate"),
    ),
    ("agreement_sign_ours", _u("agreement_sign_ours", lambda r: r.agreement.agreement_id, lambda r: 1)),
    (
        "agreement_signature_resend",
        # No such signature: the method, the right to change and the right to see are checked first.
        _u("agreement_signature_resend", lambda r: r.agreement.agreement_id, lambda r: 1, lambda r: 0),
    ),
    ("dpia_transition", _u("dpia_transition", lambda r: r.dpia.pk, lambda r: "submit_for_advice")),
    ("dpia_risk_add", _u("dpia_risk_add", lambda r: r.dpia.pk)),
    (
        "dpia_risk_remove",
        _u("dpia_risk_remove", lambda r: r.dpia.pk, lambda r: r.dpia.risks.get().pk),
    ),
    ("incident_transition", _u("incident_transition", lambda r: r.incident.pk, lambda r: "close")),
    ("processor_document_upload", _u("processor_document_upload", lambda r: r.processor.pk)),
    ("asset_transition", _u("asset_transition", lambda r: r.asset.pk, lambda r: "retire")),
    (
        "consent_notice_told",
        _u("consent_notice_told", lambda r: r.withdrawal.pk, lambda r: r.withdrawal.notices.get().pk),
    ),
]
# The record of processing's PDF: tests/requests_app/test_assets.py.
DOWNLOADS = {
    "agreement_pdf",
    "agreement_preview",
    "agreement_document_download",
    "ropa_pdf",
    "processor_document_download",
}
PUBLIC = {"transparency"}


def test_every_register_url_is_listed() -> None:
    """A new register page must be added to the tables above (and so to the checks below)."""
    names = {name for name, url in ALL_URLS if url.startswith("/registers/")}
    listed = {name for name, _, _ in [*PAGES, *FORMS, *OWNER_FORMS]} | {name for name, _ in POSTS}
    assert names == listed | DOWNLOADS


@pytest.fixture
def registers(requester: User, ig_officer: User) -> Registers:
    return fill_registers(requester=requester, ig_officer=ig_officer)


def _client(client_for: ClientFor, make_user: MakeUser, role: Role) -> Client:
    return client_for(make_user(role))


@pytest.mark.parametrize(("name", "url", "readers"), PAGES, ids=[p[0] for p in PAGES])
def test_readers_open_each_register_page_and_others_get_404(
    registers: Registers,
    client_for: ClientFor,
    make_user: MakeUser,
    requester: User,
    name: str,
    url: Url,
    readers: frozenset[Role],
) -> None:
    address = url(registers)
    for role in Role:
        # The fixture's requester raised the entries; a requester raising none is the outsider.
        user = requester if role is Role.REQUESTER else make_user(role)
        status = client_for(user).get(address).status_code
        assert status == (200 if role in readers else 404), (name, role, status)
    if Role.REQUESTER in readers and "list" not in name and "export" not in name:
        outsider = make_user(Role.REQUESTER)
        assert client_for(outsider).get(address).status_code == 404, name
        assert AuditEvent.objects.filter(action="access.denied", actor=outsider).exists()


@pytest.mark.parametrize(("name", "url", "readers"), FORMS, ids=[f[0] for f in FORMS])
def test_only_the_ig_team_opens_each_form(
    registers: Registers,
    client_for: ClientFor,
    make_user: MakeUser,
    name: str,
    url: Url,
    readers: frozenset[Role],
) -> None:
    address = url(registers)
    for role in Role:
        status = client_for(make_user(role)).get(address).status_code
        expected = 200 if role in {Role.IG_OFFICER, Role.DPO} else 403 if role in readers else 404
        assert status == expected, (name, role, status)


@pytest.mark.parametrize(("name", "url", "readers"), OWNER_FORMS, ids=[f[0] for f in OWNER_FORMS])
def test_the_ig_team_and_asset_owners_open_each_owner_form(
    registers: Registers,
    client_for: ClientFor,
    make_user: MakeUser,
    name: str,
    url: Url,
    readers: frozenset[Role],
) -> None:
    address = url(registers)
    for role in Role:
        status = client_for(make_user(role)).get(address).status_code
        opens = {Role.IG_OFFICER, Role.DPO, Role.INFORMATION_ASSET_OWNER}
        expected = 200 if role in opens else 403 if role in readers else 404
        assert status == expected, (name, role, status)
    assert client_for(make_user(Role.DPO)).put(address).status_code == 405


@pytest.mark.parametrize(("name", "url"), POSTS, ids=[p[0] for p in POSTS])
def test_a_change_is_post_only_and_refused_to_readers_who_may_not_act(
    registers: Registers, client_for: ClientFor, auditor: User, ig_officer: User, name: str, url: Url
) -> None:
    address = url(registers)
    assert client_for(ig_officer).get(address).status_code == 405
    assert client_for(auditor).post(address, {"comment": "x", "how": "x"}).status_code == 403


@pytest.mark.parametrize("name", [p[0] for p in PAGES if "create" not in p[0]])
def test_a_read_only_page_refuses_post(
    registers: Registers, client_for: ClientFor, dpo: User, name: str
) -> None:
    url = dict((page[0], page[1]) for page in PAGES)[name]
    assert client_for(dpo).post(url(registers)).status_code == 405


@pytest.mark.parametrize(("name", "url", "readers"), FORMS, ids=[f[0] for f in FORMS])
def test_a_form_page_answers_get_and_post_only(
    registers: Registers, client_for: ClientFor, dpo: User, name: str, url: Url, readers: frozenset[Role]
) -> None:
    address = url(registers)
    assert client_for(dpo).put(address).status_code == 405
    assert client_for(dpo).delete(address).status_code == 405


@pytest.mark.parametrize(("name", "url"), POSTS, ids=[p[0] for p in POSTS])
def test_a_change_to_an_entry_someone_cannot_see_is_not_found(
    registers: Registers, client_for: ClientFor, other_requester: User, name: str, url: Url
) -> None:
    assert client_for(other_requester).post(url(registers), {"comment": "x", "how": "x"}).status_code == 404


def test_the_request_flow_page_answers_get_and_post_only(
    registers: Registers, client_for: ClientFor, ig_officer: User
) -> None:
    assert (
        client_for(ig_officer).put(reverse("request_flow", args=[registers.request.reference])).status_code
        == 405
    )
