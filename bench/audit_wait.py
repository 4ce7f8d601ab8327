"""How much of an audited page view's time goes on waiting for the audit chain (issue 24).

Several writers at once, each on its own database connection, do what an audited page view does:
read a sharing request, then record ``request.view`` through ``audit_record``. Meanwhile a sampler
asks PostgreSQL every few milliseconds which of the writers' backends are waiting for a lock
(``pg_stat_activity.wait_event_type = 'Lock'``: the chain's advisory lock or any row lock). The
share of the writers' time spent waiting is the mean number waiting over the number of writers;
it does not depend on how the chain is appended, so it compares one append path with another.

    DATABASE_URL=postgres://…/speed_bench python -m bench.audit_wait --writers 10 --events 100
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

import psycopg  # noqa: E402
from django.db import connection, connections  # noqa: E402

from requests_app.models import SharingRequest  # noqa: E402
from requests_app.services.audit import audit_record  # noqa: E402

SAMPLE_EVERY_S = 0.002


def _libpq_url() -> str:
    settings_dict = connection.settings_dict
    return (
        f"postgresql://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}"
    )


def measure_audit_wait(*, writers: int = 10, events: int = 100) -> dict[str, Any]:
    request_ids = list(SharingRequest.objects.order_by("-id").values_list("id", flat=True)[:writers])
    pids: list[int] = []
    ready = threading.Barrier(writers + 1)
    done = threading.Event()
    elapsed: list[float] = []

    def writer(index: int) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids.append(cursor.fetchone()[0])
            ready.wait()
            started = time.perf_counter()
            for _ in range(events):
                entry = SharingRequest.objects.select_related("requester").get(
                    pk=request_ids[index % len(request_ids)]
                )
                audit_record(action="request.view", target=entry, detail={"bench": "audit_wait"})
            elapsed.append(time.perf_counter() - started)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(writers)]
    for thread in threads:
        thread.start()
    ready.wait()
    samples = waiting_total = 0
    with psycopg.connect(_libpq_url(), autocommit=True) as sampler:
        while any(thread.is_alive() for thread in threads):
            row = sampler.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s) AND wait_event_type = 'Lock'",
                [pids],
            ).fetchone()
            waiting_total += row[0] if row else 0
            samples += 1
            time.sleep(SAMPLE_EVERY_S)
    for thread in threads:
        thread.join()
    done.set()
    share = waiting_total / samples / writers if samples else 0.0
    total_ms = sum(elapsed) * 1000
    return {
        "writers": writers,
        "events": events,
        "samples": samples,
        "share": share,
        "total_ms": total_ms,
        "wait_ms": share * total_ms,
        "events_per_s": writers * events / max(elapsed),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--events", type=int, default=100)
    args = parser.parse_args()
    json.dump(measure_audit_wait(writers=args.writers, events=args.events), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
