"""Reads of the data flow register: every flow for the register readers, their own for requesters."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from functools import cached_property
from typing import overload

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import HttpRequest

from requests_app.models import DataFlow, DataFlowStatus, Organisation, SharingAgreement
from requests_app.models.flows import RELIES_ON_CONSENT
from requests_app.permissions import (
    can_change_registers,
    can_read_registers,
    can_see_own_disclosures_and_flows,
)
from requests_app.selectors.registers import refuse_change, refuse_unseen

User = AbstractBaseUser | AnonymousUser
# A flow that has ended needs no more reviews.
REVIEWED_STATUSES = (DataFlowStatus.AWAITING_ISA, DataFlowStatus.ACTIVE, DataFlowStatus.SUSPENDED)


def visible_flows(user: User) -> QuerySet[DataFlow]:
    if can_read_registers(user):
        return DataFlow.objects.all()
    if can_see_own_disclosures_and_flows(user):
        return DataFlow.objects.filter(request__requester_id=user.pk)
    return DataFlow.objects.none()


def get_flow_for_user(
    user: User, pk: int, *, for_change: bool = False, http_request: HttpRequest | None = None
) -> DataFlow:
    """The flow, or 404 when the user may not see it; 403 when they may see it but not change it."""
    flow = (
        visible_flows(user)
        .select_related("request", "recipient", "asset_owner", "asset", "agreement", "created_by")
        .filter(pk=pk)
        .first()
    )
    if flow is None:
        refuse_unseen(user, target_type="data_flow", label=str(pk), http_request=http_request)
    if for_change and not can_change_registers(user):
        refuse_change(user, target=flow, wanted="change the data flow register", http_request=http_request)
    return flow


def review_overdue(today: datetime.date) -> Q:
    return Q(status__in=REVIEWED_STATUSES, next_review_on__lt=today)


def flow_list(
    *,
    user: User,
    today: datetime.date,
    search: str = "",
    status: str = "",
    overdue: bool = False,
    needs_reassessment: bool = False,
) -> QuerySet[DataFlow]:
    """The register as ``user`` may see it, filtered; overdue reviews first, then soonest review."""
    flows = visible_flows(user).select_related("recipient", "agreement", "asset_owner")
    if search:
        flows = flows.filter(
            Q(reference__icontains=search)
            | Q(name__icontains=search)
            | Q(recipient__name__icontains=search)
            | Q(source_asset__icontains=search)
            | Q(request__reference__icontains=search)
            | Q(agreement__reference__icontains=search)
        )
    if status:
        flows = flows.filter(status=status)
    if overdue:
        flows = flows.filter(review_overdue(today))
    if needs_reassessment:
        flows = flows.filter(needs_reassessment=True)
    return flows.annotate(
        overdue=Case(
            When(review_overdue(today), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    ).order_by("-overdue", "next_review_on", "-id")


class OverdueFirst:
    """One page of the register in its order (overdue reviews first, then soonest review), for a
    paginator.

    Sorting on "is it overdue?" makes PostgreSQL read and sort every flow for each page. The overdue
    flows and the others are instead read as two walks of the ``flow_next_review`` index, each already
    in order, each no further than the page's end, joined (UNION ALL) and cut in one statement: a
    few dozen rows read for an early page, and the same queries for every page, however large the
    register.

    SQLite (the embedded default of ``make run``) allows no LIMIT inside a compound statement, so
    there the page is one statement sorted on the overdue flag instead: the same rows in the same
    order and the same number of queries, at a cost that only matters at a size SQLite never serves.
    """

    def __init__(self, flows: QuerySet[DataFlow], *, today: datetime.date) -> None:
        shown = _page_columns(flows).order_by("next_review_on", "-id")
        self.all = flows
        self.overdue = shown.filter(review_overdue(today))
        self.rest = shown.exclude(review_overdue(today))
        self.banded = shown.annotate(
            band=Case(
                When(review_overdue(today), then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )

    @cached_property
    def total(self) -> int:
        return self.all.count()

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[DataFlow]:
        return itertools.chain(self.overdue, self.rest)

    @overload
    def __getitem__(self, index: int) -> DataFlow: ...
    @overload
    def __getitem__(self, index: slice) -> list[DataFlow]: ...
    def __getitem__(self, index: int | slice) -> DataFlow | list[DataFlow]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop if index.stop is not None else self.total
        if stop <= start:
            return []
        rows: list[DataFlow] = list(self._page(start, stop))
        # Once for the whole page.
        prefetch_related_objects(
            rows,
            Prefetch("recipient", Organisation.objects.only("name")),
            Prefetch("agreement", SharingAgreement.objects.only("reference")),
        )
        return rows

    def _page(self, start: int, stop: int) -> QuerySet[DataFlow]:
        if not connections[self.banded.db].features.supports_slicing_ordering_in_compound:
            return self.banded.order_by("band", "next_review_on", "-id")[start:stop]
        # One statement whatever the page: each band walks its index no further than the page's end,
        # and the two are put in order and cut once.
        overdue = self.overdue.annotate(band=Value(0))[:stop]
        rest = self.rest.annotate(band=Value(1))[:stop]
        return overdue.union(rest, all=True).order_by("band", "next_review_on", "-id")[start:stop]


def _page_columns(flows: QuerySet[DataFlow]) -> QuerySet[DataFlow]:
    """What the register page shows of each flow: the flow table alone and narrow, with the recipient
    and agreement fetched for the rows shown (two more queries, whatever the size)."""
    return flows.select_related(None).only(
        "reference", "name", "status", "needs_reassessment", "recipient", "agreement", "next_review_on"
    )


def flow_page_rows(flows: QuerySet[DataFlow], *, today: datetime.date) -> OverdueFirst:
    """The register's rows, from ``flow_list``, for a paginator."""
    return OverdueFirst(flows, today=today)


def flows_relying_on_consent() -> QuerySet[DataFlow]:
    """Flows a withdrawal of consent can affect: those resting on consent, not yet ended."""
    return (
        DataFlow.objects.filter(RELIES_ON_CONSENT)
        .exclude(status=DataFlowStatus.ENDED)
        .select_related("recipient")
        .order_by("reference")
    )
