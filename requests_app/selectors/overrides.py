"""The Caldicott Guardian's decision log: every sign-off that overrode the engine, newest first."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from requests_app.models import SignOff


def override_log(
    *,
    override: str = "",
    stage: str = "",
    rules_version: str = "",
    signed_from: datetime.date | None = None,
    signed_to: datetime.date | None = None,
) -> QuerySet[SignOff]:
    signoffs = SignOff.objects.exclude(override="")
    if override:
        signoffs = signoffs.filter(override=override)
    if stage:
        signoffs = signoffs.filter(stage=stage)
    if rules_version:
        signoffs = signoffs.filter(assessment__rules_version=rules_version)
    if signed_from is not None:
        signoffs = signoffs.filter(signed_at__date__gte=signed_from)
    if signed_to is not None:
        signoffs = signoffs.filter(signed_at__date__lte=signed_to)
    return (
        signoffs.select_related("request", "signer", "assessment")
        # The frozen answers and results are most of those rows, and the log shows neither.
        .defer("assessment__answers", "assessment__result", "request__answers", "request__draft_input")
        .order_by("-signed_at", "-id")
    )
