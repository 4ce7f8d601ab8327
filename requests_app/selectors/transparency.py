"""What the public transparency page shows: active data flows, in whitelisted fields only [002 Rec 19].

Each row is built from choice fields (shown by their labels), the recipient organisation's name and the
names of the catalogue's data items. No free text a person typed is read, so names, NHS numbers or
internal notes cannot reach the page, whatever is written in the flows and requests behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

from necessity.rules import DataForm, Frequency, PurposeCategory, TransferMethod, label
from requests_app.models import DataFlow, DataFlowStatus, FlowSchedule
from requests_app.models.flows import legal_bases


@dataclass(frozen=True)
class PublishedFlow:
    recipient: str
    purpose: str
    data_form: str
    data_items: tuple[str, ...]
    legal_bases: tuple[str, ...]
    how_often: str
    transfer_method: str


# The only columns read: anything added here is published to the world.
PUBLISHED_COLUMNS = (
    "pk",
    "recipient__name",
    "purpose_category",
    "data_form",
    "art6",
    "art9",
    "confidentiality_basis",
    "frequency",
    "schedule",
    "transfer_method",
)


def published_flows() -> list[PublishedFlow]:
    """Every active flow, by recipient; two queries."""
    rows = list(
        DataFlow.objects.filter(status=DataFlowStatus.ACTIVE)
        .order_by("recipient__name", "purpose_category", "pk")
        .values(*PUBLISHED_COLUMNS)
    )
    items: dict[int, list[str]] = {}
    through = DataFlow.data_items.through.objects.filter(dataflow_id__in=[row["pk"] for row in rows])
    for flow_id, name in through.order_by("dataitemtype__sort_order", "dataitemtype__name").values_list(
        "dataflow_id", "dataitemtype__name"
    ):
        items.setdefault(flow_id, []).append(name)
    return [
        PublishedFlow(
            recipient=row["recipient__name"],
            purpose=label(PurposeCategory(row["purpose_category"])),
            data_form=label(DataForm(row["data_form"])),
            data_items=tuple(items.get(row["pk"], [])),
            legal_bases=tuple(legal_bases(row["art6"], row["art9"], row["confidentiality_basis"])),
            how_often=f"{label(Frequency(row['frequency']))}, {FlowSchedule(row['schedule']).label.lower()}",
            transfer_method=label(TransferMethod(row["transfer_method"])),
        )
        for row in rows
    ]
