from __future__ import annotations

from django.db import transaction

from requests_app.models import ReferenceCounter


@transaction.atomic
def reference_allocate(*, prefix: str, year: int) -> str:
    """The next human reference such as ``ISR-2026-00042``; gap-free and unique under concurrency.

    The counter row is locked for the rest of the caller's transaction, so two requests created at
    once are numbered one after the other and a rolled-back creation gives its number back.
    """
    counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:05d}"
