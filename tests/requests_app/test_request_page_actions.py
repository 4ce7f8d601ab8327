"""Every action on the request page, for every role and every state: each one shown works, and an action
a person may not take is not shown.

The walker reads the page as the browser would (each ``<form method="post">`` in the main content and
each register link), posts every form with what a person would type, and follows every link. "Works"
means the server did what the button says (a redirect back, or the confirmation step of a sign-off that
then signs), never a 404, 403 or 405. What may be done is written out by hand from DOMAIN.md below, not
taken from the workflow table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import resolve
from guardian.shortcuts import assign_perm

from igportal.roles import Role
from requests_app.models import RequestStatus, SharingRequest
from tests.conftest import ClientFor, MakeUser
from tests.factories import make_asset, make_request

S = RequestStatus
REASON = "Checked against the police form and the policy; the reasons are set out in full here."
PEOPLE = ("owner", "other_requester", "ig_officer", "dpo", "caldicott", "siro", "auditor", "asset_owner")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REVIEW = {
    S.AWAITING_IAO: {"asset_owner"},
    S.IG_REVIEW: {"ig_officer", "dpo"},
    S.AWAITING_CALDICOTT: {"caldicott"},
    S.AWAITING_SIRO: {"siro"},
}


def expected_moves(state: RequestStatus, person: str) -> set[str]:
    """The workflow moves the page offers as buttons, from DOMAIN.md: the requester submits, withdraws
    and closes an approval that was never acted on; the IG team starts the review and closes; each
    stage's signer decides; nobody closes a one-off request as shared by a button (the log does that)."""
    moves = set()
    if person == "owner":
        if state in {S.DRAFT, S.CHANGES_REQUESTED}:
            moves.add("submit")
        if state in {S.DRAFT, S.CHANGES_REQUESTED, S.SUBMITTED, *REVIEW}:
            moves.add("withdraw")
    if person in {"ig_officer", "dpo"} and state == S.SUBMITTED:
        moves.add("start_review")
    if person in REVIEW.get(state, set()):
        moves.add("decide")
    if person in {"owner", "ig_officer", "dpo"} and state in {S.APPROVED, S.APPROVED_WITH_CONDITIONS}:
        moves.add("not_shared")
    return moves


@dataclass
class PageForm:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class FormReader(HTMLParser):
    """The post forms and links inside ``<main>``, as a browser would submit them untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.in_main = False
        self.forms: list[PageForm] = []
        self.links: list[str] = []
        self._form: PageForm | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = PageForm(a["action"])
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "radio":
                self._form.radios.setdefault(name, []).append(a.get("value", ""))
            elif kind == "checkbox":
                if "checked" in a:
                    self._form.fields.setdefault(name, []).append(a.get("value", "on"))
            elif kind == "file":
                self._form.files.append(name)
            else:
                self._form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._form.fields[name] = [""]
        elif tag == "select" and name:
            self._select = name
        elif (
            tag == "option"
            and self._select is not None
            and ("selected" in a or self._select not in self._form.fields)
        ):
            # As a browser: the selected option, else the first.
            self._form.fields[self._select] = [a.get("value", "")]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "main":
            self.in_main = False


def _read(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def _move_of(action: str) -> str:
    match = resolve(action)
    if match.url_name == "request_transition":
        return str(match.kwargs["name"])
    if match.url_name == "wizard_review":
        return "submit"
    if match.url_name == "request_decide":
        return "decide"
    return str(match.url_name)


def _filled(form: PageForm, move: str) -> dict[str, object]:
    """What a person types: a reason in every text box and the least contested decision; selects keep
    their first option, as the page offers only the sign-offs that can still be added."""
    data: dict[str, object] = {
        name: values if len(values) > 1 else values[0] for name, values in form.fields.items()
    }
    for name in ("comment", "body", "reason"):
        if name in data:
            data[name] = REASON
    if move == "decide":
        data["decision"] = "request_changes"
    for name in form.files:
        data[name] = SimpleUploadedFile("police-form.pdf", PDF, content_type="application/pdf")
    return data


def _works(client: Client, form: PageForm, move: str) -> None:
    response = client.post(form.action, _filled(form, move))
    if move == "decide":
        # The first post shows what is being signed; confirming it signs.
        assert response.status_code == 200 and "Confirm and sign" in response.content.decode()
        response = client.post(form.action, {**_filled(form, move), "confirmed": "True"})
    if move == "submit":
        # A factory draft has no answers: the wizard's review answers, naming the steps still to do
        # (test_wizard.py submits a complete one through the same address).
        assert response.status_code == 400 and "before you submit" in response.content.decode()
        return
    assert response.status_code == 302, (move, response.status_code, response.content.decode()[:1500])


@pytest.fixture
def people(make_user: MakeUser) -> dict[str, User]:
    return {
        "owner": make_user(Role.REQUESTER),
        "other_requester": make_user(Role.REQUESTER),
        "ig_officer": make_user(Role.IG_OFFICER),
        "dpo": make_user(Role.DPO),
        "caldicott": make_user(Role.CALDICOTT_GUARDIAN),
        "siro": make_user(Role.SIRO),
        "auditor": make_user(Role.AUDITOR),
        # Owns the asset every request here draws on; sees a request from their stage on.
        "asset_owner": make_user(Role.INFORMATION_ASSET_OWNER),
    }


# The stages each state's request passes through: the stage under way is always one of them.
STAGES = {
    S.AWAITING_IAO: ("iao", "ig_dpo"),
    S.AWAITING_CALDICOTT: ("ig_dpo", "caldicott_guardian"),
    S.AWAITING_SIRO: ("ig_dpo", "siro"),
}


def _request(owner: User, state: RequestStatus, asset_owner: User) -> SharingRequest:
    sharing_request = make_request(requester=owner, status=state, stages=STAGES.get(state, ("ig_dpo",)))
    if state == S.AWAITING_IAO:
        sharing_request.assets.add(make_asset(owner=asset_owner))
        assign_perm("view_sharingrequest", asset_owner, sharing_request)
    # A request reaching a signer's stage is shared with their role, as the transition service does.
    for waiting, role in ((S.AWAITING_CALDICOTT, Role.CALDICOTT_GUARDIAN), (S.AWAITING_SIRO, Role.SIRO)):
        if state == waiting:
            assign_perm("view_sharingrequest", Group.objects.get(name=role.group_name), sharing_request)
    return sharing_request


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(S), ids=str)
def test_every_action_on_the_request_page_works_or_is_not_shown(
    people: dict[str, User], client_for: ClientFor, state: RequestStatus
) -> None:
    for person in PEOPLE:
        client = client_for(people[person])
        with transaction.atomic():
            sharing_request = _request(people["owner"], state, people["asset_owner"])
            page = client.get(f"/requests/{sharing_request.reference}/")
            transaction.set_rollback(True)
        if page.status_code == 404:
            # Need-to-know: drafts are the owner's; signers see a request from their stage on.
            assert (
                person == "other_requester"
                or (person != "owner" and state == S.DRAFT)
                or (person in {"caldicott", "siro", "asset_owner"} and person not in REVIEW.get(state, set()))
            ), (state, person)
            continue
        assert page.status_code == 200
        reader = _read(page.content.decode())
        moves = {_move_of(form.action) for form in reader.forms}
        workflow_moves = moves & {"submit", "withdraw", "start_review", "decide", "not_shared", "close"}
        assert workflow_moves == expected_moves(state, person), (state, person, moves)
        if person == "auditor":
            assert moves == set(), (state, moves)  # read-only: not even a comment
        for index, _ in enumerate(reader.forms):
            # Each form on a fresh request in the same state, as if it were the first thing done.
            with transaction.atomic():
                fresh = _request(people["owner"], state, people["asset_owner"])
                fresh_page = _read(client.get(f"/requests/{fresh.reference}/").content.decode())
                form = fresh_page.forms[index]
                _works(client, form, _move_of(form.action))
                transaction.set_rollback(True)
        for link in reader.links:
            if f"/requests/{sharing_request.reference}/" in link and link.rstrip("/").endswith(
                ("disclosure", "data-flow")
            ):
                with transaction.atomic():
                    fresh = _request(people["owner"], state, people["asset_owner"])
                    opened = client.get(link.replace(sharing_request.reference, fresh.reference))
                    assert opened.status_code == 200, (state, person, link, opened.status_code)
                    transaction.set_rollback(True)
