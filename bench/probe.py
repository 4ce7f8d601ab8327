"""The in-process half of ``make bench``: seeds a database, then measures what needs no HTTP server.

Run by ``bench/suite.py`` in a child process per database, with ``DATABASE_URL`` naming a scratch
PostgreSQL database and ``DJANGO_SETTINGS_MODULE=bench.settings``; prints one JSON object.

    python -m bench.probe seed --scale 1.0
    python -m bench.probe measure --rounds 30 [--full]

``measure`` makes an MFA-verified session for each persona (their cookies are what the load
generator sends), counts each page's queries as that persona, and with ``--full`` also times the
visibility query against hand-written SQL, the sweeps' claims against raw SQL and the PDFs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from bench.seed import personas  # noqa: E402
from igportal.accounts.session_store import SessionStore  # noqa: E402
from igportal.accounts.sessions import session_start  # noqa: E402
from igportal.roles import ROLE_GROUP_NAMES, Role, roles_of  # noqa: E402
from requests_app.models import (  # noqa: E402
    RequestHistory,
    RequestStatus,
    SharingRequest,
    SharingRequestGroupObjectPermission,
    SharingRequestUserObjectPermission,
)
from requests_app.selectors.sharing import VIEW_PERMISSION, visible_requests  # noqa: E402

PAGE_SIZE = 25


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    persona: str
    path: str
    expect: str  # text the page must contain, so a login page or an empty list cannot pass for it


def pages(people: dict[str, Any]) -> list[Page]:
    """Issue 10's five pages, and issue 24's new ones (the override list, the asset register, the record
    of processing and its CSV export, the access-request statistics), each as the person who uses it,
    plus the two floors."""
    return [
        Page("bare", "Bare view (constant, anonymous)", "", reverse("bench_bare"), "benchmark floor"),
        Page(
            "bare_signed_in",
            "Bare view (constant, signed in)",
            "caldicott",
            reverse("bench_bare_signed_in"),
            "benchmark floor",
        ),
        Page("request_list", "Requester's list", "requester", reverse("request_list"), "ISR-"),
        Page(
            "caldicott_queue",
            "Caldicott Guardian queue",
            "caldicott",
            reverse("queue", args=["caldicott"]),
            "ISR-",
        ),
        Page("flow_register", "DPO data-flow register", "dpo", reverse("flow_list"), "<table"),
        Page(
            "request_detail",
            "Request detail (awaiting Caldicott)",
            "caldicott",
            reverse("request_detail", args=[people["detail_reference"]]),
            str(people["detail_reference"]),
        ),
        Page("dpo_dashboard", "DPO dashboard (registers)", "dpo", reverse("register_dashboard"), "<h1"),
        Page("override_list", "Override list (decision log)", "caldicott", reverse("override_list"), "<h1"),
        Page("asset_register", "Information asset register", "dpo", reverse("asset_list"), "IA-"),
        Page("ropa", "Record of processing (ROPA)", "dpo", reverse("ropa"), "<h1"),
        # The whole register as CSV, streamed: every activity, so it grows with the data by design.
        Page("ropa_export", "ROPA CSV export", "dpo", reverse("ropa_export"), "Reference,Activity,"),
        Page(
            "access_statistics",
            "Access-request statistics (quarter)",
            "dpo",
            reverse("access_statistics"),
            "<h1",
        ),
    ]


def verified_session(user: User) -> str:
    """A new session for ``user``, past MFA as django_otp.login leaves it; returns its key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Benchmark authenticator", confirmed=True)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "igportal.accounts.backends.LocalPasswordBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session_start(store)
    store.create()
    assert store.session_key is not None
    return store.session_key


def count_queries(page: Page, cookie: str | None, *, profile_rounds: int = 0) -> dict[str, Any]:
    """Status, size and query count of the page's second load (the first warms per-process caches);
    with ``profile_rounds``, where a load's time goes, in process and with no other load: the median
    whole time and the median time inside SQL, and the slowest statement of the last load."""
    client = Client()
    if cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    client.get(page.path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.path)
    body = response.getvalue()  # the whole body, streamed or not
    text = body.decode("utf-8", "replace")
    if response.status_code != 200 or page.expect not in text:
        raise SystemExit(
            f"bench: {page.path} as {page.persona or 'anonymous'} answered {response.status_code}"
            f" without {page.expect!r}; the seeded data or the session is wrong."
        )
    result: dict[str, Any] = {"status": response.status_code, "bytes": len(body), "queries": len(captured)}
    if profile_rounds:
        result["profile"] = profile(client, page.path, profile_rounds)
    return result


def profile(client: Client, path: str, rounds: int) -> dict[str, Any]:
    """Median time of a load in process, and of its SQL (timed around each statement's execution)."""
    totals, in_sql = [], []
    slowest: tuple[float, str] = (0.0, "")
    for _ in range(rounds):
        statements: list[tuple[float, str]] = []

        def timed(
            execute: Any,
            sql: str,
            params: Any,
            many: bool,
            context: Any,
            statements: list[tuple[float, str]] = statements,
        ) -> Any:
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                statements.append((time.perf_counter() - started, sql))

        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            client.get(path).getvalue()  # a streamed body is produced as it is read
        totals.append(time.perf_counter() - started)
        in_sql.append(sum(seconds for seconds, _ in statements))
        slowest = max(statements, default=(0.0, ""))
    return {
        "median_ms": statistics.median(totals) * 1000,
        "sql_ms": statistics.median(in_sql) * 1000,
        "slowest_ms": slowest[0] * 1000,
        "slowest_sql": slowest[1][:300],
    }


def median_seconds(action: Callable[[], object], rounds: int) -> float:
    action()  # warm: plans cached, pages in shared buffers
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


# IN over the grant tables, which PostgreSQL hashes once, rather than correlated EXISTS, which it
# re-runs per request (twice as slow at 100,000 requests); the role test is uncorrelated, run once.
_VISIBLE_WHERE = """
WHERE r.requester_id = %(user)s
   OR r.id IN (
        SELECT g.content_object_id FROM {user_grants} g JOIN auth_permission p ON p.id = g.permission_id
        WHERE g.user_id = %(user)s AND p.codename = %(codename)s)
   OR r.id IN (
        SELECT g.content_object_id FROM {group_grants} g
        JOIN auth_permission p ON p.id = g.permission_id
        JOIN auth_user_groups ug ON ug.group_id = g.group_id
        WHERE ug.user_id = %(user)s AND p.codename = %(codename)s)
   OR (r.status <> %(draft)s AND EXISTS (
        SELECT 1 FROM auth_user_groups ug JOIN auth_group grp ON grp.id = ug.group_id
        WHERE ug.user_id = %(user)s AND grp.name = ANY(%(see_all)s)))
"""
_VISIBLE_PAGE_SQL = (
    "SELECT r.id FROM {requests} r" + _VISIBLE_WHERE + "ORDER BY r.updated_at DESC, r.id DESC LIMIT 25"  # noqa: S608 - table names only, values are parameters
)
_VISIBLE_COUNT_SQL = "SELECT count(*) FROM {requests} r" + _VISIBLE_WHERE  # noqa: S608 - as above


def visibility(people: dict[str, Any], rounds: int) -> list[dict[str, Any]]:
    """What a person may see, by the product's ``visible_requests`` and by hand-written SQL.

    Two questions a list page asks, each one statement on both sides: the first page of 25 ids,
    newest first, and how many there are. The SQL is what a DBA would write for the same rule (own
    requests, view grants to the person or their groups, everything submitted for the roles that
    review all), with the roles looked up inside the statement; the product's person has their
    roles already read, as on every page (the header asks first). Both must return the same rows.
    """
    names = {
        "requests": SharingRequest._meta.db_table,
        "user_grants": SharingRequestUserObjectPermission._meta.db_table,
        "group_grants": SharingRequestGroupObjectPermission._meta.db_table,
    }
    page_sql, count_sql = _VISIBLE_PAGE_SQL.format(**names), _VISIBLE_COUNT_SQL.format(**names)
    see_all = [ROLE_GROUP_NAMES[role] for role in (Role.IG_OFFICER, Role.DPO, Role.AUDITOR)]
    rows = []
    for persona in ("caldicott", "requester", "ig"):
        user = User.objects.get(pk=people[persona].pk)
        roles_of(user)
        params = {
            "user": user.pk,
            "codename": VIEW_PERMISSION,
            "draft": RequestStatus.DRAFT.value,
            "see_all": see_all,
        }

        def product_page(user: User = user) -> list[int]:
            newest_first = visible_requests(user).order_by("-updated_at", "-id")
            return list(newest_first.values_list("pk", flat=True)[:PAGE_SIZE])

        def product_count(user: User = user) -> int:
            return visible_requests(user).count()

        def sql(statement: str, params: dict[str, Any] = params) -> list[tuple[Any, ...]]:
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                return cursor.fetchall()

        def sql_page() -> list[int]:
            return [row[0] for row in sql(page_sql)]

        def sql_count() -> int:
            return int(sql(count_sql)[0][0])

        visible = product_count()
        if product_page() != sql_page() or visible != sql_count():
            raise SystemExit(f"bench: the product and the SQL disagree on what {persona} may see.")
        for question, product, by_hand in (
            ("first page", product_page, sql_page),
            ("count", product_count, sql_count),
        ):
            product_s = median_seconds(product, rounds)
            sql_s = median_seconds(by_hand, rounds)
            rows.append(
                {
                    "persona": persona,
                    "question": question,
                    "visible": visible,
                    "product_s": product_s,
                    "sql_s": sql_s,
                    "ratio": product_s / sql_s,
                }
            )
    return rows


def pdfs(rounds: int) -> list[dict[str, Any]]:
    """The realistic ISA, a seeded decision record and a trivial page, rendered warm in the sandbox."""
    from pypdf import PdfReader

    from bench.isa_pdf import realistic_agreement, trivial_document
    from requests_app.services.documents import agreement_pdf, decision_record_pdf

    # The decided request with the longest history makes the longest record.
    decided = (
        RequestHistory.objects.filter(to_status__in=[RequestStatus.APPROVED, RequestStatus.REJECTED])
        .select_related("request", "request__requester", "request__recipient")
        .order_by("-request__updated_at")
        .first()
    )
    if decided is None:
        raise SystemExit("bench: the seeded database has no decided request to record.")
    agreement = realistic_agreement()
    documents: list[tuple[str, Callable[[], bytes]]] = [
        ("Trivial one-page document", trivial_document),
        ("ISA (four partners, fifteen items)", lambda: agreement_pdf(agreement)),
        (f"Decision record {decided.request.reference}", lambda: decision_record_pdf(decided, version=1)[1]),
    ]
    rows = []
    for label, render in documents:
        pdf = render()
        rows.append(
            {
                "document": label,
                "pages": len(PdfReader(io.BytesIO(pdf)).pages),
                "bytes": len(pdf),
                "median_s": median_seconds(render, rounds),
            }
        )
    return rows


def measure(*, rounds: int, full: bool) -> dict[str, Any]:
    people: dict[str, Any] = personas()
    cookies = {key: verified_session(people[key]) for key in ("requester", "caldicott", "dpo", "ig")}
    result: dict[str, Any] = {"pages": []}
    for page in pages(people):
        cookie = cookies.get(page.persona)
        result["pages"].append(
            {
                "key": page.key,
                "title": page.title,
                "persona": page.persona,
                "path": page.path,
                "expect": page.expect,
                "cookie": cookie,
                # A whole-register download takes seconds at full scale: profiled once.
                **count_queries(
                    page, cookie, profile_rounds=(1 if page.key == "ropa_export" else 5) if full else 0
                ),
            }
        )
    result["cookie_name"] = settings.SESSION_COOKIE_NAME
    if full:
        from bench.sweeps import measure_sweeps

        result["visibility"] = visibility(people, rounds)
        result["sweeps"] = measure_sweeps(rounds=max(7, rounds // 3), log=to_stderr)
        result["pdfs"] = pdfs(max(5, rounds // 3))
        from bench.audit_wait import measure_audit_wait

        result["audit_wait"] = measure_audit_wait(writers=10, events=max(50, rounds * 3))
    return result


def to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="The in-process half of make bench (bench/README.md).")
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed")
    seeding.add_argument("--scale", type=float, default=1.0)
    measuring = commands.add_parser("measure")
    measuring.add_argument("--rounds", type=int, default=30)
    measuring.add_argument("--full", action="store_true")
    args = parser.parse_args()
    if args.command == "seed":
        from bench.seed import seed

        started = time.perf_counter()
        counts = seed(scale=args.scale, log=to_stderr)
        output: dict[str, Any] = {"counts": counts, "seconds": time.perf_counter() - started}
    else:
        output = measure(rounds=args.rounds, full=args.full)
    json.dump(output, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
