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
from django.db import connection, connections
from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
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
    StatusCount,
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


# The record is read as columns (``values()``), never as model instances, and every activity as the same
# named columns whichever register it comes from (an asset pads what only a flow has, and the other way
# round): a page that spans assets and flows is then one statement (UNION ALL), and one function words
# any row. The ISA version in force comes with each flow's row as a subquery; what an activity has a
# list of (its asset's processors, its data items) is read in one query for a page's rows, or in one
# query each for the whole record, keyed by asset or flow (portable SQL: the embedded SQLite default runs
# the same queries). So a page is the same three queries whichever kinds it shows, and the whole record
# a fixed handful however many activities or chunks it streams in.

_HOLDING, _SHARING = 0, 1
# Activities read as the record's columns: each row a dict keyed ``ropa_...`` (mypy's Django plugin types
# ``values()`` of expressions alone as an empty TypedDict, hence Any).
_Rows = QuerySet[Any, Any]
_NO_TEXT = Value("")
_NO_DATE = Value(None, output_field=DateField())


def _owner_columns(path: str, *, into: str) -> dict[str, Any]:
    return {
        f"{into}_first_name": F(f"{path}__first_name"),
        f"{into}_last_name": F(f"{path}__last_name"),
        f"{into}_username": F(f"{path}__username"),
    }


def _no_owner(into: str) -> dict[str, Any]:
    none = Value(None, output_field=CharField())
    return {f"{into}_first_name": none, f"{into}_last_name": none, f"{into}_username": none}


def _owner(row: dict[str, Any], prefix: str) -> str:
    return display_name_from(
        row[f"{prefix}_first_name"], row[f"{prefix}_last_name"], row[f"{prefix}_username"]
    )


def _asset_columns() -> dict[str, Any]:
    """An asset as a processing activity, in the record's columns (the order matters to UNION)."""
    return {
        "ropa_kind": Value(_HOLDING),
        "ropa_id": F("id"),
        "ropa_reference": F("reference"),
        "ropa_name": F("name"),
        "ropa_purpose_category": _NO_TEXT,
        "ropa_purpose": F("description"),
        "ropa_source_asset": _NO_TEXT,
        "ropa_art6": F("art6"),
        "ropa_art9": F("art9"),
        "ropa_confidentiality": F("confidentiality_basis"),
        "ropa_recipient": _NO_TEXT,
        "ropa_agreement": _NO_TEXT,
        "ropa_agreement_in_force": Value(False),
        "ropa_agreement_ends": _NO_DATE,
        "ropa_asset_id": F("id"),
        "ropa_asset_reference": F("reference"),
        "ropa_data_subjects": F("data_subjects"),
        "ropa_data_categories": F("data_categories"),
        "ropa_special_category": F("special_category"),
        "ropa_retention_period": F("retention_period"),
        "ropa_retention_authority": F("retention_authority"),
        "ropa_security_measures": F("security_measures"),
        **_owner_columns("owner", into="ropa_owner"),
        **_no_owner("ropa_flow_owner"),
    }


def _flow_columns() -> dict[str, Any]:
    """A flow as a processing activity, in the record's columns (the order matters to UNION)."""
    # The version in force is the newest active one (the versions' own order); the flow names its ISA
    # only while one is.
    in_force = AgreementVersion.objects.filter(
        agreement=OuterRef("agreement_id"), status=AgreementStatus.ACTIVE
    ).order_by("-number")
    return {
        "ropa_kind": Value(_SHARING),
        "ropa_id": F("id"),
        "ropa_reference": F("reference"),
        "ropa_name": F("name"),
        "ropa_purpose_category": F("purpose_category"),
        "ropa_purpose": F("purpose"),
        "ropa_source_asset": F("source_asset"),
        "ropa_art6": F("art6"),
        "ropa_art9": F("art9"),
        "ropa_confidentiality": F("confidentiality_basis"),
        "ropa_recipient": F("recipient__name"),
        "ropa_agreement": F("agreement__reference"),
        "ropa_agreement_in_force": Exists(in_force),
        "ropa_agreement_ends": Subquery(in_force.values("end_on")[:1]),
        "ropa_asset_id": F("asset_id"),
        "ropa_asset_reference": F("asset__reference"),
        "ropa_data_subjects": F("asset__data_subjects"),
        "ropa_data_categories": _NO_TEXT,
        "ropa_special_category": F("asset__special_category"),
        "ropa_retention_period": F("asset__retention_period"),
        "ropa_retention_authority": F("asset__retention_authority"),
        "ropa_security_measures": F("asset__security_measures"),
        **_owner_columns("asset__owner", into="ropa_owner"),
        **_owner_columns("asset_owner", into="ropa_flow_owner"),
    }


def _asset_row(asset: dict[str, Any], processors_by_asset: dict[int, _Processors]) -> RopaRow:
    used = processors_by_asset.get(asset["ropa_asset_id"], _NO_PROCESSORS)
    art6, art9, common = _basis_parts(asset["ropa_art6"], asset["ropa_art9"], asset["ropa_confidentiality"])
    return RopaRow(
        reference=asset["ropa_reference"],
        activity=asset["ropa_name"],
        kind=ROPA_KINDS["holding"],
        asset=asset["ropa_reference"],
        owner=_owner(asset, "ropa_owner"),
        purpose=asset["ropa_purpose"],
        data_subjects=asset["ropa_data_subjects"],
        personal_data=asset["ropa_data_categories"],
        special_category=asset["ropa_special_category"],
        art6=art6,
        art9=art9,
        confidentiality=common,
        # Processors are recipients too [UK GDPR Art 4(9)].
        recipients=used.names,
        processors=used.names,
        retention=f"{asset['ropa_retention_period']} ({asset['ropa_retention_authority']})",
        security_measures=asset["ropa_security_measures"],
        agreement=used.contracts,
        agreement_ends=used.earliest_end,
    )


def _flow_row(
    flow: dict[str, Any], processors_by_asset: dict[int, _Processors], items_by_flow: dict[int, str]
) -> RopaRow:
    held = flow["ropa_asset_id"] is not None
    art6, art9, common = _basis_parts(flow["ropa_art6"], flow["ropa_art9"], flow["ropa_confidentiality"])
    purpose = _PURPOSES.get(flow["ropa_purpose_category"], flow["ropa_purpose_category"])
    return RopaRow(
        reference=flow["ropa_reference"],
        activity=flow["ropa_name"],
        kind=ROPA_KINDS["sharing"],
        asset=flow["ropa_asset_reference"] if held else flow["ropa_source_asset"],
        owner=_owner(flow, "ropa_owner" if held else "ropa_flow_owner"),
        purpose=f"{purpose}: {flow['ropa_purpose']}".rstrip(": "),
        data_subjects=flow["ropa_data_subjects"] if held else "",
        personal_data=items_by_flow.get(flow["ropa_id"], ""),
        special_category=bool(
            flow["ropa_special_category"] if held else flow["ropa_art9"] and flow["ropa_art9"] != "none"
        ),
        art6=art6,
        art9=art9,
        confidentiality=common,
        recipients=flow["ropa_recipient"],
        processors=processors_by_asset.get(flow["ropa_asset_id"], _NO_PROCESSORS).names if held else "",
        retention=(f"{flow['ropa_retention_period']} ({flow['ropa_retention_authority']})" if held else ""),
        security_measures=flow["ropa_security_measures"] if held else "",
        agreement=flow["ropa_agreement"] if flow["ropa_agreement_in_force"] else "",
        agreement_ends=flow["ropa_agreement_ends"],
    )


def _activity_row(
    row: dict[str, Any], processors_by_asset: dict[int, _Processors], items_by_flow: dict[int, str]
) -> RopaRow:
    if row["ropa_kind"] == _HOLDING:
        return _asset_row(row, processors_by_asset)
    return _flow_row(row, processors_by_asset, items_by_flow)


@dataclass(frozen=True)
class _Processors:
    names: str
    contracts: str
    earliest_end: datetime.date | None


_NO_PROCESSORS = _Processors("", "", None)


def _summarise_processors(
    links: Iterable[tuple[int, str, str, datetime.date | None]],
) -> dict[int, _Processors]:
    """(asset, processor name, contract, contract end) in the order to list them -> each asset's."""
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


def _processors_by_asset(assets: QuerySet[Any]) -> dict[int, _Processors]:
    """The processors of each of ``assets`` (a query of their ids), by name, in one query: read once per
    asset rather than once per flow that draws on it (17,000 flows share 2,000 assets)."""
    return _summarise_processors(
        InformationAsset.processors.through.objects.filter(informationasset_id__in=assets)
        .order_by("informationasset_id", "processor__name", "processor_id")
        .values_list(
            "informationasset_id",
            "processor__name",
            "processor__contract_reference",
            "processor__contract_end_on",
        )
    )


def _data_items_by_flow(flows: QuerySet[Any]) -> dict[int, str]:
    """The data items of each of ``flows`` (a query of their ids) in the catalogue's order: the catalogue
    (a few dozen types) and the links (ids only, no join) in one query each. Flows mostly share a few sets
    of items, so each distinct list is worded once."""
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


def _lists_of_page(asset_ids: set[int], flow_ids: list[int]) -> tuple[dict[int, _Processors], dict[int, str]]:
    """The processors of a page's assets and the data items of its flows, each in the order the record
    lists them, in one query (UNION ALL of the two links, each joined to what it names): for a page's
    few dozen rows a join is cheaper than reading the whole catalogue as the export does."""
    processors = InformationAsset.processors.through.objects.filter(informationasset_id__in=asset_ids).values(
        list_kind=Value(_HOLDING),
        list_of=F("informationasset_id"),
        list_rank=Value(0),
        list_name=F("processor__name"),
        list_contract=F("processor__contract_reference"),
        list_ends=F("processor__contract_end_on"),
        list_tiebreak=F("processor_id"),
    )
    items = DataFlow.data_items.through.objects.filter(dataflow_id__in=flow_ids).values(
        list_kind=Value(_SHARING),
        list_of=F("dataflow_id"),
        list_rank=F("dataitemtype__sort_order"),
        list_name=F("dataitemtype__name"),
        list_contract=_NO_TEXT,
        list_ends=_NO_DATE,
        list_tiebreak=F("dataitemtype_id"),
    )
    parts = [part for part, ids in ((processors, asset_ids), (items, flow_ids)) if ids]
    if not parts:
        return {}, {}
    linked = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    links = list(linked.order_by("list_kind", "list_of", "list_rank", "list_name", "list_tiebreak"))
    names_by_flow: dict[int, list[str]] = {}
    for link in links:
        if link["list_kind"] == _SHARING:
            names_by_flow.setdefault(link["list_of"], []).append(link["list_name"])
    return (
        _summarise_processors(
            (link["list_of"], link["list_name"], link["list_contract"], link["list_ends"])
            for link in links
            if link["list_kind"] == _HOLDING
        ),
        {flow_id: "; ".join(names) for flow_id, names in names_by_flow.items()},
    )


def _ropa_assets(
    *, search: str, owner: AbstractBaseUser | None, special_category: bool
) -> QuerySet[InformationAsset]:
    """The assets held for their purposes: every one not retired, filtered in the database."""
    assets = InformationAsset.objects.exclude(status=AssetStatus.RETIRED)
    if search:
        assets = assets.filter(Q(reference__icontains=search) | Q(name__icontains=search))
    if owner is not None:
        assets = assets.filter(owner_id=owner.pk)
    if special_category:
        assets = assets.filter(special_category=True)
    return assets


def _ropa_flows(*, search: str, owner: AbstractBaseUser | None, special_category: bool) -> QuerySet[DataFlow]:
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
    return flows


def _count_kinds(
    assets: QuerySet[InformationAsset] | None, flows: QuerySet[DataFlow] | None, *, every_live_flow: bool
) -> dict[str, int]:
    """How many activities of each kind there are, in one statement: each kind its own ``count(*)`` with
    only the filters' joins (what a row shows plays no part in how many rows there are).

    Every live flow, unfiltered, is instead the sum of the counts PostgreSQL keeps by status as flows move
    (models/counts.py): three rows read rather than 17,000 index entries walked on every view. SQLite
    keeps none, so there they are counted."""
    columns: list[str] = []
    params: list[Any] = []
    for kind, query in (("assets", assets), ("flows", flows)):
        if query is None:
            continue
        if kind == "flows" and every_live_flow and connection.vendor == "postgresql":
            kept = StatusCount.objects.filter(
                table_name=DataFlow._meta.db_table, status__in=LIVE_FLOW_STATUSES
            ).values("total")
            sql, values = kept.query.sql_with_params()
            columns.append(f"(SELECT coalesce(sum(total), 0) FROM ({sql}) AS kept)")  # noqa: S608 - the ORM's own SQL; values stay parameters
        else:
            sql, values = query.order_by().values("pk").query.sql_with_params()
            columns.append(f"(SELECT count(*) FROM ({sql}) AS counted)")  # noqa: S608 - as above
        params.extend(values)
    if not columns:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = cursor.fetchone()
    kinds = [kind for kind, query in (("assets", assets), ("flows", flows)) if query is not None]
    return {kind: int(total) for kind, total in zip(kinds, row, strict=True)}


# Rows fetched per round trip when the whole record is read (the CSV and PDF exports), from one
# server-side cursor per kind of activity: memory stays bounded by this, not by the size of the registers,
# and the queries stay two whatever the chunk.
ROPA_CHUNK = 500


class RopaActivities:
    """The record as a sequence the paginator slices in the database: the assets (by reference), then the
    flows (by reference). ``count()`` is one query counting both kinds (``_count_kinds``); a slice is one
    query for its rows, whichever kinds it spans, and one for their processors and data items. So a page
    of the record costs the same three queries for 20 activities as for 20,000, at the start, the end or
    the seam between the kinds. Iterating reads the whole record with one query per kind, fetched in
    chunks of ``ROPA_CHUNK``, for the exports to stream.
    """

    def __init__(
        self,
        assets: QuerySet[InformationAsset] | None,
        flows: QuerySet[DataFlow] | None,
        *,
        every_live_flow: bool = False,
    ) -> None:
        self.assets = assets
        self.flows = flows
        # ``flows`` is every live flow, unfiltered: its count is kept by the database.
        self.every_live_flow = every_live_flow

    @staticmethod
    def _asset_rows(assets: QuerySet[InformationAsset]) -> _Rows:
        return assets.values(**_asset_columns()).order_by("reference")

    @staticmethod
    def _flow_rows(flows: QuerySet[DataFlow]) -> _Rows:
        return flows.values(**_flow_columns()).order_by("reference")

    @cached_property
    def _counts(self) -> dict[str, int]:
        return _count_kinds(self.assets, self.flows, every_live_flow=self.every_live_flow)

    def count(self) -> int:
        return sum(self._counts.values())

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
        held = self._counts.get("assets", 0)
        parts: list[_Rows] = []
        if self.assets is not None and start < held:
            parts.append(self._asset_rows(self.assets)[start : min(stop, held)])
        if self.flows is not None and stop > held and stop > start:
            parts.append(self._flow_rows(self.flows)[max(start - held, 0) : stop - held])
        if not parts:
            return []
        activities = list(self._page(parts, start=start, stop=stop))
        processors, items = _lists_of_page(
            {row["ropa_asset_id"] for row in activities if row["ropa_asset_id"] is not None},
            [row["ropa_id"] for row in activities if row["ropa_kind"] == _SHARING],
        )
        return [_activity_row(row, processors, items) for row in activities]

    def _page(self, parts: list[_Rows], *, start: int, stop: int) -> _Rows:
        """The slice's rows in one statement: one kind's slice, or the last assets and the first flows,
        each cut by its own LIMIT and put in the record's order.

        SQLite (the embedded default of ``make run``) allows no LIMIT inside a compound statement, so a
        slice across the seam is there one statement over both kinds in the record's order, cut once: the
        same rows and the same number of queries, at a cost that only matters at a size SQLite never
        serves."""
        if len(parts) == 1:
            return parts[0]
        assert self.assets is not None and self.flows is not None
        if not connections[self.assets.db].features.supports_slicing_ordering_in_compound:
            both = (
                self._asset_rows(self.assets)
                .order_by()
                .union(self._flow_rows(self.flows).order_by(), all=True)
            )
            return both.order_by("ropa_kind", "ropa_reference")[start:stop]
        return parts[0].union(parts[1], all=True).order_by("ropa_kind", "ropa_reference")

    def __iter__(self) -> Iterator[RopaRow]:
        if self.assets is not None:
            processors = _processors_by_asset(self.assets.values("id"))
            for asset in self._asset_rows(self.assets).iterator(chunk_size=ROPA_CHUNK):
                yield _asset_row(asset, processors)
        if self.flows is not None:
            processors = _processors_by_asset(self.flows.filter(asset__isnull=False).values("asset_id"))
            items = _data_items_by_flow(self.flows.values("id"))
            for flow in self._flow_rows(self.flows).iterator(chunk_size=ROPA_CHUNK):
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
        every_live_flow=not (search or owner or special_category),
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
