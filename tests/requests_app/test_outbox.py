"""The transactional outbox: work commits with the change, waits out a broker outage, is relayed once."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.contrib.auth.models import User
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.models import OutboxMessage, RequestHistory, RequestStatus, SharingRequest
from requests_app.services.outbox import outbox_enqueue, outbox_relay
from requests_app.services.workflow import transition
from requests_app.tasks import notify_request_history, render_decision_record, send_notification
from tests.factories import make_request
from tests.igportal.processes import free_port, publishing_to

ClientFor = Callable[[User], Client]
S = RequestStatus


def _queued(url: str) -> Counter[tuple[str, str]]:
    """(task name, arguments) of every message waiting in the broker's default queue, counted."""
    found: Counter[tuple[str, str]] = Counter()
    for raw in redis.Redis.from_url(url).lrange("celery", 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found[(message["headers"]["task"], json.dumps(args))] += 1
    return found


def _closed_broker() -> str:
    """A Redis URL on a loopback port where nothing listens: the broker is down."""
    return f"redis://127.0.0.1:{free_port(range(6450, 6500))}/0"


@pytest.mark.django_db(transaction=True)
def test_a_decision_made_while_the_broker_is_down_succeeds_and_its_work_waits(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW, stages=("ig_dpo",))
    with publishing_to(_closed_broker()):
        response = client_for(ig_officer).post(
            reverse("request_decide", args=[request.reference]),
            {
                "decision": "approve",
                # Approving without the engine's conditions is an override: it needs a reason of length.
                "comment": "Necessary for the enquiry, and the police have agreed to collect it in person.",
                "confirmed": "True",
            },
        )
    # Before the outbox the commit hook's publish raised, and the committed decision answered 500.
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == S.APPROVED
    history = RequestHistory.objects.get(request=request, action="approve")
    waiting = OutboxMessage.objects.order_by("id")
    assert [(m.task, m.args) for m in waiting] == [
        (notify_request_history.name, [history.pk]),
        (render_decision_record.name, [history.pk]),
    ]
    # Each was offered to the broker once, when the decision committed, and waits for the relay.
    assert all(m.attempts == 1 and "OperationalError" in m.last_error for m in waiting)


@pytest.mark.django_db(transaction=True)
def test_the_work_and_the_change_commit_together_or_not_at_all(requester: User, ig_officer: User) -> None:
    request = make_request(requester=requester, status=S.IG_REVIEW)
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(request, "approve", actor=ig_officer)
        assert OutboxMessage.objects.count() == 1
        raise RuntimeError("the rest of the request failed")
    assert SharingRequest.objects.get(pk=request.pk).status == S.IG_REVIEW
    assert not OutboxMessage.objects.exists()
    assert not RequestHistory.objects.exists()


@pytest.mark.django_db
def test_identical_work_waiting_twice_is_queued_once() -> None:
    with transaction.atomic():
        outbox_enqueue(send_notification, 7)
        outbox_enqueue(send_notification, 7)
        outbox_enqueue(send_notification, 8)
    assert sorted(OutboxMessage.objects.values_list("args", flat=True)) == [[7], [8]]


@pytest.mark.django_db
def test_a_message_for_a_task_the_code_no_longer_has_blocks_no_other(
    django_capture_on_commit_callbacks: Any,
) -> None:
    now = timezone.now()
    OutboxMessage.objects.create(
        task="requests_app.tasks.retired", args=[1], key="retired[1]", created_at=now, available_at=now
    )
    with publishing_to(_closed_broker()):
        outbox_enqueue(send_notification, 9)
        result = outbox_relay(now=timezone.now())
    assert result.handed_over == 0  # the broker is down: the real message waits
    retired = OutboxMessage.objects.get(key="retired[1]")
    assert retired.available_at > now and retired.last_error == "No task called requests_app.tasks.retired."
    assert OutboxMessage.objects.get(task=send_notification.name).attempts == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_once_the_broker_is_back_the_relay_hands_the_waiting_work_over(
    requester: User, ig_officer: User, client_for: ClientFor
) -> None:
    url = os.environ.get("IGPORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    redis.Redis.from_url(url).flushdb()
    request = make_request(requester=requester, status=S.IG_REVIEW, stages=("ig_dpo",))
    with publishing_to(_closed_broker()):
        client_for(ig_officer).post(
            reverse("request_decide", args=[request.reference]),
            {
                "decision": "reject",
                # Refusing what the engine advised to share is an override: it needs a reason of length.
                "comment": "No basis: the requester could not say what the data would be used for.",
                "confirmed": "True",
            },
        )
    history = RequestHistory.objects.get(request=request)
    assert OutboxMessage.objects.count() == 2
    with publishing_to(url):
        result = outbox_relay(now=timezone.now())
    assert (result.handed_over, result.waiting, result.error) == (2, 0, "")
    assert _queued(url) == {
        (notify_request_history.name, f"[{history.pk}]"): 1,
        (render_decision_record.name, f"[{history.pk}]"): 1,
    }


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_hand_each_message_over_once() -> None:
    url = os.environ.get("IGPORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    redis.Redis.from_url(url).flushdb()
    now = timezone.now() - timedelta(seconds=1)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(task=send_notification.name, args=[n], key=f"send{n}", created_at=now, available_at=now)
        for n in range(200)
    )
    barrier = threading.Barrier(2)
    handed: list[int] = []

    def relay() -> None:
        try:
            barrier.wait(timeout=10)
            while (result := outbox_relay(now=timezone.now(), batch_size=7)).handed_over:
                handed.append(result.handed_over)
        finally:
            connections.close_all()

    with publishing_to(url):
        threads = [threading.Thread(target=relay) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sum(handed) == 200
    assert not OutboxMessage.objects.exists()
    queued = _queued(url)
    assert set(queued.values()) == {1}
    assert set(queued) == {(send_notification.name, f"[{n}]") for n in range(200)}
