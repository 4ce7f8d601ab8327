"""Every party signs the ISA version it is bound by: links, signatures, coming into force, a new version."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from igportal.roles import Role
from requests_app.models import (
    AgreementDocument,
    AgreementSignature,
    AgreementStatus,
    AgreementVersion,
    AuditEvent,
    Organisation,
    OrganisationSettings,
    PartnerSignatory,
    SignatoryRole,
    SignatureStatus,
)
from requests_app.services.isas import (
    agreement_new_version,
    agreement_sign_ours,
    signature_decline,
    signature_requests_send,
    signature_resend,
    signature_sign,
    version_content,
)
from requests_app.services.workflow import transition
from requests_app.signing_links import token_for
from tests.conftest import ClientFor, MakeUser
from tests.factories import OrganisationFactory, make_agreement

pytestmark = pytest.mark.django_db
A = AgreementStatus
Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def _partner(name: str) -> Organisation:
    organisation = OrganisationFactory.create(name=name)
    PartnerSignatory.objects.create(
        organisation=organisation,
        name=f"Signer of {name}",
        role=SignatoryRole.DPO,
        email=f"dpo@{name[:5]}.example",
    )
    return organisation


def _sent(ig_officer: User, *parties: Organisation) -> AgreementVersion:
    """A version sent to every party, its signing copy rendered and its links emailed."""
    version = make_agreement(author=ig_officer, parties=parties)
    transition(version, "send_for_signature", actor=ig_officer)
    signature_requests_send(version_id=version.pk)
    version.refresh_from_db()
    return version


def _ask(version: AgreementVersion, party: Organisation) -> AgreementSignature:
    return version.signatures.exclude(status=SignatureStatus.SUPERSEDED).get(organisation=party)


def _refusals(reason: str) -> int:
    return AuditEvent.objects.filter(action="isa.signature_link_refused", detail__reason=reason).count()


def _sign_form(name: str = "Dr Ada Signer") -> dict[str, str]:
    return {"name": name, "role": "Data Protection Officer", "declaration": "on"}


def test_sending_needs_a_signatory_for_every_partner(ig_officer: User) -> None:
    unnamed = OrganisationFactory.create(name="Nobody Signs Trust")
    version = make_agreement(author=ig_officer, parties=[unnamed])
    with pytest.raises(ValidationError, match="Add a signatory for Nobody Signs Trust"):
        transition(version, "send_for_signature", actor=ig_officer)
    assert not version.signatures.exists()


def test_each_party_and_we_are_asked_and_each_link_is_emailed_once(ig_officer: User) -> None:
    east, west = _partner("East Trust"), _partner("West Council")
    version = _sent(ig_officer, east, west)
    assert version.status == A.AWAITING_SIGNATURES
    assert sorted(str(s.organisation) for s in version.signatures.all()) == [
        "East Trust",
        "None",
        "West Council",
    ]
    assert len(version.signing_sha256) == 64 and version.signing_copy
    assert sorted(m.to[0] for m in mail.outbox) == ["dpo@East .example", "dpo@West .example"]
    east_ask = _ask(version, east)
    assert token_for(east_ask) in next(m.body for m in mail.outbox if m.to == ["dpo@East .example"])
    # The raw token is never stored: only its hash.
    assert token_for(east_ask) not in str(AgreementSignature.objects.filter(pk=east_ask.pk).values().get())
    assert signature_requests_send(version_id=version.pk) == 0
    assert len(mail.outbox) == 2


def test_a_link_works_once_for_its_party_and_version(ig_officer: User, client: Client) -> None:
    east, west = _partner("East Trust"), _partner("West Council")
    version = _sent(ig_officer, east, west)
    ask = _ask(version, east)
    url = reverse("agreement_sign", args=[token_for(ask)])
    page = client.get(url)
    assert page.status_code == 200
    assert version.signing_sha256 in page.content.decode()
    assert AuditEvent.objects.filter(action="isa.signature_open", target_id=str(ask.pk)).count() == 1
    client.get(url)
    assert AuditEvent.objects.filter(action="isa.signature_view", target_id=str(ask.pk)).count() == 1
    pdf = client.get(reverse("agreement_sign_pdf", args=[token_for(ask)]))
    assert pdf.status_code == 200

    done = client.post(
        reverse("agreement_sign_submit", args=[token_for(ask)]), _sign_form(), REMOTE_ADDR="198.51.100.7"
    )
    assert done.status_code == 200
    ask.refresh_from_db()
    assert (ask.status, ask.signed_organisation, ask.version_number) == (
        SignatureStatus.SIGNED,
        "East Trust",
        1,
    )
    assert ask.pdf_sha256 == version.signing_sha256 and ask.signed_ip == "198.51.100.7"
    assert ask.signed_name == "Dr Ada Signer" and ask.signed_at is not None
    # West's ask is untouched: one link, one party.
    assert _ask(version, west).status == SignatureStatus.PENDING

    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("agreement_sign_submit", args=[token_for(ask)]), _sign_form()).status_code == 404
    )
    assert _refusals("used") == 2


def test_a_tampered_or_guessed_token_is_404_and_audited(ig_officer: User, client: Client) -> None:
    east = _partner("East Trust")
    version = _sent(ig_officer, east)
    token = token_for(_ask(version, east))
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    for bad in (tampered, "0" * 64, "short", token.upper()):
        assert client.get(reverse("agreement_sign", args=[bad])).status_code == 404
        assert client.post(reverse("agreement_sign_decline", args=[bad]), {"reason": "x"}).status_code == 404
    assert _refusals("unknown") == 8
    refused = AuditEvent.objects.filter(action="isa.signature_link_refused").first()
    assert refused is not None and refused.ip_address is not None and token not in str(refused.detail)


def test_an_expired_link_is_refused_and_a_resent_one_replaces_it(
    ig_officer: User, client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    east = _partner("East Trust")
    version = _sent(ig_officer, east)
    ask = _ask(version, east)
    old_token = token_for(ask)
    AgreementSignature.objects.filter(pk=ask.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("agreement_sign", args=[old_token])).status_code == 404
    assert _refusals("expired") == 1
    with pytest.raises(ValidationError):
        signature_sign(signature=ask, name="A", role="B", declaration=True, http_request=None)

    signature_resend(signature=ask, actor=ig_officer)
    ask.refresh_from_db()
    assert token_for(ask) != old_token and ask.expires_at > timezone.now()  # type: ignore[operator]
    assert client.get(reverse("agreement_sign", args=[old_token])).status_code == 404
    assert _refusals("unknown") == 1
    mail.outbox.clear()
    signature_requests_send(version_id=version.pk)
    assert [m.to for m in mail.outbox] == [["dpo@East .example"]] and token_for(ask) in mail.outbox[0].body
    assert client.get(reverse("agreement_sign", args=[token_for(ask)])).status_code == 200
    assert AuditEvent.objects.filter(action="isa.signature_resend").count() == 1


def test_in_force_exactly_when_the_last_party_signs_and_the_pdf_shows_every_signature(
    ig_officer: User, caldicott: User, django_capture_on_commit_callbacks: Capture
) -> None:
    portal = OrganisationSettings.load()
    portal.name = "Southshire Hospitals"
    portal.save()
    east, west = _partner("East Trust"), _partner("West Council")
    version = _sent(ig_officer, east, west)
    signature_sign(
        signature=_ask(version, east), name="Eve East", role="DPO", declaration=True, http_request=None
    )
    agreement_sign_ours(version=version, actor=caldicott, declaration=True)
    version.refresh_from_db()
    assert version.status == A.AWAITING_SIGNATURES
    with django_capture_on_commit_callbacks(execute=True):
        signature_sign(
            signature=_ask(version, west), name="Walt West", role="SIRO", declaration=True, http_request=None
        )
    version.refresh_from_db()
    assert version.status == A.ACTIVE and version.approved_by == caldicott
    assert version.history.filter(action="come_into_force").count() == 1
    text = _text(AgreementDocument.objects.get(version=version).file.read())
    for words in ("Eve East", "Walt West", "East Trust", "West Council", "Southshire Hospitals"):
        assert words in text
    assert text.count(version.signing_sha256[:12]) >= 3

    out = io.StringIO()
    call_command("verify_isa_signatures", version.agreement.reference, "1", stdout=out)
    assert out.getvalue().count("matches") == 4
    forged = io.BytesIO(b"%PDF-1.7 not what was signed")
    with pytest.raises(CommandError, match="does not match"):
        call_command("verify_isa_signatures", version.agreement.reference, "1", "--file", _write(forged))


def _write(content: io.BytesIO) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
        handle.write(content.getvalue())
    return handle.name


def test_our_signature_is_the_caldicott_guardians_who_did_not_draft_or_send_it(
    ig_officer: User, make_user: MakeUser
) -> None:
    east = _partner("East Trust")
    version = _sent(ig_officer, east)
    for someone in (ig_officer, make_user(Role.DPO)):
        with pytest.raises(Exception, match="Caldicott Guardian"):
            agreement_sign_ours(version=version, actor=someone, declaration=True)
    with pytest.raises(ValidationError):
        agreement_sign_ours(version=version, actor=make_user(Role.CALDICOTT_GUARDIAN), declaration=False)


def test_a_decline_keeps_the_reason_and_a_new_version_clears_every_signature_and_asks_again(
    ig_officer: User, caldicott: User, client: Client
) -> None:
    east, west = _partner("East Trust"), _partner("West Council")
    v1 = _sent(ig_officer, east, west)
    east_v1, west_v1 = _ask(v1, east), _ask(v1, west)
    signature_sign(signature=east_v1, name="Eve East", role="DPO", declaration=True, http_request=None)
    with pytest.raises(ValidationError) as no_reason:
        signature_decline(signature=west_v1, reason="  ", http_request=None)
    assert "reason" in no_reason.value.message_dict
    signature_decline(signature=west_v1, reason="Retention must be one year.", http_request=None)
    assert v1.history.filter(action="signature_declined", comment__contains="one year").exists()
    west_v1_token = token_for(west_v1)

    v2 = agreement_new_version(
        agreement=v1.agreement,
        actor=ig_officer,
        title=v1.agreement.title,
        parties=[east, west],
        data_items=list(v1.data_items.all()),
        **{**version_content(v1), "retention": "One year.", "change_summary": "Retention cut to a year."},
    )
    v1.refresh_from_db()
    assert v1.status == A.SUPERSEDED
    assert set(v1.signatures.values_list("status", flat=True)) == {SignatureStatus.SUPERSEDED}
    assert client.get(reverse("agreement_sign", args=[west_v1_token])).status_code == 404
    transition(v2, "send_for_signature", actor=ig_officer)
    signature_requests_send(version_id=v2.pk)
    v2.refresh_from_db()
    assert v2.signatures.count() == 3
    assert not v2.signatures.filter(status=SignatureStatus.SIGNED).exists()
    assert v2.signing_sha256 != v1.signing_sha256
    east_v2 = _ask(v2, east)
    assert token_for(east_v2) != token_for(east_v1)
    # East's v1 signature does not carry over: v2 waits for it again.
    agreement_sign_ours(version=v2, actor=caldicott, declaration=True)
    signature_sign(
        signature=_ask(v2, west), name="Walt West", role="SIRO", declaration=True, http_request=None
    )
    v2.refresh_from_db()
    assert v2.status == A.AWAITING_SIGNATURES


def test_returning_to_draft_kills_the_links(ig_officer: User, client: Client) -> None:
    east = _partner("East Trust")
    version = _sent(ig_officer, east)
    token = token_for(_ask(version, east))
    transition(version, "return_to_draft", actor=ig_officer, comment="Wrong partner contact.")
    assert client.get(reverse("agreement_sign", args=[token])).status_code == 404
    assert _refusals("used") == 1


def test_the_signing_page_shows_that_version_only_under_the_same_headers(
    ig_officer: User, client: Client
) -> None:
    east, west = _partner("East Trust"), _partner("West Council")
    version = _sent(ig_officer, east, west)
    ig_officer.first_name, ig_officer.last_name = "Iggy", "Drafter"
    ig_officer.save()
    page = client.get(reverse("agreement_sign", args=[token_for(_ask(version, east))]))
    html = page.content.decode()
    # The very headers of every other page (the log-in page's), not merely some of them.
    portal_page = Client().get(reverse("login"))
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert page.headers.get(header) == portal_page.headers.get(header) is not None, header
    assert (
        page.headers["X-Frame-Options"] == "DENY" and "script-src 'self'" in page["Content-Security-Policy"]
    )
    assert "no-store" in page.headers["Cache-Control"]
    pdf = client.get(reverse("agreement_sign_pdf", args=[token_for(_ask(version, east))]))
    assert (
        pdf.headers.get("X-Content-Type-Options") == "nosniff" and "no-store" in pdf.headers["Cache-Control"]
    )
    for secret in ("Iggy", "Drafter", "Signer of West", "dpo@West", token_for(_ask(version, west))):
        assert secret not in html
    assert 'href="/registers/' not in html


def _sign_in_a_race(signature_id: int, barrier: threading.Barrier, outcomes: list[str]) -> None:
    try:
        signature = AgreementSignature.objects.get(pk=signature_id)
        barrier.wait(timeout=10)
        signature_sign(signature=signature, name="Racer", role="DPO", declaration=True, http_request=None)
        outcomes.append("signed")
    except Exception as exc:
        outcomes.append(repr(exc))
    finally:
        connections.close_all()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("starting_data")  # the data item catalogue, which an earlier flush may have emptied
def test_two_last_signatures_at_once_bring_it_into_force_exactly_once(make_user: MakeUser) -> None:
    assert connection.vendor == "postgresql"
    officer, guardian = make_user(Role.IG_OFFICER), make_user(Role.CALDICOTT_GUARDIAN)
    east, west = _partner("East Trust"), _partner("West Council")
    for attempt in range(10):
        version = _sent(officer, east, west)
        agreement_sign_ours(version=version, actor=guardian, declaration=True)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []
        threads = [
            threading.Thread(target=_sign_in_a_race, args=(_ask(version, party).pk, barrier, outcomes))
            for party in (east, west)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert outcomes == ["signed", "signed"], (attempt, outcomes)
        version.refresh_from_db()
        assert version.status == A.ACTIVE, attempt
        assert version.history.filter(action="come_into_force").count() == 1, attempt
        assert (
            AuditEvent.objects.filter(
                action="isa.transition", target_id=str(version.pk), detail__action="come_into_force"
            ).count()
            == 1
        )
        # The next round is a new agreement.
        AgreementVersion.objects.filter(pk=version.pk).update(status=A.TERMINATED)


def test_signing_without_the_pages_csrf_token_is_refused_and_changes_nothing(ig_officer: User) -> None:
    east = _partner("East Trust")
    version = _sent(ig_officer, east)
    ask = _ask(version, east)
    browser = Client(enforce_csrf_checks=True)
    for action, data in (
        ("agreement_sign_submit", _sign_form()),
        ("agreement_sign_decline", {"reason": "No."}),
        ("agreement_sign_question", {"question": "Why?"}),
    ):
        assert browser.post(reverse(action, args=[token_for(ask)]), data).status_code == 403
    ask.refresh_from_db()
    assert ask.status == SignatureStatus.PENDING and not version.history.exclude(action="send_for_signature")
    # With the token the page gives, the same browser signs.
    page = browser.get(reverse("agreement_sign", args=[token_for(ask)]))
    token = page.cookies["csrftoken"].value
    signed = browser.post(
        reverse("agreement_sign_submit", args=[token_for(ask)]),
        {**_sign_form(), "csrfmiddlewaretoken": token},
    )
    assert signed.status_code == 200
    ask.refresh_from_db()
    assert ask.status == SignatureStatus.SIGNED


# --- chasing ------------------------------------------------------------------------------------------


def test_outstanding_signatures_are_chased_once_per_milestone_and_expiry_reaches_the_dpo(
    ig_officer: User, caldicott: User, dpo: User, django_capture_on_commit_callbacks: Capture
) -> None:
    from requests_app.models import Notification
    from tests.requests_app.chasing import sweep

    portal = OrganisationSettings.load()
    portal.caldicott_guardian, portal.dpo = caldicott, dpo
    portal.save()
    east, west = _partner("East Trust"), _partner("West Council")
    version = _sent(ig_officer, east, west)
    signature_sign(
        signature=_ask(version, west), name="Walt West", role="SIRO", declaration=True, http_request=None
    )
    asked = timezone.localdate()

    def told(user: User) -> list[str]:
        return list(
            Notification.objects.filter(recipient=user).order_by("id").values_list("subject", flat=True)
        )

    assert sweep(django_capture_on_commit_callbacks, "isa_signatures", asked + timedelta(days=2)).claimed == 0
    for _ in range(2):
        sweep(django_capture_on_commit_callbacks, "isa_signatures", asked + timedelta(days=3))
    label = version.audit_label
    assert told(ig_officer) == [f"Not yet signed after 3 days: {label} for East Trust"]
    assert told(caldicott) == [f"Not yet signed after 3 days: {label} for us (the Caldicott Guardian)"]
    sweep(django_capture_on_commit_callbacks, "isa_signatures", asked + timedelta(days=8))
    sweep(django_capture_on_commit_callbacks, "isa_signatures", asked + timedelta(days=9))
    assert told(ig_officer)[1:] == [f"Not yet signed after 7 days: {label} for East Trust"]
    agreement_sign_ours(version=version, actor=caldicott, declaration=True)
    for offset in (15, 16):
        sweep(django_capture_on_commit_callbacks, "isa_signatures", asked + timedelta(days=offset))
    assert told(dpo) == [f"Signature link expired: {label} for East Trust"]
    assert told(ig_officer)[2:] == [f"Signature link expired: {label} for East Trust"]
    assert len(told(caldicott)) == 2  # signed before its link could expire: nothing more
    # A re-sent link owes its own expiry; the old one's is not sent again.
    signature_resend(signature=_ask(version, east), actor=ig_officer)
    sweep(django_capture_on_commit_callbacks, "isa_signatures", asked + timedelta(days=14))
    assert len(told(dpo)) == 1
    for _ in range(2):
        sweep(django_capture_on_commit_callbacks, "isa_signatures", asked + timedelta(days=16))
    assert told(dpo)[1:] == [f"Signature link expired: {label} for East Trust"]


# --- a question ---------------------------------------------------------------------------------------


def test_a_question_reaches_the_ig_team_in_the_portal_and_by_email_once_and_is_audited(
    ig_officer: User,
    dpo: User,
    caldicott: User,
    client: Client,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    from requests_app.models import Notification
    from requests_app.tasks import notify_agreement_question

    east = _partner("East Trust")
    version = _sent(ig_officer, east)
    ask = _ask(version, east)
    mail.outbox.clear()
    question = "Does section 5 cover our out-of-hours team? <b>urgent</b>"
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("agreement_sign_question", args=[token_for(ask)]),
            {"question": question},
            REMOTE_ADDR="198.51.100.9",
        )
    assert page.status_code == 200
    told = Notification.objects.filter(agreement_history__action="signature_question").order_by("recipient")
    assert [n.recipient for n in told] == [ig_officer, dpo]  # the IG team; not the Caldicott Guardian
    subject = f"Question from East Trust about {version.audit_label}"
    assert {n.subject for n in told} == {subject}
    link = reverse("agreement_version", args=[version.agreement_id, 1])
    assert {n.link for n in told} == {link}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ig_officer.email, dpo.email])
    email = mail.outbox[0]
    assert email.subject == subject
    assert (
        question in email.body and "dpo@East .example" in email.body and "Signer of East Trust" in email.body
    )
    assert token_for(ask) not in email.body
    # Audited with where it came from; the link still works for signing.
    audited = AuditEvent.objects.get(action="isa.signature_question")
    assert audited.ip_address == "198.51.100.9" and audited.actor is None
    assert version.history.get(action="signature_question").comment == f"East Trust asks: {question}"
    # The task run again (a redelivery) tells nobody twice.
    history = version.history.get(action="signature_question")
    assert notify_agreement_question.delay(history.pk, ask.pk).get() == 0
    assert Notification.objects.filter(agreement_history=history).count() == 2 and len(mail.outbox) == 2
    assert client.get(reverse("agreement_sign", args=[token_for(ask)])).status_code == 200
    # The IG officer sees it in the portal's notification list.
    listed = client_for(ig_officer).get(reverse("notification_list"))
    assert subject in listed.content.decode()


def test_an_empty_question_is_refused_and_nobody_is_told(
    ig_officer: User, dpo: User, client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    from requests_app.models import Notification

    east = _partner("East Trust")
    version = _sent(ig_officer, east)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("agreement_sign_question", args=[token_for(_ask(version, east))]), {"question": " "}
        )
    assert page.status_code == 400
    assert not Notification.objects.exists() and not version.history.filter(action="signature_question")
