"""The product as deployed: gunicorn, a Celery worker and beat as docker-compose.yml runs them, PostgreSQL
and a Redis of the test's own, driven through HTTP like a browser.

It found what tests running tasks in the test process could not: no PDF was ever rendered under the
prefork pool, and a broker outage turned every workflow action into a 500.
"""

from __future__ import annotations

import http.cookiejar
import importlib
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from django.apps import apps
from django.contrib.auth.models import User
from django.test import override_settings

from igportal.roles import Role
from requests_app.models import (
    AgreementDocument,
    AgreementStatus,
    DecisionRecord,
    DeliveryStatus,
    Notification,
    OutboxMessage,
    RequestHistory,
    RequestStatus,
    SharingRequest,
)
from tests.conftest import STARTING_DATA, MakeUser
from tests.factories import make_agreement, make_request
from tests.igportal.processes import ROOT, celery_env, free_port, sent_message_ids, start, stop, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple 42"
# Django's own hashers: the suite's fast MD5 hasher is not one gunicorn would accept.
REAL_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]


def _compose_command(service: str) -> list[str]:
    """The service's command from docker-compose.yml, so the test runs what Compose runs."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return shlex.split(compose["services"][service]["command"])


class Browser:
    """One person's session over real HTTP: cookies kept, CSRF token sent, redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, bytes, str]:
        """Status, body and final URL of a GET (or a POST when ``data`` is given)."""
        body = None
        if data is not None:
            token = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token or ""}).encode()
        # Always http://127.0.0.1:<port>: the test's own gunicorn.
        request = urllib.request.Request(  # noqa: S310
            self.base_url + path, data=body, headers={"Referer": self.base_url}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read(), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.url

    def log_in(self, user: User) -> None:
        self.request("/accounts/login/")
        status, page, url = self.request(
            "/accounts/login/", {"username": user.get_username(), "password": PASSWORD}
        )
        assert status == 200 and "/accounts/login/" not in url, page.decode(errors="replace")[:2000]


@pytest.fixture
def stack(transactional_db: None, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Redis (its own, on a free port), gunicorn, a worker and beat; all stopped at the end."""
    # The role groups and the data item catalogue, which an earlier transactional test emptied.
    for module, loader in STARTING_DATA:
        getattr(importlib.import_module(module), loader)(apps, None)
    redis_port = free_port(range(6400, 6450))
    redis_args = [
        "redis-server",
        "--port",
        str(redis_port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    broker = f"redis://127.0.0.1:{redis_port}/0"
    web_port = free_port(range(8300, 8400))
    mail = tmp_path / "mail"
    mail.mkdir()
    env = celery_env(
        broker,
        mail,
        MFA_REQUIRED="false",
        MEDIA_ROOT=str(tmp_path / "media"),
        OUTBOX_RELAY_SECONDS="1",
        CHASER_DELIVERY_SWEEP_SECONDS="5",
        LOG_LEVEL="info",
    )
    logs = {name: tmp_path / f"{name}.log" for name in ("redis", "web", "worker", "beat")}
    processes: dict[str, subprocess.Popen[bytes]] = {}

    def start_redis() -> None:
        with logs["redis"].open("ab") as out:
            processes["redis"] = subprocess.Popen(redis_args, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        wait_for(lambda: _answers(broker), timeout=10, what="the private redis-server")

    def stop_redis() -> None:
        processes["redis"].terminate()
        processes["redis"].wait(timeout=10)

    start_redis()
    # Compose's migrate job migrates as the tables' owner before web starts; the test database is migrated.
    gunicorn = _compose_command("web")
    assert gunicorn[0] == "gunicorn", gunicorn
    bind = gunicorn.index("--bind") + 1
    gunicorn[bind] = f"127.0.0.1:{web_port}"
    with logs["web"].open("ab") as out:
        processes["web"] = subprocess.Popen(  # noqa: S603 - the project's own server with fixed arguments
            [sys.executable, "-m", *gunicorn],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = _compose_command("worker")
    beat = _compose_command("beat")
    assert worker[:3] == beat[:3] == ["celery", "-A", "igportal"]
    beat[beat.index("--schedule") + 1] = str(tmp_path / "celerybeat-schedule")
    processes["worker"] = start(worker[3:], env, logs["worker"])
    processes["beat"] = start(beat[3:], env, logs["beat"])
    base_url = f"http://127.0.0.1:{web_port}"
    wait_for(lambda: _serves(base_url), timeout=60, what="gunicorn", log=logs["web"])
    try:
        yield {
            "base_url": base_url,
            "mail": mail,
            "logs": logs,
            "start_redis": start_redis,
            "stop_redis": stop_redis,
            "processes": processes,
        }
    finally:
        for name in ("beat", "worker", "web"):
            stop(processes[name], signal.SIGTERM)
        if processes["redis"].poll() is None:
            stop_redis()


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def _serves(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/accounts/login/", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


def _tail(stack: dict[str, Any]) -> str:
    return "\n".join(
        f"--- {name}\n{path.read_text(errors='replace')[-2500:]}"
        for name, path in stack["logs"].items()
        if path.exists()
    )


def _errors(page: bytes) -> str:
    """The error summary of a page that refused a form, else its start."""
    text = page.decode(errors="replace")
    start = text.find("nhsuk-error-summary")
    return text[start : start + 2000] if start >= 0 else text[:2000]


def _decide(browser: Browser, reference: str, decision: str, comment: str) -> str:
    status, page, _url = browser.request(
        f"/requests/{reference}/decide/",
        {"decision": decision, "comment": comment, "conditions": "", "confirmed": "True"},
    )
    assert status == 200, _errors(page)
    return page.decode(errors="replace")


def _signing_links(mail: Path) -> list[str]:
    """The paths of the signing links in the emails the file backend wrote."""
    return sorted(
        {
            found
            for log in mail.glob("*.log")
            for found in re.findall(r"https?://[^/\s]+(/sign/[0-9a-f]{64}/)", log.read_text(errors="replace"))
        }
    )


def _emails_sent_for(history: RequestHistory, mail: Path) -> bool:
    notifications = Notification.objects.filter(history=history)
    return (
        notifications.exists()
        and not notifications.exclude(status=DeliveryStatus.SENT).exists()
        and set(notifications.values_list("message_id", flat=True)) <= set(sent_message_ids(mail))
    )


def test_as_deployed_decisions_and_agreements_get_their_pdfs_and_a_broker_outage_loses_nothing(
    stack: dict[str, Any], make_user: MakeUser
) -> None:
    started = time.monotonic()
    requester = make_user(Role.REQUESTER)
    officer, guardian = make_user(Role.IG_OFFICER), make_user(Role.CALDICOTT_GUARDIAN)
    with override_settings(PASSWORD_HASHERS=REAL_HASHERS):
        for person in (officer, guardian):
            person.set_password(PASSWORD)
            person.save(update_fields=["password"])
    base_url, mail = stack["base_url"], stack["mail"]
    as_officer, as_guardian = Browser(base_url), Browser(base_url)
    as_officer.log_in(officer)
    as_guardian.log_in(guardian)

    # A sharing request to a decision: the IG officer approves, then the Caldicott Guardian.
    request = make_request(requester=requester, status=RequestStatus.IG_REVIEW)
    _decide(
        as_officer,
        request.reference,
        "approve",
        "Necessary and proportionate for the enquiry, as the IG team found.",
    )
    page = _decide(
        as_guardian,
        request.reference,
        "approve",
        "Proportionate to the enquiry; the police collect it in person.",
    )
    assert f"{request.reference} is now: Approved." in page
    assert SharingRequest.objects.get(pk=request.pk).status == RequestStatus.APPROVED
    wait_for(
        lambda: DecisionRecord.objects.filter(request=request).exists(),
        timeout=60,
        what="the decision record rendered by the prefork worker",
        log=stack["logs"]["worker"],
    )
    status, pdf, _url = as_guardian.request(f"/requests/{request.reference}/decision-record.pdf")
    assert status == 200 and pdf.startswith(b"%PDF-")

    # An ISA to active: sent for approval by the IG officer, approved by the Caldicott Guardian (our
    # signature), then signed by the partner through the link the worker emailed (no account).
    version = make_agreement(author=officer)
    path = f"/registers/agreements/{version.agreement_id}/v{version.number}"
    for browser, action in ((as_officer, "submit_for_approval"), (as_guardian, "approve")):
        status, body, _url = browser.request(f"{path}/actions/{action}/", {"comment": ""})
        assert status == 200, _errors(body)
    version.refresh_from_db()
    assert version.status == AgreementStatus.AWAITING_SIGNATURES
    wait_for(
        lambda: bool(_signing_links(mail)),
        timeout=60,
        what="the signing link emailed by the prefork worker",
        log=stack["logs"]["worker"],
    )
    (link,) = _signing_links(mail)
    partner = Browser(base_url)
    status, body, _url = partner.request(link)
    assert status == 200, body[:2000]
    status, body, _url = partner.request(
        f"{link}sign/", {"name": "Pat Partner", "role": "Data Protection Officer", "declaration": "on"}
    )
    assert status == 200 and b"your signature is recorded" in body, _errors(body)
    version.refresh_from_db()
    assert version.status == AgreementStatus.ACTIVE
    wait_for(
        lambda: AgreementDocument.objects.filter(version=version).exists(),
        timeout=60,
        what="the ISA rendered by the prefork worker",
        log=stack["logs"]["worker"],
    )
    status, pdf, _url = as_guardian.request(f"{path}.pdf")
    assert status == 200 and pdf.startswith(b"%PDF-")

    # The broker goes down; a decision still succeeds, and its work waits in the outbox.
    stack["stop_redis"]()
    second = make_request(requester=requester, status=RequestStatus.IG_REVIEW, stages=("ig_dpo",))
    page = _decide(
        as_officer, second.reference, "reject", "No lawful basis for this extract has been shown to us yet."
    )
    assert f"{second.reference} is now: Rejected." in page
    assert SharingRequest.objects.get(pk=second.pk).status == RequestStatus.REJECTED
    decided = RequestHistory.objects.get(request=second)
    assert OutboxMessage.objects.filter(args=[decided.pk]).count() == 2
    assert not DecisionRecord.objects.filter(decided_by_event=decided).exists()

    # The broker is back: beat's relay hands the work over, the worker renders and sends it.
    stack["start_redis"]()
    _wait_until_caught_up(stack, decided, mail)
    status, pdf, _url = as_officer.request(f"/requests/{second.reference}/decision-record.pdf")
    assert status == 200 and pdf.startswith(b"%PDF-")
    assert not OutboxMessage.objects.exists()
    # Every email once: the requester heard of each decision, nobody twice.
    assert set(sent_message_ids(mail).values()) == {1}
    for history in RequestHistory.objects.filter(request__in=[request, second]):
        assert _emails_sent_for(history, mail), history
    assert time.monotonic() - started < 170


def _wait_until_caught_up(stack: dict[str, Any], decided: RequestHistory, mail: Path) -> None:
    try:
        wait_for(
            lambda: (
                DecisionRecord.objects.filter(decided_by_event=decided).exists()
                and _emails_sent_for(decided, mail)
            ),
            timeout=90,
            what="the decision record and the emails after the outage",
        )
    except AssertionError as exc:
        waiting = list(OutboxMessage.objects.values_list("task", "args", "attempts", "last_error"))
        raise AssertionError(f"{exc}\noutbox: {waiting}\n{_tail(stack)}") from None
