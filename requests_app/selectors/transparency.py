"""What the public transparency page shows: active data flows, in whitelisted fields only [002 Rec 19].

Each row is built from choice fields (shown by their labels), the recipient organisation's name and the
names of the catalogue's data items. No free text a person typed is read, so names, NHS numbers or
internal notes cannot reach the page, whatever is written in the flows and requests behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from igportal.people import display_name
from necessity.rules import (
    Art6Condition,
    Art9Condition,
    ConfidentialityBasis,
    DataForm,
    Frequency,
    PurposeCategory,
    TransferMethod,
    label,
)
from requests_app.models import DataFlow, DataFlowStatus, FlowSchedule, OrganisationSettings

# Each legal basis in plain English for the public, with the law it cites kept beside it.
_ART6_PLAIN = {
    Art6Condition.A_CONSENT: "The people concerned have agreed to it",
    Art6Condition.B_CONTRACT: "It is needed for a contract with the people concerned",
    Art6Condition.C_LEGAL_OBLIGATION: "The law requires us to share it",
    Art6Condition.D_VITAL_INTERESTS: "It is needed to protect someone's life",
    Art6Condition.E_PUBLIC_TASK: "It is part of the work the law gives us as a public body",
    Art6Condition.F_LEGITIMATE_INTERESTS: (
        "It is in our legitimate interests, and it does not override people's rights"
    ),
}
_ART9_PLAIN = {
    Art9Condition.A_EXPLICIT_CONSENT: "The people concerned have given their explicit agreement",
    Art9Condition.B_EMPLOYMENT_SOCIAL_SECURITY: (
        "It is needed for employment, social security or social protection"
    ),
    Art9Condition.C_VITAL_INTERESTS: "It is needed to protect someone's life when they cannot agree",
    Art9Condition.D_NOT_FOR_PROFIT_BODY: "It is shared within a not-for-profit body with its members",
    Art9Condition.E_MADE_PUBLIC: "The person has already made the information public",
    Art9Condition.F_LEGAL_CLAIMS: "It is needed for legal claims or by a court",
    Art9Condition.G_SUBSTANTIAL_PUBLIC_INTEREST: "It is needed for reasons of substantial public interest",
    Art9Condition.H_HEALTH_SOCIAL_CARE: "It is needed to provide or manage health or social care",
    Art9Condition.I_PUBLIC_HEALTH: (
        "It is needed for public health, such as protecting people from serious threats to health"
    ),
    Art9Condition.J_ARCHIVING_RESEARCH_STATISTICS: "It is used for research or statistics, with safeguards",
}
_CONFIDENTIALITY_PLAIN = {
    "explicit_consent": "The person has agreed to their confidential information being shared",
    "implied_consent": "It is for the person's own care, as they would expect",
    "legal_duty_or_court_order": "The law or a court requires it",
    "overriding_public_interest": "The public interest in sharing outweighs the duty to keep it confidential",
    "section_251": "It has approval under section 251 of the NHS Act 2006, on the advice of the "
    "Confidentiality Advisory Group",
    "best_interests": "It is in the best interests of a person who cannot decide for themselves",
    "not_confidential": "The information is not confidential",
}
NATIONAL_DATA_OPT_OUT_URL = "https://www.nhs.uk/your-nhs-data-matters/"


@dataclass(frozen=True)
class PublishedBasis:
    plain: str
    citation: str


@dataclass(frozen=True)
class PublishedFlow:
    recipient: str
    purpose: str
    data_form: str
    data_items: tuple[str, ...]
    legal_bases: tuple[PublishedBasis, ...]
    how_often: str
    transfer_method: str


@dataclass(frozen=True)
class DataProtectionOfficer:
    name: str
    email: str


def _bases(art6: str, art9: str, confidentiality_basis: str) -> tuple[PublishedBasis, ...]:
    bases = []
    if art6 and art6 != Art6Condition.NONE:
        condition = Art6Condition(art6)
        bases.append(
            PublishedBasis(_ART6_PLAIN.get(condition, label(condition)), f"UK GDPR {label(condition)}")
        )
    if art9 and art9 != Art9Condition.NONE:
        special = Art9Condition(art9)
        bases.append(PublishedBasis(_ART9_PLAIN.get(special, label(special)), f"UK GDPR {label(special)}"))
    if confidentiality_basis and confidentiality_basis != ConfidentialityBasis.NONE:
        basis = ConfidentialityBasis(confidentiality_basis)
        bases.append(
            PublishedBasis(
                _CONFIDENTIALITY_PLAIN.get(basis.value, label(basis)),
                f"Common law duty of confidentiality: {label(basis).lower()}",
            )
        )
    return tuple(bases)


def published_organisation() -> tuple[str, DataProtectionOfficer | None]:
    """The organisation's name and its DPO's name and work email, as UK GDPR Art 37(7) asks; one query."""
    settings = (
        OrganisationSettings.objects.select_related("dpo")
        .only("name", "dpo__first_name", "dpo__last_name", "dpo__username", "dpo__email", "dpo__is_active")
        .filter(id=OrganisationSettings.SINGLETON_ID)
        .first()
    )
    if settings is None:
        return OrganisationSettings.load().name, None
    dpo: User | None = settings.dpo
    if dpo is None:
        return settings.name, None
    return settings.name, DataProtectionOfficer(display_name(dpo), dpo.email)


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
            legal_bases=_bases(row["art6"], row["art9"], row["confidentiality_basis"]),
            how_often=f"{label(Frequency(row['frequency']))}, {FlowSchedule(row['schedule']).label.lower()}",
            transfer_method=label(TransferMethod(row["transfer_method"])),
        )
        for row in rows
    ]
