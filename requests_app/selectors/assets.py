"""Reads of the information asset register, the processors and the record of processing (UK GDPR Art 30).

The record of processing is derived, never typed: one row per processing activity, read from the assets
(what the organisation holds and why), the data flows (what it shares, with whom, under which ISA) and the
processors (who processes on its behalf, under which contract). Change a flow and the record changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, overload

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import HttpRequest

from igportal.people import display_name, display_name_from
from requests_app.models import (
    AgreementStatus,
    AgreementVersion,
    AssetStatus,
    DataFlow,
    DataFlowStatus,
    DataItemType,
    Disclosure,
    Dpia,
    Incident,
    InformationAsset,
    Processor,
    RequestStatus,
    SharingRequest,
)
from requests_app.models.flows import legal_bases
from requests_app.permissions import can_change_asset, can_change_registers, can_read_assets
from requests_app.selectors.registers import refuse_change, refuse_unseen

User = AbstractBaseUser | AnonymousUser
# Flows that are running or may run again are processing; an ended one is not.
LIVE_FLOW_STATUSES = (DataFlowStatus.AWAITING_ISA, DataFlowStatus.ACTIVE, DataFlowStatus.SUSPENDED)


def get_asset_for_user(
    user: User, pk: int, *, for_change: bool = False, http_request: HttpRequest | None = None
) -> InformationAsset:
    """The asset, or 404 when the user may not read the register; 403 when they may not change it."""
    asset = (
        InformationAsset.objects.select_related("owner", "administrator", "delegate", "dpia", "created_by")
        .filter(pk=pk)
        .first()
        if can_read_assets(user)
        else None
    )
    if asset is None:
        refuse_unseen(user, target_type="asset", label=str(pk), http_request=http_request)
    if for_change and not can_change_asset(user, asset.owner_id, asset.administrator_id):
        refuse_change(user, target=asset, wanted="change this asset", http_request=http_request)
    return asset


def screening_missing() -> Q:
    """No DPIA screening since the asset was registered or last materially changed [004 5.9]."""
    return Q(dpia__isnull=True) | Q(dpia__created_at__lt=F("amended_at"))


def asset_list(
    *,
    search: str = "",
    status: str = "",
    owner: AbstractBaseUser | None = None,
    special_category: bool = False,
    dspt_critical: bool = False,
    needs_screening: bool = False,
    review_overdue: bool = False,
    retention_review_due: bool = False,
    today: datetime.date,
) -> QuerySet[InformationAsset]:
    assets = InformationAsset.objects.select_related("owner")
    if search:
        assets = assets.filter(
            Q(reference__icontains=search)
            | Q(name__icontains=search)
            | Q(business_area__icontains=search)
            | Q(location__icontains=search)
        )
    if status:
        assets = assets.filter(status=status)
    if owner is not None:
        assets = assets.filter(owner_id=owner.pk)
    if special_category:
        assets = assets.filter(special_category=True)
    if dspt_critical:
        assets = assets.filter(dspt_critical=True)
    if needs_screening:
        assets = assets.exclude(status=AssetStatus.RETIRED).filter(screening_missing())
    if review_overdue:
        assets = assets.filter(status=AssetStatus.ACTIVE, next_review_on__lt=today)
    if retention_review_due:
        assets = assets.filter(status=AssetStatus.ACTIVE, retention_review_on__lte=today)
    return assets.order_by("name", "id")


def reviews_due(*, owner_id: int, today: datetime.date) -> dict[str, int]:
    """The owner's assets in use whose annual review is overdue, and whose retention review is due: one
    query [004 5.9]."""
    counts: dict[str, int] = InformationAsset.objects.filter(
        status=AssetStatus.ACTIVE, owner_id=owner_id
    ).aggregate(
        review_overdue=Count("pk", filter=Q(next_review_on__lt=today)),
        retention_review_due=Count("pk", filter=Q(retention_review_on__lte=today)),
    )
    return counts


def assets_to_screen(*, owner_id: int | None = None) -> QuerySet[InformationAsset]:
    """New or amended assets without a DPIA screening: the owner's, or all of them for the DPO."""
    assets = InformationAsset.objects.exclude(status=AssetStatus.RETIRED).filter(screening_missing())
    return assets.filter(owner_id=owner_id) if owner_id is not None else assets


def requests_awaiting_owner(user_id: int) -> QuerySet[SharingRequest]:
    """Requests at the asset owner's stage that this person may sign, as owner or delegate."""
    return (
        SharingRequest.objects.filter(status=RequestStatus.AWAITING_IAO)
        .filter(Q(assets__owner_id=user_id) | Q(assets__delegate_id=user_id))
        .distinct()
        .order_by("submitted_at", "id")
    )


def shareable_assets() -> QuerySet[InformationAsset]:
    """The assets a request may draw on: those in use."""
    return InformationAsset.objects.filter(status=AssetStatus.ACTIVE).select_related("owner").order_by("name")


def asset_connections(asset: InformationAsset) -> dict[str, list[Any]]:
    """What the asset's page lists: its flows and their ISAs, DPIAs, processors, disclosures and incidents."""
    flows = list(asset.flows.select_related("recipient", "agreement").order_by("reference"))
    request_ids = list(asset.requests.values_list("pk", flat=True))
    dpias = (
        Dpia.objects.filter(Q(request_id__in=request_ids) | Q(assets=asset)).distinct().order_by("reference")
    )
    return {
        "flows": flows,
        "agreements": sorted(
            {flow.agreement for flow in flows if flow.agreement is not None}, key=lambda a: a.reference
        ),
        "dpias": list(dpias),
        "processors": list(asset.processors.all()),
        "requests": list(asset.requests.order_by("-created_at")[:50]),
        "disclosures": list(
            Disclosure.objects.filter(request_id__in=request_ids)
            .select_related("recipient")
            .order_by("-id")[:50]
        ),
        "incidents": list(
            Incident.objects.filter(Q(request_id__in=request_ids) | Q(flow__asset=asset))
            .distinct()
            .order_by("-id")[:50]
        ),
    }


def processor_list(*, search: str = "") -> QuerySet[Processor]:
    processors = Processor.objects.all()
    if search:
        processors = processors.filter(Q(name__icontains=search) | Q(services__icontains=search))
    return processors.order_by("name", "id")


def get_processor_for_user(
    user: User, pk: int, *, for_change: bool = False, http_request: HttpRequest | None = None
) -> Processor:
    processor = Processor.objects.filter(pk=pk).first() if can_read_assets(user) else None
    if processor is None:
        refuse_unseen(user, target_type="processor", label=str(pk), http_request=http_request)
    if for_change and not can_change_registers(user):
        refuse_change(user, target=processor, wanted="change the processors", http_request=http_request)
    return processor


# --- the record of processing activities (UK GDPR Art 30(1)) --------------------------------------------


@dataclass(frozen=True)
class RopaRow:
    """One processing activity: an asset held for its purposes, or a flow sharing from it."""

    reference: str
    activity: str
    kind: str
    asset: str
    owner: str
    purpose: str
    data_subjects: str
    personal_data: str
    special_category: bool
    art6: str
    art9: str
    confidentiality: str
    recipients: str
    processors: str
    retention: str
    security_measures: str
    agreement: str
    agreement_ends: datetime.date | None


ROPA_KINDS = {"holding": "Holding", "sharing": "Sharing"}
# The words for each purpose, as ``get_purpose_category_display`` gives them (translated when used).
_PURPOSES: dict[str, Any] = dict(DataFlow._meta.get_field("purpose_category").flatchoices)


@cache
def _basis_parts(art6: str, art9: str, confidentiality: str) -> tuple[str, str, str]:
    """The three bases in words; a handful of combinations, so each is worded once per process."""
    words = legal_bases(art6, "", "")
    art9_words = legal_bases("", art9, "")
    common = legal_bases("", "", confidentiality)
    return (words[0] if words else "", art9_words[0] if art9_words else "", common[0] if common else "")


# The record is read as columns (``values()``), never as model instances. The ISA version in force comes
# with each flow's row as a subquery; what an activity has a list of (its asset's processors, its data
# items) is read for the whole record in one query each, keyed by asset or flow, before the rows stream
# (portable SQL: the embedded SQLite default runs the same queries). So the whole record is a fixed
# handful of queries, however many activities or chunks it streams in.


@dataclass(frozen=True)
class _Processors:
    names: str
    contracts: str
    earliest_end: datetime.date | None


_NO_PROCESSORS = _Processors("", "", None)


def _processors_by_asset(assets: QuerySet[Any] | Iterable[int]) -> dict[int, _Processors]:
    """The processors of each of ``assets`` (ids, or a query of them), by name, in one query: read once
    per asset rather than once per flow that draws on it (17,000 flows share 2,000 assets)."""
    links = (
        InformationAsset.processors.through.objects.filter(informationasset_id__in=assets)
        .order_by("informationasset_id", "processor__name", "processor_id")
        .values_list(
            "informationasset_id",
            "processor__name",
            "processor__contract_reference",
            "processor__contract_end_on",
        )
    )
    held: dict[int, list[tuple[str, str, datetime.date | None]]] = {}
    for asset_id, name, contract, ends in links:
        held.setdefault(asset_id, []).append((name, contract, ends))
    return {
        asset_id: _Processors(
            names="; ".join(name for name, _, _ in processors),
            contracts="; ".join(contract for _, contract, _ in processors if contract),
            earliest_end=min((ends for _, _, ends in processors if ends is not None), default=None),
        )
        for asset_id, processors in held.items()
    }


def _data_items_by_flow(flows: QuerySet[Any] | Iterable[int]) -> dict[int, str]:
    """The data items of each of ``flows`` (ids, or a query of them) in the catalogue's order: the
    catalogue (a few dozen types) and the links (ids only, no join) in one query each. Flows mostly share
    a few sets of items, so each distinct list is worded once."""
    catalogue = DataItemType.objects.order_by("sort_order", "name", "id").values_list("id", "name")
    rank = {type_id: (position, name) for position, (type_id, name) in enumerate(catalogue)}
    links = (
        DataFlow.data_items.through.objects.filter(dataflow_id__in=flows)
        .order_by("dataflow_id")
        .values_list("dataflow_id", "dataitemtype_id")
    )
    held: dict[int, list[int]] = {}
    for flow_id, type_id in links:
        held.setdefault(flow_id, []).append(type_id)
    worded: dict[tuple[int, ...], str] = {}
    by_flow: dict[int, str] = {}
    for flow_id, type_ids in held.items():
        key = tuple(type_ids)
        if key not in worded:
            worded[key] = "; ".join(name for _, name in sorted(rank[type_id] for type_id in type_ids))
        by_flow[flow_id] = worded[key]
    return by_flow


def _owner_columns(prefix: str) -> tuple[str, ...]:
    return (f"{prefix}__first_name", f"{prefix}__last_name", f"{prefix}__username")


def _owner(row: dict[str, Any], prefix: str) -> str:
    return display_name_from(
        row[f"{prefix}__first_name"], row[f"{prefix}__last_name"], row[f"{prefix}__username"]
    )


_ASSET_COLUMNS = (
    "id",
    "reference",
    "name",
    "description",
    "data_subjects",
    "data_categories",
    "special_category",
    "art6",
    "art9",
    "confidentiality_basis",
    "retention_period",
    "retention_authority",
    "security_measures",
    *_owner_columns("owner"),
)


def _asset_row(asset: dict[str, Any], processors_by_asset: dict[int, _Processors]) -> RopaRow:
    used = processors_by_asset.get(asset["id"], _NO_PROCESSORS)
    art6, art9, common = _basis_parts(asset["art6"], asset["art9"], asset["confidentiality_basis"])
    return RopaRow(
        reference=asset["reference"],
        activity=asset["name"],
        kind=ROPA_KINDS["holding"],
        asset=asset["reference"],
        owner=_owner(asset, "owner"),
        purpose=asset["description"],
        data_subjects=asset["data_subjects"],
        personal_data=asset["data_categories"],
        special_category=asset["special_category"],
        art6=art6,
        art9=art9,
        confidentiality=common,
        # Processors are recipients too [UK GDPR Art 4(9)].
        recipients=used.names,
        processors=used.names,
        retention=f"{asset['retention_period']} ({asset['retention_authority']})",
        security_measures=asset["security_measures"],
        agreement=used.contracts,
        agreement_ends=used.earliest_end,
    )


_FLOW_COLUMNS = (
    "id",
    "reference",
    "name",
    "source_asset",
    "purpose_category",
    "purpose",
    "art6",
    "art9",
    "confidentiality_basis",
    "recipient__name",
    "agreement__reference",
    "asset_id",
    "asset__reference",
    "asset__data_subjects",
    "asset__special_category",
    "asset__retention_period",
    "asset__retention_authority",
    "asset__security_measures",
    *_owner_columns("asset__owner"),
    *_owner_columns("asset_owner"),
)


def _flow_row(
    flow: dict[str, Any], processors_by_asset: dict[int, _Processors], items_by_flow: dict[int, str]
) -> RopaRow:
    held = flow["asset_id"] is not None
    art6, art9, common = _basis_parts(flow["art6"], flow["art9"], flow["confidentiality_basis"])
    purpose = _PURPOSES.get(flow["purpose_category"], flow["purpose_category"])
    return RopaRow(
        reference=flow["reference"],
        activity=flow["name"],
        kind=ROPA_KINDS["sharing"],
        asset=flow["asset__reference"] if held else flow["source_asset"],
        owner=_owner(flow, "asset__owner" if held else "asset_owner"),
        purpose=f"{purpose}: {flow['purpose']}".rstrip(": "),
        data_subjects=flow["asset__data_subjects"] if held else "",
        personal_data=items_by_flow.get(flow["id"], ""),
        special_category=bool(
            flow["asset__special_category"] if held else flow["art9"] and flow["art9"] != "none"
        ),
        art6=art6,
        art9=art9,
        confidentiality=common,
        recipients=flow["recipient__name"],
        processors=processors_by_asset.get(flow["asset_id"], _NO_PROCESSORS).names if held else "",
        retention=f"{flow['asset__retention_period']} ({flow['asset__retention_authority']})" if held else "",
        security_measures=flow["asset__security_measures"] if held else "",
        agreement=flow["agreement__reference"] if flow["agreement_in_force"] else "",
        agreement_ends=flow["agreement_ends"],
    )


def _ropa_assets(
    *, search: str, owner: AbstractBaseUser | None, special_category: bool
) -> QuerySet[InformationAsset, dict[str, Any]]:
    """The assets held for their purposes: every one not retired, filtered in the database."""
    assets = InformationAsset.objects.exclude(status=AssetStatus.RETIRED)
    if search:
        assets = assets.filter(Q(reference__icontains=search) | Q(name__icontains=search))
    if owner is not None:
        assets = assets.filter(owner_id=owner.pk)
    if special_category:
        assets = assets.filter(special_category=True)
    return assets.values(*_ASSET_COLUMNS).order_by("reference")


def _ropa_flows(
    *, search: str, owner: AbstractBaseUser | None, special_category: bool
) -> QuerySet[DataFlow, dict[str, Any]]:
    """The flows that share from them and may run: every one not ended, filtered in the database."""
    flows = DataFlow.objects.filter(status__in=LIVE_FLOW_STATUSES)
    if search:
        flows = flows.filter(
            Q(reference__icontains=search)
            | Q(name__icontains=search)
            | Q(recipient__name__icontains=search)
            | Q(asset__reference__icontains=search)
        )
    if owner is not None:
        flows = flows.filter(Q(asset__owner_id=owner.pk) | Q(asset__isnull=True, asset_owner_id=owner.pk))
    if special_category:
        flows = flows.filter(
            Q(asset__special_category=True) | (Q(asset__isnull=True) & ~Q(art9__in=["", "none"]))
        )
    # The version in force is the newest active one (the versions' own order); the flow names its ISA
    # only while one is.
    in_force = AgreementVersion.objects.filter(
        agreement=OuterRef("agreement_id"), status=AgreementStatus.ACTIVE
    ).order_by("-number")
    return flows.values(
        *_FLOW_COLUMNS,
        agreement_in_force=Exists(in_force),
        agreement_ends=Subquery(in_force.values("end_on")[:1]),
    ).order_by("reference")


# Rows fetched per round trip when the whole record is read (the CSV and PDF exports), from one
# server-side cursor per kind of activity: memory stays bounded by this, not by the size of the registers,
# and the queries stay two whatever the chunk.
ROPA_CHUNK = 500


class RopaActivities:
    """The record as a sequence the paginator slices in the database: the assets (by reference), then the
    flows (by reference). ``count()`` is two ``COUNT`` queries; a slice reads only the rows it covers, so a
    page of the record costs the same few queries for 20 activities as for 20,000. Iterating reads the
    whole record with one query per kind, fetched in chunks of ``ROPA_CHUNK``, for the exports to stream.
    """

    def __init__(
        self,
        assets: QuerySet[InformationAsset, dict[str, Any]] | None,
        flows: QuerySet[DataFlow, dict[str, Any]] | None,
    ) -> None:
        self.assets = assets
        self.flows = flows

    @cached_property
    def _asset_count(self) -> int:
        return self.assets.count() if self.assets is not None else 0

    @cached_property
    def _flow_count(self) -> int:
        return self.flows.count() if self.flows is not None else 0

    def count(self) -> int:
        return self._asset_count + self._flow_count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> RopaRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[RopaRow]: ...
    def __getitem__(self, index: int | slice) -> RopaRow | list[RopaRow]:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else []
            if not found:
                raise IndexError("No such processing activity.")
            return found[0]
        if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop or 0) < 0:
            raise ValueError("The record is sliced forwards only.")
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        rows: list[RopaRow] = []
        held = self._asset_count
        if self.assets is not None and start < held:
            assets = list(self.assets[start : min(stop, held)])
            processors = _processors_by_asset([asset["id"] for asset in assets])
            rows.extend(_asset_row(asset, processors) for asset in assets)
        if self.flows is not None and stop > held:
            flows = list(self.flows[max(start - held, 0) : stop - held])
            processors = _processors_by_asset({flow["asset_id"] for flow in flows if flow["asset_id"]})
            items = _data_items_by_flow([flow["id"] for flow in flows])
            rows.extend(_flow_row(flow, processors, items) for flow in flows)
        return rows

    def __iter__(self) -> Iterator[RopaRow]:
        if self.assets is not None:
            processors = _processors_by_asset(self.assets.values("id"))
            for asset in self.assets.iterator(chunk_size=ROPA_CHUNK):
                yield _asset_row(asset, processors)
        if self.flows is not None:
            processors = _processors_by_asset(self.flows.filter(asset__isnull=False).values("asset_id"))
            items = _data_items_by_flow(self.flows.values("id"))
            for flow in self.flows.iterator(chunk_size=ROPA_CHUNK):
                yield _flow_row(flow, processors, items)


def ropa_rows(
    *,
    search: str = "",
    kind: str = "",
    owner: AbstractBaseUser | None = None,
    special_category: bool = False,
) -> RopaActivities:
    """Every processing activity once, filtered: the assets in use, then the flows that share from them.

    Page it (``Paginator(ropa_rows(...), PAGE_SIZE)``) or iterate it; never ``list()`` it for a page."""
    return RopaActivities(
        _ropa_assets(search=search, owner=owner, special_category=special_category)
        if kind in ("", "holding")
        else None,
        _ropa_flows(search=search, owner=owner, special_category=special_category)
        if kind in ("", "sharing")
        else None,
    )


@dataclass(frozen=True)
class DsptRow:
    """The DSPT's asset and flow evidence: each asset, its owner, bases, recipients and agreements."""

    asset: str
    name: str
    owner: str
    art6: str
    art9: str
    confidentiality: str
    recipients: str
    agreements_in_place: bool
    earliest_end: datetime.date | None


def dspt_rows(*, today: datetime.date) -> Iterable[DsptRow]:
    """One row per asset in use: every flow from it under an ISA in force, and every processor under a
    contract in force, is an agreement in place; the earliest end date is the next to chase."""
    assets = (
        InformationAsset.objects.filter(status=AssetStatus.ACTIVE)
        .select_related("owner")
        .prefetch_related(
            Prefetch("processors", Processor.objects.order_by("name")),
            Prefetch(
                "flows",
                DataFlow.objects.filter(status__in=LIVE_FLOW_STATUSES)
                .select_related("recipient", "agreement")
                .prefetch_related(
                    Prefetch(
                        "agreement__versions", AgreementVersion.objects.filter(status=AgreementStatus.ACTIVE)
                    )
                )
                .order_by("reference"),
            ),
        )
        .order_by("reference")
    )
    for asset in assets.iterator(chunk_size=500):
        flows = list(asset.flows.all())
        processors = list(asset.processors.all())
        versions = [v for flow in flows if flow.agreement for v in flow.agreement.versions.all()]
        flows_covered = all(flow.agreement and flow.agreement.versions.all() for flow in flows)
        contracts_covered = all(p.contract_in_force(today) for p in processors)
        ends = [v.end_on for v in versions if v.end_on] + [
            p.contract_end_on for p in processors if p.contract_end_on
        ]
        art6, art9, common = _basis_parts(asset.art6, asset.art9, asset.confidentiality_basis)
        recipients = sorted({flow.recipient.name for flow in flows} | {p.name for p in processors})
        yield DsptRow(
            asset=asset.reference,
            name=asset.name,
            owner=display_name(asset.owner),
            art6=art6,
            art9=art9,
            confidentiality=common,
            recipients="; ".join(recipients),
            agreements_in_place=bool(flows_covered and contracts_covered),
            earliest_end=min(ends) if ends else None,
        )
