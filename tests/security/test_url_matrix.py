"""URL x role x method: every page answers as it should to every kind of person.

For each URL the resolver knows, the table below says who may use it. Everyone else gets 404 (the
page or object does not exist for them), or 403 where they may see the object but not act on it;
anonymous visitors are sent to log in. A meta-test fails when a URL is added without a row here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from igportal.roles import Role
from requests_app.models import (
    AccessRequestDocument,
    AgreementSignature,
    DecisionRecord,
    Delegation,
    DisposalReview,
    Notification,
    PartnerSignatory,
    RecordType,
    RequestStatus,
    RetentionRule,
    SharingRequest,
    SignatoryRole,
    SupportingDocument,
)
from requests_app.services.isas import signing_copy_render
from requests_app.services.workflow import transition
from requests_app.signing_links import token_for
from tests.conftest import ClientFor, MakeUser
from tests.factories import AccessRequestFactory, OrganisationFactory, make_agreement, make_request
from tests.igportal.test_auth import ALL_URLS

PEOPLE = ("owner", "other_requester", "ig_officer", "dpo", "caldicott", "siro", "auditor", "no_role")
EVERYONE = frozenset(PEOPLE)
IG_TEAM = frozenset({"ig_officer", "dpo"})
# Pages outside this table's reach: the login page is public; the admin has its own login; logging out
# and the MFA pages are tested in tests/igportal (they depend on the person's own MFA state).
NOT_IN_MATRIX = {
    "login",
    "logout",
    "mfa_setup",
    "mfa_verify",
    "recovery_codes",
    "reauthenticate",
    "email_change",
    # Public by design (signed out, or unable to sign in): tests/igportal/test_password_reset.py and
    # test_auth.py's list of public pages.
    "logged_out",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # Single sign-on's way out and back, before anyone is signed in: tests/sso/test_sign_in.py.
    "sso_start",
    "sso_callback",
}
# The public transparency page and the request pages that lead into the registers are in the
# registers' own matrix (tests/requests_app/test_register_access.py) and the guessed-reference walk
# (tests/requests_app/test_request_access.py).
REGISTER_PAGES_TESTED_ELSEWHERE = {"transparency", "request_disclosure", "request_flow"}


@dataclass
class World:
    people: dict[str, User]
    draft: SharingRequest
    in_review: SharingRequest
    decided: SharingRequest
    ids: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    url: Callable[[World], str]
    allowed: frozenset[str]
    # Those who see the object but may not act get 403; everyone else not allowed gets 404.
    refused: frozenset[str] = frozenset()
    method: str = "get"
    # Open to anyone without logging in (the public's "ask online" form): never sent to log in.
    public: bool = False


def _r(
    url: Callable[[World], str],
    allowed: frozenset[str],
    refused: frozenset[str] = frozenset(),
    method: str = "get",
    public: bool = False,
) -> Rule:
    return Rule(url, allowed, refused, method, public)


READERS_OF_IN_REVIEW = frozenset({"owner", "ig_officer", "dpo", "auditor"})
RULES: dict[str, list[Rule]] = {
    "home": [_r(lambda w: "/", EVERYONE)],
    "account": [_r(lambda w: "/accounts/", EVERYONE)],
    "sso_no_role": [_r(lambda w: "/accounts/sso/no-role/", EVERYONE)],
    # Everyone sees the delegations they gave or hold; only the officer who gave one may end it.
    "delegation_list": [_r(lambda w: "/delegations/", EVERYONE)],
    "delegation_end": [
        _r(lambda w: f"/delegations/{w.ids['delegation']}/end/", frozenset({"caldicott"}), method="post")
    ],
    "password_change": [_r(lambda w: "/accounts/password/", EVERYONE)],
    "password_change_done": [_r(lambda w: "/accounts/password/done/", EVERYONE)],
    "notification_list": [_r(lambda w: "/notifications/", EVERYONE)],
    "notification_read": [
        _r(lambda w: f"/notifications/{w.ids['notification']}/read/", frozenset({"owner"}), method="post")
    ],
    "notification_read_all": [_r(lambda w: "/notifications/read/", EVERYONE, method="post")],
    "organisation_list": [_r(lambda w: "/organisations/", EVERYONE)],
    "organisation_create": [_r(lambda w: "/organisations/new/", IG_TEAM)],
    "organisation_edit": [_r(lambda w: f"/organisations/{w.ids['organisation']}/edit/", IG_TEAM)],
    "organisation_signatories": [
        _r(lambda w: f"/organisations/{w.ids['organisation']}/signatories/", IG_TEAM)
    ],
    "organisation_signatory_remove": [
        _r(
            lambda w: f"/organisations/{w.ids['organisation']}/signatories/{w.ids['signatory']}/remove/",
            IG_TEAM,
            method="post",
        )
    ],
    "organisation_settings": [_r(lambda w: "/settings/", EVERYONE)],
    "organisation_settings_edit": [_r(lambda w: "/settings/edit/", frozenset({"dpo"}))],
    "organisation_policy_edit": [_r(lambda w: "/settings/policy/", frozenset({"dpo"}))],
    "catalogue_list": [_r(lambda w: "/catalogue/", EVERYONE)],
    "catalogue_create": [_r(lambda w: "/catalogue/new/", IG_TEAM)],
    "catalogue_edit": [_r(lambda w: "/catalogue/1/edit/", IG_TEAM)],
    "queue": [
        _r(lambda w: "/queues/ig/", IG_TEAM),
        _r(lambda w: "/queues/caldicott/", frozenset({"caldicott"})),
        _r(lambda w: "/queues/siro/", frozenset({"siro"})),
    ],
    "audit_list": [_r(lambda w: "/audit/", frozenset({"dpo", "auditor"}))],
    "request_browse": [_r(lambda w: "/requests/all/", frozenset({"ig_officer", "dpo", "auditor"}))],
    "override_list": [_r(lambda w: "/decision-log/", frozenset({"dpo", "caldicott", "auditor"}))],
    "chaser_health": [_r(lambda w: "/operations/chasers/", frozenset({"dpo"}))],
    "retention_schedule": [_r(lambda w: "/retention/", IG_TEAM | {"auditor"})],
    "retention_rule_edit": [_r(lambda w: f"/retention/{w.ids['retention_rule']}/edit/", frozenset({"dpo"}))],
    "disposal_list": [_r(lambda w: "/retention/disposal/", frozenset({"dpo", "auditor"}))],
    "disposal_detail": [
        _r(lambda w: f"/retention/disposal/{w.ids['disposal']}/", frozenset({"dpo", "auditor"}))
    ],
    "disposal_decide": [
        _r(
            lambda w: f"/retention/disposal/{w.ids['disposal']}/hold/",
            frozenset({"dpo"}),
            refused=frozenset({"auditor"}),
            method="post",
        )
    ],
    "destruction_list": [_r(lambda w: "/retention/destroyed/", frozenset({"dpo", "auditor"}))],
    "access_request_list": [_r(lambda w: "/access-requests/", IG_TEAM | {"auditor"})],
    "access_request_create": [_r(lambda w: "/access-requests/new/", IG_TEAM, refused=frozenset({"auditor"}))],
    "access_request_detail": [
        _r(lambda w: f"/access-requests/{w.ids['access_request']}/", IG_TEAM | {"auditor"})
    ],
    "access_request_edit": [
        _r(
            lambda w: f"/access-requests/{w.ids['access_request']}/edit/",
            IG_TEAM,
            refused=frozenset({"auditor"}),
        )
    ],
    "access_request_transition": [
        _r(
            lambda w: f"/access-requests/{w.ids['access_request']}/actions/start/",
            IG_TEAM,
            refused=frozenset({"auditor"}),
            method="post",
        )
    ],
    "access_request_refer_record": [
        _r(
            lambda w: f"/access-requests/{w.ids['access_request']}/refer-record/",
            IG_TEAM,
            refused=frozenset({"auditor"}),
            method="post",
        )
    ],
    "access_request_document": [
        _r(
            lambda w: f"/access-requests/{w.ids['access_request']}/documents/{w.ids['access_document']}/",
            IG_TEAM | {"auditor"},
        )
    ],
    # The public asks online without an account; the acknowledgement page sends anyone who has not just
    # asked back to the form.
    "access_request_online": [
        _r(lambda w: "/ask/", EVERYONE, public=True),
        _r(lambda w: "/ask/", EVERYONE, method="post", public=True),
    ],
    "access_request_online_done": [_r(lambda w: "/ask/received/", EVERYONE, public=True)],
    "access_request_redaction": [
        _r(
            lambda w: f"/access-requests/{w.ids['access_request']}/redactions/",
            IG_TEAM,
            refused=frozenset({"auditor"}),
            method="post",
        )
    ],
    "disclosure_log": [_r(lambda w: "/disclosure-log/", EVERYONE, public=True)],
    "access_statistics": [_r(lambda w: "/access-requests/statistics/", IG_TEAM | {"auditor"})],
    "access_statistics_csv": [_r(lambda w: "/access-requests/statistics.csv", IG_TEAM | {"auditor"})],
    "access_request_follow_up": [
        _r(
            lambda w: f"/access-requests/{w.ids['access_request']}/follow-ups/",
            IG_TEAM,
            refused=frozenset({"auditor"}),
            method="post",
        )
    ],
    "request_list": [_r(lambda w: "/requests/", EVERYONE)],
    "request_create": [_r(lambda w: "/requests/new/", frozenset({"owner", "other_requester"}))],
    "request_delete": [_r(lambda w: f"/requests/{w.draft.reference}/delete/", frozenset({"owner"}))],
    "request_detail": [
        _r(lambda w: f"/requests/{w.draft.reference}/", frozenset({"owner"})),
        _r(lambda w: f"/requests/{w.in_review.reference}/", READERS_OF_IN_REVIEW),
    ],
    "decision_record": [
        _r(lambda w: f"/requests/{w.decided.reference}/decision-record/", READERS_OF_IN_REVIEW)
    ],
    "decision_record_pdf": [
        _r(lambda w: f"/requests/{w.decided.reference}/decision-record.pdf", READERS_OF_IN_REVIEW)
    ],
    "assessment_detail": [
        _r(lambda w: f"/requests/{w.in_review.reference}/assessments/1/", READERS_OF_IN_REVIEW)
    ],
    "document_download": [
        _r(
            lambda w: f"/requests/{w.in_review.reference}/documents/{w.ids['document']}/",
            READERS_OF_IN_REVIEW,
        )
    ],
    "document_upload": [
        _r(
            lambda w: f"/requests/{w.in_review.reference}/documents/",
            frozenset({"owner", "ig_officer", "dpo"}),
            refused=frozenset({"auditor"}),
            method="post",
        )
    ],
    "wizard_step": [
        _r(lambda w: f"/requests/{w.draft.reference}/wizard/purpose/", frozenset({"owner"})),
        _r(
            lambda w: f"/requests/{w.in_review.reference}/wizard/purpose/",
            frozenset(),
            refused=READERS_OF_IN_REVIEW,
        ),
    ],
    # Only the requester names the assets, while the request is theirs to change.
    "request_assets": [
        _r(lambda w: f"/requests/{w.draft.reference}/assets/", frozenset({"owner"})),
        _r(
            lambda w: f"/requests/{w.in_review.reference}/assets/",
            frozenset(),
            refused=READERS_OF_IN_REVIEW,
        ),
    ],
    "wizard_review": [_r(lambda w: f"/requests/{w.draft.reference}/wizard/review/", frozenset({"owner"}))],
    "request_decide": [
        _r(
            lambda w: f"/requests/{w.in_review.reference}/decide/",
            IG_TEAM,
            refused=frozenset({"owner", "auditor"}),
            method="post",
        )
    ],
    "request_transition": [
        _r(
            lambda w: f"/requests/{w.in_review.reference}/actions/withdraw/",
            frozenset({"owner"}),
            refused=frozenset({"ig_officer", "dpo", "auditor"}),
            method="post",
        )
    ],
    "request_add_stage": [
        _r(
            lambda w: f"/requests/{w.in_review.reference}/stages/",
            IG_TEAM,
            refused=frozenset({"owner", "auditor"}),
            method="post",
        )
    ],
    "request_assign": [
        _r(
            lambda w: f"/requests/{w.in_review.reference}/assign/",
            IG_TEAM,
            refused=frozenset({"owner", "auditor"}),
            method="post",
        )
    ],
    # The IG team adds a recipient the requester named as a partner (this request names one already,
    # so the IG team is told so: 400); the requester and the auditor read the request but may not.
    "request_add_partner": [
        _r(
            lambda w: f"/requests/{w.in_review.reference}/add-partner/",
            IG_TEAM,
            refused=frozenset({"owner", "auditor"}),
            method="post",
        )
    ],
    "request_comment": [
        # The auditor reads the request but changes nothing, not even with a comment.
        _r(
            lambda w: f"/requests/{w.in_review.reference}/comments/",
            frozenset({"owner", "ig_officer", "dpo"}),
            refused=frozenset({"auditor"}),
            method="post",
        )
    ],
}


def test_every_url_has_a_row_in_the_matrix() -> None:
    # The API has its own matrix: tests/igportal/test_auth.py (401 to anonymous callers),
    # tests/requests_app/api/test_guessed_ids.py (404 to every role without access) and the
    # schemathesis run as each role.
    # The registers have theirs too, with its own completeness check:
    # tests/requests_app/test_register_access.py (every /registers/ URL, each role, each method).
    names = {name for name, url in ALL_URLS if not url.startswith(("/api/", "/registers/"))} - NOT_IN_MATRIX
    names -= REGISTER_PAGES_TESTED_ELSEWHERE
    assert {name for name in names if name.startswith("agreement_sign")} == set(SIGNING_LINKS)
    names -= set(SIGNING_LINKS)
    assert names - set(RULES) == set(), "add these URLs to RULES"
    assert set(RULES) - names == set(), "these rows name URLs that no longer exist"


@pytest.fixture
def world(make_user: MakeUser) -> World:
    people = {
        "owner": make_user(Role.REQUESTER),
        "other_requester": make_user(Role.REQUESTER),
        "ig_officer": make_user(Role.IG_OFFICER),
        "dpo": make_user(Role.DPO),
        "caldicott": make_user(Role.CALDICOTT_GUARDIAN),
        "siro": make_user(Role.SIRO),
        "auditor": make_user(Role.AUDITOR),
        "no_role": make_user(),
    }
    owner = people["owner"]
    draft = make_request(requester=owner, status=RequestStatus.DRAFT)
    in_review = make_request(requester=owner, status=RequestStatus.IG_REVIEW)
    decided = make_request(requester=owner, status=RequestStatus.IG_REVIEW, stages=("ig_dpo",))
    event = transition(decided, "approve", actor=people["dpo"])
    # A stored record is all the download needs; rendering is tested in test_request_audit.py.
    DecisionRecord.objects.create(
        request=decided,
        decided_by_event=event,
        version=1,
        name="20261121 Test Decision record v1",
        file=ContentFile(b"%PDF-1.4 test", name="record.pdf"),
        sha256="0" * 64,
        size=13,
    )
    document = SupportingDocument.objects.create(
        request=in_review,
        uploaded_by=owner,
        original_name="form.pdf",
        file=ContentFile(b"%PDF-1.4 test", name="generated.pdf"),
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
    )
    partner = OrganisationFactory.create()
    signatory = PartnerSignatory.objects.create(
        organisation=partner,
        name="Pat Partner",
        role=SignatoryRole.DPO,
        email="pat@partner.example",
    )
    access_request = AccessRequestFactory.create()
    access_document = AccessRequestDocument.objects.create(
        access_request=access_request,
        original_name="passport.pdf",
        file=ContentFile(b"%PDF-1.4 test", name="generated.pdf"),
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
    )
    notification = Notification.objects.create(
        recipient=owner, subject="Test", body="Test", message_id="<matrix@test>", email=owner.email
    )
    sar_rule = RetentionRule.objects.get(record_type=RecordType.ACCESS_REQUEST)
    case = AccessRequestFactory.create()
    disposal = DisposalReview.objects.create(
        record_type=RecordType.ACCESS_REQUEST,
        object_id=case.pk,
        label=case.reference,
        rule=sar_rule,
        rule_version=sar_rule.version,
        trigger_date=datetime.date(2022, 1, 3),
        retain_until=datetime.date(2025, 1, 3),
    )
    return World(
        people=people,
        draft=draft,
        in_review=in_review,
        decided=decided,
        ids={
            "organisation": partner.pk,
            "access_request": access_request.pk,
            "access_document": access_document.pk,
            "document": document.pk,
            "notification": notification.pk,
            "delegation": Delegation.objects.create(
                officer=people["caldicott"],
                deputy=people["no_role"],
                role="caldicott_guardian",
                # Not yet in force, so no_role stays without a role for every other row here.
                starts_on=timezone.localdate() + datetime.timedelta(days=1),
                ends_on=timezone.localdate() + datetime.timedelta(days=2),
                reason="Annual leave",
            ).pk,
            "retention_rule": sar_rule.pk,
            "disposal": disposal.pk,
            "signatory": signatory.pk,
        },
    )


def _expected(rule: Rule, person: str) -> str:
    if person in rule.allowed:
        return "allowed"
    return "403" if person in rule.refused else "404"


def _outcome(status: int) -> str:
    if status in {403, 404}:
        return str(status)
    assert status < 500, status
    return "allowed"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(RULES))
def test_each_url_answers_each_person_as_the_matrix_says(
    name: str, world: World, client_for: ClientFor, client: Client
) -> None:
    for rule in RULES[name]:
        url = rule.url(world)
        anonymous = getattr(Client(), rule.method)(url)
        if rule.public:
            assert anonymous.status_code < 500, (name, url, anonymous.status_code)
            assert "/accounts/login/" not in anonymous.get("Location", ""), (name, url)
        else:
            assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], (name, url)
        for person in PEOPLE:
            response = getattr(client_for(world.people[person]), rule.method)(url)
            got = _outcome(response.status_code)
            assert got == _expected(rule, person), (
                f"{person} {rule.method.upper()} {url}: {response.status_code}"
            )
        # The other method: a GET page refuses POST and a POST action refuses GET, for everyone.
        other = "post" if rule.method == "get" else "get"
        if name not in {
            "organisation_create",
            "organisation_edit",
            "organisation_signatories",
            "organisation_settings_edit",
            "organisation_policy_edit",
            "catalogue_create",
            "catalogue_edit",
            "access_request_create",
            "access_request_edit",
            "retention_rule_edit",
            "access_request_online",
            "wizard_step",
            "wizard_review",
            "request_assets",
            "password_change",
            "account",
            "delegation_list",
        }:
            response = getattr(client_for(world.people["dpo"]), other)(url)
            assert response.status_code in {404, 405}, (name, other, response.status_code)


# --- the signing links: the link is the key, whoever holds it --------------------------------------------

SIGNING_LINKS: dict[str, tuple[str, str]] = {
    "agreement_sign": ("/sign/{token}/", "get"),
    "agreement_sign_pdf": ("/sign/{token}/agreement.pdf", "get"),
    "agreement_sign_submit": ("/sign/{token}/sign/", "post"),
    "agreement_sign_decline": ("/sign/{token}/decline/", "post"),
    "agreement_sign_question": ("/sign/{token}/question/", "post"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SIGNING_LINKS))
def test_a_signing_link_answers_anyone_holding_it_and_nobody_else(
    name: str, world: World, client_for: ClientFor, settings: Any, tmp_path: Any
) -> None:
    """No role opens a signing page without its token (404, anonymous included); with it, anyone
    may, signed in or not, and the wrong method is refused."""
    settings.MEDIA_ROOT = tmp_path
    signature = _signature_sent(world.people["ig_officer"])
    pattern, method = SIGNING_LINKS[name]
    good, bad = token_for(signature), "f" * 64
    clients = [Client(), *(client_for(world.people[person]) for person in PEOPLE)]
    for each in clients:
        assert getattr(each, method)(pattern.format(token=bad)).status_code == 404, name
    if method == "get":
        for each in clients:
            assert each.get(pattern.format(token=good)).status_code == 200, name
        assert Client().post(pattern.format(token=good)).status_code == 405
    else:
        # An empty form: refused with the page shown again, and the link still works.
        assert Client().post(pattern.format(token=good)).status_code == 400, name
        assert Client().get(pattern.format(token=good)).status_code == 405


def _signature_sent(officer: User) -> AgreementSignature:
    partner = OrganisationFactory.create(name="Matrix Partner Trust")
    PartnerSignatory.objects.create(
        organisation=partner, name="Pat Partner", role=SignatoryRole.DPO, email="pat@partner.example"
    )
    version = make_agreement(author=officer, parties=[partner])
    transition(version, "send_for_signature", actor=officer)
    signing_copy_render(version=version)
    return version.signatures.get(organisation=partner)
