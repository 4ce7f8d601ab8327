from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import RequestFactory

from igportal.roles import Role
from requests_app.models import AuditEvent
from requests_app.models.audit import GENESIS_HASH
from requests_app.selectors.audit import audit_event_list
from requests_app.services.audit import audit_record
from tests.conftest import ClientFor, MakeUser
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@contextmanager
def trigger_disabled() -> Iterator[None]:
    """Tamper as someone with the table owner's rights would: switch the append-only trigger off."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Deferred foreign-key checks from this test's inserts must run before the table can be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE requests_app_auditevent DISABLE TRIGGER requests_app_auditevent_append_only"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE requests_app_auditevent ENABLE TRIGGER requests_app_auditevent_append_only"
            )


def verify() -> str:
    """The verdict on the chain (the first line; the second is about the checkpoints)."""
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue().splitlines()[0]


def test_the_first_event_links_to_the_genesis_hash_and_each_next_to_the_one_before() -> None:
    first = audit_record(action="system.start")
    second = audit_record(action="system.check")
    third = audit_record(action="system.stop")
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


def test_the_stored_hash_is_recomputed_from_what_the_database_gives_back(requester: User) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="2001:0db8:0000::0001", HTTP_USER_AGENT="Firefox")
    request.user = requester
    audit_record(
        action="request.view",
        request=request,
        target_type="sharing_request",
        target_id="42",
        target_label="ISR-2026-00042",
        detail={"when": date(2026, 1, 5), "fields": ["purpose", "recipient"], "count": 3, "ok": True},
    )
    event = AuditEvent.objects.get()
    assert event.compute_hash() == event.hash
    assert event.ip_address == "2001:db8::1"
    assert event.detail == {"when": "2026-01-05", "fields": ["purpose", "recipient"], "count": 3, "ok": True}


def test_the_actor_is_the_logged_in_user_and_the_address_comes_from_the_request(requester: User) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="x" * 500)
    request.user = requester
    event = audit_record(action="request.view", request=request)
    assert event.actor == requester
    assert event.actor_label == "riya"
    assert event.ip_address == "10.1.2.3"
    assert len(event.user_agent) == 300


def test_the_actor_label_is_frozen_when_the_username_changes_later(requester: User) -> None:
    event = audit_record(action="request.view", actor=requester)
    requester.username = "riya.shah"
    requester.save()
    event.refresh_from_db()
    assert event.actor_label == "riya"


def test_a_system_event_has_no_actor_and_no_address() -> None:
    event = audit_record(action="deadline.reminder_sent")
    assert (event.actor, event.actor_label, event.ip_address, event.user_agent) == (None, "", None, "")


def test_a_target_object_fills_type_id_and_label() -> None:
    organisation = OrganisationFactory.create(name="Northshire Trust")
    event = audit_record(action="organisation.update", target=organisation)
    assert (event.target_type, event.target_id, event.target_label) == (
        "organisation",
        str(organisation.pk),
        "Northshire Trust",
    )


@pytest.mark.parametrize("action", ["", "View", "request", "request view", "request.", "x" * 70 + ".y"])
def test_an_action_that_is_not_a_dotted_code_is_refused(action: str) -> None:
    with pytest.raises(ValueError, match="dotted lower-case code"):
        audit_record(action=action)


def test_floats_in_the_detail_are_refused_because_their_text_form_is_not_stable() -> None:
    with pytest.raises(ValueError, match="floats"):
        audit_record(action="risk.scored", detail={"score": {"value": 0.1}})
    assert not AuditEvent.objects.exists()


def test_an_event_rolls_back_with_the_change_it_describes() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="organisation.create")
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()


def test_verify_audit_reports_an_intact_chain() -> None:
    for number in range(3):
        audit_record(action="system.tick", detail={"n": number})
    assert verify() == "3 events, chain intact"


def test_verify_audit_on_an_empty_trail_says_so() -> None:
    assert verify() == "0 events, chain intact"


def test_verify_audit_finds_an_event_whose_contents_were_changed() -> None:
    events = [audit_record(action="request.view", target_label=f"ISR-2026-0000{n}") for n in range(4)]
    with trigger_disabled(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_auditevent SET target_label = %s WHERE id = %s",
            ["ISR-2026-99999", events[2].id],
        )
    with pytest.raises(CommandError, match=f"broken at event {events[2].id}: its contents") as raised:
        verify()
    assert raised.value.returncode == 1


def test_verify_audit_finds_a_removed_event() -> None:
    events = [audit_record(action="request.view") for _ in range(4)]
    with trigger_disabled(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM requests_app_auditevent WHERE id = %s", [events[1].id])
    with pytest.raises(CommandError, match=f"broken at event {events[2].id}: it does not link"):
        verify()


def test_verify_audit_finds_a_rewritten_event_even_with_its_hash_recomputed() -> None:
    events = [audit_record(action="request.view") for _ in range(3)]
    forged = AuditEvent.objects.get(id=events[1].id)
    forged.action = "request.export"
    with trigger_disabled(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_auditevent SET action = %s, hash = %s WHERE id = %s",
            [forged.action, forged.compute_hash(), forged.id],
        )
    with pytest.raises(CommandError, match=f"broken at event {events[2].id}: it does not link"):
        verify()


def test_verify_audit_reads_the_trail_in_bounded_batches(django_assert_num_queries) -> None:
    for _ in range(5):
        audit_record(action="system.tick")
    # three batches of at most two events, then one empty read that ends the walk
    out = StringIO()
    with django_assert_num_queries(4):
        call_command("verify_audit", "--batch-size=2", stdout=out)
    assert out.getvalue().splitlines()[0] == "5 events, chain intact"


@pytest.mark.services
def test_the_database_refuses_to_update_an_audit_event() -> None:
    event = audit_record(action="request.view")
    with pytest.raises(DatabaseError, match="append-only: UPDATE"), transaction.atomic():
        AuditEvent.objects.filter(id=event.id).update(action="request.export")
    with pytest.raises(DatabaseError, match="append-only: UPDATE"), transaction.atomic():
        event.action = "request.export"
        event.save()


@pytest.mark.services
def test_the_database_refuses_to_delete_an_audit_event() -> None:
    event = audit_record(action="request.view")
    with pytest.raises(DatabaseError, match="append-only: DELETE"), transaction.atomic():
        event.delete()
    with (
        pytest.raises(DatabaseError, match="append-only: DELETE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM requests_app_auditevent")
    assert AuditEvent.objects.filter(id=event.id).exists()


def test_a_person_with_audit_history_cannot_be_deleted(requester: User) -> None:
    audit_record(action="request.view", actor=requester)
    with pytest.raises(ProtectedError), transaction.atomic():
        requester.delete()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain() -> None:
    writers, per_writer = 4, 15
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def append(writer: int) -> None:
        try:
            barrier.wait(timeout=10)
            for number in range(per_writer):
                audit_record(action="system.tick", detail={"writer": writer, "n": number})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert verify() == f"{writers * per_writer} events, chain intact"
    previous = list(AuditEvent.objects.values_list("previous_hash", flat=True))
    assert len(set(previous)) == len(previous)


class TestTheAuditorsList:
    @pytest.fixture
    def events(self, requester: User, ig_officer: User, monkeypatch: pytest.MonkeyPatch) -> list[AuditEvent]:
        moments = iter(
            [
                datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
                datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
                # 23:30 UTC on 2 June is 00:30 on 3 June in London (BST)
                datetime(2026, 6, 2, 23, 30, tzinfo=UTC),
            ]
        )
        monkeypatch.setattr("requests_app.services.audit.timezone.now", lambda: next(moments))
        return [
            audit_record(action="auth.login", actor=requester),
            audit_record(
                action="request.view", actor=ig_officer, target_type="sharing_request", target_id="7"
            ),
            audit_record(action="auth.logout", actor=requester),
        ]

    def test_newest_first_for_the_dpo_and_the_auditor(
        self, events: list[AuditEvent], dpo: User, auditor: User
    ) -> None:
        assert list(audit_event_list(viewer=dpo)) == events[::-1]
        assert list(audit_event_list(viewer=auditor)) == events[::-1]

    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            ({"action": "auth.login"}, [0]),
            ({"action": "auth."}, [2, 0]),
            ({"target_type": "sharing_request", "target_id": "7"}, [1]),
            ({"occurred_from": date(2026, 3, 2)}, [2, 1]),
            ({"occurred_to": date(2026, 3, 1)}, [0]),
            ({"occurred_from": date(2026, 6, 3), "occurred_to": date(2026, 6, 3)}, [2]),
            ({"occurred_to": date(2026, 6, 2)}, [1, 0]),
        ],
    )
    def test_filters(
        self, events: list[AuditEvent], auditor: User, filters: dict[str, object], expected: list[int]
    ) -> None:
        assert list(audit_event_list(viewer=auditor, **filters)) == [events[i] for i in expected]  # type: ignore[arg-type]

    def test_filter_by_actor(self, events: list[AuditEvent], auditor: User, requester: User) -> None:
        assert list(audit_event_list(viewer=auditor, actor_id=requester.pk)) == [events[2], events[0]]

    @pytest.mark.parametrize("role", [Role.REQUESTER, Role.IG_OFFICER, Role.CALDICOTT_GUARDIAN, Role.SIRO])
    def test_other_roles_may_not_read_it(self, make_user: MakeUser, role: Role) -> None:
        with pytest.raises(PermissionDenied):
            audit_event_list(viewer=make_user(role))


def test_the_admin_cannot_change_or_delete_audit_events(client_for: ClientFor, make_user: MakeUser) -> None:
    admin_user: User = make_user(is_staff=True, is_superuser=True)
    event = audit_record(action="system.tick")
    client = client_for(admin_user)
    assert client.get("/admin/requests_app/auditevent/").status_code == 200
    assert client.get(f"/admin/requests_app/auditevent/{event.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/requests_app/auditevent/{event.pk}/change/", {"action": "x.y"}).status_code
        == 403
    )
