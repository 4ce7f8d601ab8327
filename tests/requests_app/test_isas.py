"""The ISA lifecycle through the one transition service: draft, Caldicott approval (our signature), every
partner's signature, versions, ends."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from igportal.roles import Role
from requests_app.models import (
    AgreementDocument,
    AgreementHistory,
    AgreementStatus,
    AgreementVersion,
    AuditEvent,
    DataFlowHistory,
    DataFlowStatus,
    PartnerSignatory,
    SignatoryRole,
    SignatureStatus,
)
from requests_app.naming import FORBIDDEN
from requests_app.services.documents import agreement_document_render, agreement_preview_render
from requests_app.services.isas import (
    agreement_create,
    agreement_new_version,
    agreement_version_update,
    agreements_expire,
    version_content,
)
from requests_app.services.workflow import TransitionConflict, system_transition, transition
from requests_app.tasks import expire_agreements, render_agreement_document
from tests.conftest import MakeUser
from tests.factories import (
    ISA_CONTENT,
    OrganisationFactory,
    make_agreement,
    make_flow,
    partner_with_signatory,
    sign_for_every_partner,
)

pytestmark = pytest.mark.django_db
A = AgreementStatus
Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_the_caldicott_guardians_approval_is_our_signature_and_the_last_partner_brings_it_into_force(
    ig_officer: User, caldicott: User, django_capture_on_commit_callbacks: Capture
) -> None:
    version = make_agreement(author=ig_officer)
    transition(version, "submit_for_approval", actor=ig_officer)
    assert version.status == A.AWAITING_CALDICOTT
    with django_capture_on_commit_callbacks(execute=True):
        transition(version, "approve", actor=caldicott)
    version.refresh_from_db()
    # Approved and signed for us, but not in force: an ISA binds every party, so each partner signs too.
    assert version.status == A.AWAITING_SIGNATURES and len(version.signing_sha256) == 64
    ours = version.signatures.get(organisation=None)
    assert (ours.status, ours.signed_by, ours.signed_role, ours.pdf_sha256) == (
        SignatureStatus.SIGNED,
        caldicott,
        "Caldicott Guardian",
        version.signing_sha256,
    )
    partner_ask = version.signatures.get(organisation__isnull=False)
    assert partner_ask.status == SignatureStatus.PENDING
    assert not AgreementDocument.objects.filter(version=version).exists()
    with django_capture_on_commit_callbacks(execute=True):
        sign_for_every_partner(version)
    assert version.status == A.ACTIVE
    assert version.approved_by == caldicott and version.approved_at is not None
    assert [(h.action, h.from_status, h.to_status, h.actor) for h in version.history.all()] == [
        ("submit_for_approval", "draft", "awaiting_caldicott", ig_officer),
        ("approve", "awaiting_caldicott", "awaiting_signatures", caldicott),
        ("signed", "awaiting_signatures", "awaiting_signatures", caldicott),
        ("signed", "awaiting_signatures", "awaiting_signatures", None),
        ("come_into_force", "awaiting_signatures", "active", None),
    ]
    events = AuditEvent.objects.filter(action="isa.transition").order_by("id")
    assert [e.detail["action"] for e in events] == ["submit_for_approval", "approve", "come_into_force"]
    assert events.last().target_label == f"{version.agreement.reference} v1"  # type: ignore[union-attr]
    assert AgreementDocument.objects.filter(version=version).exists()


def test_the_caldicott_guardian_cannot_approve_until_every_partner_has_a_signatory(
    ig_officer: User, caldicott: User
) -> None:
    version = make_agreement(
        author=ig_officer,
        status=A.AWAITING_CALDICOTT,
        parties=[OrganisationFactory.create(name="Quiet Trust")],
    )
    with pytest.raises(ValidationError, match="Add a signatory for Quiet Trust"):
        transition(version, "approve", actor=caldicott)
    assert AgreementVersion.objects.get(pk=version.pk).status == A.AWAITING_CALDICOTT
    assert not version.signatures.exists()


def test_the_author_never_approves_their_own_agreement(make_user: MakeUser) -> None:
    both = make_user(Role.IG_OFFICER, Role.CALDICOTT_GUARDIAN)
    version = make_agreement(author=both, status=A.AWAITING_CALDICOTT)
    with pytest.raises(PermissionDenied, match="Caldicott Guardian, who did not draft or send it"):
        transition(version, "approve", actor=both)
    assert AgreementVersion.objects.get(pk=version.pk).status == A.AWAITING_CALDICOTT


def test_whoever_sent_it_for_approval_does_not_approve_it(make_user: MakeUser, ig_officer: User) -> None:
    both = make_user(Role.IG_OFFICER, Role.CALDICOTT_GUARDIAN)
    version = make_agreement(author=ig_officer)
    transition(version, "submit_for_approval", actor=both)
    with pytest.raises(PermissionDenied):
        transition(version, "approve", actor=both)


def test_an_incomplete_draft_is_not_sent_and_the_gaps_are_named(ig_officer: User) -> None:
    version = make_agreement(author=ig_officer, retention="", review_on=None)
    version.parties.clear()
    with pytest.raises(ValidationError) as caught:
        transition(version, "submit_for_approval", actor=ig_officer)
    text = " ".join(caught.value.messages)
    assert "retention and destruction" in text and "the review date" in text
    assert "Name at least one partner organisation." in text
    assert not AgreementHistory.objects.exists()


def test_returning_to_draft_needs_a_reason(ig_officer: User, caldicott: User) -> None:
    version = make_agreement(author=ig_officer, status=A.AWAITING_CALDICOTT)
    with pytest.raises(ValidationError):
        transition(version, "return_to_draft", actor=caldicott)
    transition(version, "return_to_draft", actor=caldicott, comment="Name the retention schedule.")
    assert version.status == A.DRAFT
    assert version.history.get().comment == "Name the retention schedule."


def test_a_stale_approval_is_told_who_acted_first(
    ig_officer: User, caldicott: User, make_user: MakeUser
) -> None:
    version = make_agreement(author=ig_officer, status=A.AWAITING_CALDICOTT)
    stale = AgreementVersion.objects.get(pk=version.pk)
    transition(version, "return_to_draft", actor=caldicott, comment="Not yet.")
    deputy = make_user(Role.CALDICOTT_GUARDIAN)
    # The deputy's page still showed it awaiting approval: the conditional update catches the race.
    with pytest.raises(TransitionConflict, match="was already returned to draft by Clare Evans"):
        transition(stale, "approve", actor=deputy)
    assert AgreementVersion.objects.get(pk=version.pk).status == A.DRAFT


# --- versions ----------------------------------------------------------------------------------------


def _content(version: AgreementVersion, **changes: Any) -> dict[str, Any]:
    return {
        **version_content(version),
        "title": version.agreement.title,
        "parties": list(version.parties.all()),
        "data_items": list(version.data_items.all()),
        **changes,
    }


def test_changing_an_agreement_in_force_drafts_version_2_and_keeps_version_1(
    ig_officer: User, caldicott: User
) -> None:
    v1 = make_agreement(author=ig_officer, status=A.ACTIVE)
    with pytest.raises(ValidationError, match="only a draft can be changed"):
        agreement_version_update(version=v1, actor=ig_officer, **_content(v1, retention="Three years."))
    with pytest.raises(ValidationError):
        agreement_new_version(agreement=v1.agreement, actor=ig_officer, **_content(v1))
    v2 = agreement_new_version(
        agreement=v1.agreement,
        actor=ig_officer,
        **_content(v1, retention="Three years.", change_summary="Longer retention."),
    )
    assert (v2.number, v2.status, v2.retention) == (2, A.DRAFT, "Three years.")
    v1.refresh_from_db()
    assert (v1.status, v1.retention) == (A.ACTIVE, ISA_CONTENT["retention"])
    assert set(v2.parties.all()) == set(v1.parties.all())
    assert AuditEvent.objects.get(action="isa.new_version").detail == {"version": 2, "from_version": 1}


def test_version_2_signed_by_every_party_supersedes_version_1(ig_officer: User, caldicott: User) -> None:
    v1 = make_agreement(author=ig_officer, status=A.ACTIVE)
    v2 = make_agreement(author=ig_officer, agreement=v1.agreement, status=A.AWAITING_CALDICOTT)
    transition(v2, "approve", actor=caldicott)
    v1.refresh_from_db()
    # The approval alone changes nothing for version 1: it stays in force until every party signs v2.
    assert (v1.status, v2.status) == (A.ACTIVE, A.AWAITING_SIGNATURES)
    sign_for_every_partner(v2)
    v1.refresh_from_db()
    assert (v1.status, v2.status) == (A.SUPERSEDED, A.ACTIVE)
    superseded = v1.history.get()
    # The partner who signed last has no account: the portal records the move, caused by that signature.
    assert (superseded.action, superseded.actor, superseded.comment) == (
        "supersede",
        None,
        "Replaced by version 2.",
    )


def test_the_database_allows_one_version_in_force_per_agreement(ig_officer: User) -> None:
    v1 = make_agreement(author=ig_officer, status=A.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_agreement(author=ig_officer, agreement=v1.agreement, status=A.ACTIVE)


def test_a_draft_is_created_and_edited_by_the_ig_team_only(ig_officer: User, caldicott: User) -> None:
    partner = OrganisationFactory.create()
    content = {**ISA_CONTENT, "title": "Partner", "parties": [partner]}
    with pytest.raises(PermissionDenied):
        agreement_create(actor=caldicott, **content)
    version = agreement_create(actor=ig_officer, **content)
    assert version.agreement.reference.startswith("ISA-") and version.number == 1
    edited = agreement_version_update(
        version=version, actor=ig_officer, **{**content, "title": "Partner renamed", "purpose": "Audit."}
    )
    assert (edited.purpose, edited.agreement.title) == ("Audit.", "Partner renamed")
    assert [e.action for e in AuditEvent.objects.order_by("id")] == ["isa.create", "isa.update"]


def test_dates_out_of_order_are_refused_on_the_field(ig_officer: User) -> None:
    content = {
        **ISA_CONTENT,
        "title": "Partner",
        "parties": [OrganisationFactory.create()],
        "end_on": datetime.date(2026, 10, 1),
    }
    with pytest.raises(ValidationError) as caught:
        agreement_create(actor=ig_officer, **content)
    assert "end_on" in caught.value.message_dict


# --- ends ----------------------------------------------------------------------------------------------


def test_terminating_an_agreement_suspends_the_flows_it_covered(
    ig_officer: User, dpo: User, requester: User
) -> None:
    version = make_agreement(author=ig_officer, status=A.ACTIVE)
    flow = make_flow(requester=requester, created_by=ig_officer, agreement=version.agreement)
    with pytest.raises(ValidationError):
        transition(version, "terminate", actor=dpo)
    transition(version, "terminate", actor=dpo, comment="The partner closed the service.")
    flow.refresh_from_db()
    assert flow.status == DataFlowStatus.SUSPENDED
    suspended = DataFlowHistory.objects.get(flow=flow)
    assert suspended.actor == dpo
    assert suspended.comment == f"{version.audit_label} was terminated: The partner closed the service."


def test_the_dpo_expires_an_agreement_only_after_its_end_date(ig_officer: User, dpo: User) -> None:
    today = timezone.localdate()
    running = make_agreement(author=ig_officer, status=A.ACTIVE, end_on=today)
    with pytest.raises(ValidationError, match="terminate it instead"):
        transition(running, "expire", actor=dpo)
    ended = make_agreement(author=ig_officer, status=A.ACTIVE, end_on=today - datetime.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        transition(ended, "expire", actor=ig_officer)
    transition(ended, "expire", actor=dpo)
    assert ended.status == A.EXPIRED


def test_the_daily_sweep_expires_agreements_past_their_end_and_a_second_run_does_nothing(
    ig_officer: User, requester: User
) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    past = make_agreement(author=ig_officer, status=A.ACTIVE, end_on=yesterday)
    current = make_agreement(author=ig_officer, status=A.ACTIVE, end_on=timezone.localdate())
    open_ended = make_agreement(author=ig_officer, status=A.ACTIVE, end_on=None)
    flow = make_flow(requester=requester, created_by=ig_officer, agreement=past.agreement)
    assert expire_agreements.delay().get() == 1
    assert expire_agreements.delay().get() == 0
    past.refresh_from_db()
    flow.refresh_from_db()
    assert past.status == A.EXPIRED and flow.status == DataFlowStatus.SUSPENDED
    assert past.history.get().actor is None
    assert AuditEvent.objects.filter(action="isa.transition", actor=None).count() == 1
    assert {current.status, open_ended.status} == {A.ACTIVE}


def test_the_expiry_command_has_a_dry_run(ig_officer: User) -> None:
    past = make_agreement(
        author=ig_officer, status=A.ACTIVE, end_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    out = StringIO()
    call_command("expire_agreements", "--dry-run", stdout=out)
    assert f"Would expire {past.audit_label}" in out.getvalue()
    past.refresh_from_db()
    assert past.status == A.ACTIVE
    call_command("expire_agreements", stdout=StringIO())
    past.refresh_from_db()
    assert past.status == A.EXPIRED


def test_the_sweep_skips_an_agreement_someone_changed_meanwhile(ig_officer: User, dpo: User) -> None:
    past = make_agreement(
        author=ig_officer, status=A.ACTIVE, end_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    AgreementVersion.objects.filter(pk=past.pk).update(status=A.TERMINATED)
    assert agreements_expire(today=timezone.localdate() + datetime.timedelta(days=1)) == []


def test_only_the_portal_supersedes(ig_officer: User, dpo: User, make_user: MakeUser) -> None:
    version = make_agreement(author=ig_officer, status=A.ACTIVE)
    for person in (ig_officer, dpo, make_user(*Role)):
        with pytest.raises(PermissionDenied):
            transition(version, "supersede", actor=person)
    with pytest.raises(PermissionDenied):
        system_transition(version, "terminate", comment="The portal never terminates.")


# --- the state x transition x role matrix ---------------------------------------------------------------

ISA_ACTIONS = (
    "submit_for_approval",
    "send_for_signature",
    "approve",
    "return_to_draft",
    "expire",
    "terminate",
    "supersede",
    "come_into_force",
    "withdraw",
)
PEOPLE = ("author", "ig_officer", "dpo", "caldicott", "siro", "auditor", "requester")


def isa_allowed(state: AgreementStatus, name: str, person: str) -> bool:
    """Written out from the issue, not derived from the table."""
    if name == "submit_for_approval":
        return state == A.DRAFT and person in {"author", "ig_officer", "dpo"}
    if name == "send_for_signature":
        return state == A.DRAFT and person in {"author", "ig_officer", "dpo"}
    if name == "approve":
        return state == A.AWAITING_CALDICOTT and person == "caldicott"
    if name == "return_to_draft":
        return state in {A.AWAITING_CALDICOTT, A.AWAITING_SIGNATURES} and person in {
            "author",
            "ig_officer",
            "dpo",
            "caldicott",
        }
    if name == "expire":
        return state == A.ACTIVE and person == "dpo"
    if name == "terminate":
        return state == A.ACTIVE and person in {"author", "ig_officer", "dpo"}
    if name in {"supersede", "come_into_force", "withdraw"}:
        return False
    raise AssertionError(name)


@pytest.mark.parametrize("state", list(A), ids=str)
@pytest.mark.parametrize("name", ISA_ACTIONS)
def test_only_allowed_isa_transitions_succeed(make_user: MakeUser, state: AgreementStatus, name: str) -> None:
    people = {
        "author": make_user(Role.IG_OFFICER),
        "ig_officer": make_user(Role.IG_OFFICER),
        "dpo": make_user(Role.DPO),
        "caldicott": make_user(Role.CALDICOTT_GUARDIAN),
        "siro": make_user(Role.SIRO),
        "auditor": make_user(Role.AUDITOR),
        "requester": make_user(Role.REQUESTER),
    }
    past_end = timezone.localdate() - datetime.timedelta(days=1)
    for person in PEOPLE:
        with transaction.atomic():
            # Past its end date when expiry is tried, so that only the role decides.
            version = make_agreement(
                author=people["author"], status=state, end_on=past_end if name == "expire" else None
            )
            for party in version.parties.all():
                PartnerSignatory.objects.create(
                    organisation=party,
                    name="Pat Partner",
                    role=SignatoryRole.DPO,
                    email="pat@partner.example",
                )
            # The move's own row; an approval also records our signature as an event of its own.
            before = AgreementHistory.objects.filter(action=name).count()
            audited = AuditEvent.objects.filter(action="isa.transition").count()
            try:
                transition(version, name, actor=people[person], comment="Because the policy says so.")
            except (PermissionDenied, ValidationError):
                succeeded = False
            else:
                succeeded = True
            assert succeeded is isa_allowed(state, name, person), (state, name, person)
            moved = AgreementHistory.objects.filter(action=name).count() - before
            assert moved == int(succeeded), (state, name, person)
            if not succeeded:
                assert not AgreementHistory.objects.filter(version=version).exists(), (state, name, person)
            new_events = AuditEvent.objects.filter(action="isa.transition").count() - audited
            assert new_events == int(succeeded), (state, name, person)
            if not succeeded:
                assert AgreementVersion.objects.get(pk=version.pk).status == state
            transaction.set_rollback(True)


# --- the PDF -------------------------------------------------------------------------------------------


def test_an_agreement_in_force_is_stored_as_a_named_pdf_with_its_hash(
    ig_officer: User, caldicott: User, django_capture_on_commit_callbacks: Capture
) -> None:
    version = make_agreement(
        author=ig_officer,
        title="Northshire (Community) Trust: Cardiology & Stroke, Ltd.",
        status=A.AWAITING_CALDICOTT,
        parties=[partner_with_signatory(name="Northshire Community Trust", ods_code="RX1")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        transition(version, "approve", actor=caldicott)
        sign_for_every_partner(version)
    document = AgreementDocument.objects.get(version=version)
    content = document.file.read()
    assert content.startswith(b"%PDF")
    assert document.sha256 == hashlib.sha256(content).hexdigest() and document.size == len(content)
    on = timezone.localdate().strftime("%Y%m%d")
    assert document.name == f"{on} ISA Northshire Community Trust Cardiology Stroke Ltd v1"
    assert re.fullmatch(r"\d{8} ISA [A-Za-z0-9 ]+ v\d+", document.name)
    assert not FORBIDDEN & set(document.name)
    assert version.agreement.reference not in document.file.name
    text = _text(content)
    for expected in (
        version.agreement.reference,
        "Northshire Community Trust",
        "Monthly activity extract to plan community cardiology services.",
        "Art 6(1)(e) public task",
        "NHS number",
        "Two years, then securely deleted.",
        "does not pass it to anyone else",
        "Approved for",
        "Clare Evans, Caldicott Guardian",
    ):
        assert expected in text, expected


def test_rendering_the_same_version_twice_keeps_one_document(
    ig_officer: User, caldicott: User, django_capture_on_commit_callbacks: Capture
) -> None:
    version = make_agreement(author=ig_officer, status=A.AWAITING_CALDICOTT)
    with django_capture_on_commit_callbacks(execute=True):
        transition(version, "approve", actor=caldicott)
        sign_for_every_partner(version)
    first = AgreementDocument.objects.get()
    assert render_agreement_document.delay(version.pk).get() == first.pk
    assert agreement_document_render(version_id=version.pk) == first
    assert AgreementDocument.objects.count() == 1


def test_a_draft_is_previewed_marked_as_a_draft_and_never_stored(ig_officer: User) -> None:
    version = make_agreement(author=ig_officer)
    name, content = agreement_preview_render(version=version)
    assert name.endswith(" draft v1")
    assert "DRAFT, NOT IN FORCE" in _text(content)
    with pytest.raises(ValueError, match="preview it"):
        agreement_document_render(version_id=version.pk)
    assert not AgreementDocument.objects.exists()


def test_user_text_is_escaped_in_the_agreement(ig_officer: User) -> None:
    version = make_agreement(author=ig_officer, purpose='<img src="file:///etc/passwd"> & <b>bold</b>')
    _, content = agreement_preview_render(version=version)
    assert '<img src="file:///etc/passwd"> & <b>bold</b>' in _text(content)
