"""Demo data for a newcomer's laptop, walked through the real services.

Built from the worked examples in docs/examples, so the queues, the request pages and the decision
records show what the engine really decides: a sharing request in every state of the workflow, each
with the answers it was assessed on (so one sent back for changes can be resubmitted), access
requests due soon and overdue, and the reminders the sweeps have already sent about them. Only
``seed_demo`` calls this (it refuses production).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from igportal.roles import Role
from necessity.rules import answers_from_dict, answers_to_dict, assess, result_to_dict
from requests_app.models import (
    AccessRequest,
    AccessRequestKind,
    Assessment,
    DataItemType,
    Organisation,
    OrganisationPolicy,
    RequestItem,
    SharingRequest,
)
from requests_app.services.access import (
    access_request_create,
    access_request_redaction_add,
    access_request_transition,
    access_request_update,
)
from requests_app.services.references import reference_allocate
from requests_app.services.reminders import sweep_kinds, sweep_run
from requests_app.services.retention import disposal_sweep
from requests_app.services.sharing import sharing_request_create, sharing_request_save_step
from requests_app.services.workflow import transition
from requests_app.workflow import ordered_stages

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"
DEMO_PASSWORD = "demo-password-1234"  # noqa: S105 - printed to the newcomer on purpose; never in production

DEMO_USERS: tuple[tuple[str, str, str, Role], ...] = (
    ("requester", "Riya", "Shah", Role.REQUESTER),
    ("igofficer", "Owen", "Price", Role.IG_OFFICER),
    ("dpo", "Dana", "Okafor", Role.DPO),
    ("caldicott", "Clare", "Evans", Role.CALDICOTT_GUARDIAN),
    ("siro", "Simon", "Reid", Role.SIRO),
    ("auditor", "Ada", "Lowe", Role.AUDITOR),
    ("iao", "Imran", "Aziz", Role.INFORMATION_ASSET_OWNER),
)


def demo_users_table() -> list[str]:
    """The demo users as the lines of an aligned table."""
    rows = [("User", "Name", "Role", "Password")] + [
        (username, f"{first} {last}", role.label, DEMO_PASSWORD) for username, first, last, role in DEMO_USERS
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return [f"  {line}" for line in lines]


def demo_banner(url: str) -> str:
    """The address and the demo users, for the end of ``make run``'s start-up."""
    return "\n".join(
        [
            "",
            f"IG Portal is running at {url}",
            "Log in as any of these demo users (multi-factor authentication is off on this demo server):",
            "",
            *demo_users_table(),
            "",
            "Stop the server with Ctrl+C.",
        ]
    )


@dataclass(frozen=True)
class DemoRequest:
    example: str
    title: str
    recipient: str
    # (transition, who fires it, reasons, conditions) after submission
    steps: tuple[tuple[str, Role, str, str], ...]


# One request in each state a submitted request can be in; the draft, and the approved requests that
# became a data flow and a disclosure, are made with the registers (seed_demo).
DEMO_REQUESTS = (
    # submitted: waiting in the IG inbox
    DemoRequest("police_admission_dates", "Admission dates for a CID enquiry", "Northshire Constabulary", ()),
    # in IG review
    DemoRequest(
        "aggregated_statistics_short_path",
        "Quarterly A&E attendance counts for the Healthwatch report",
        "Healthwatch Northshire",
        (("start_review", Role.IG_OFFICER, "", ""),),
    ),
    # awaiting the Caldicott Guardian
    DemoRequest(
        "safeguarding_referral",
        "Child protection referral to the safeguarding hub",
        "Northshire County Council",
        (("start_review", Role.IG_OFFICER, "", ""), ("approve", Role.IG_OFFICER, "", "")),
    ),
    # awaiting the SIRO
    DemoRequest(
        "commissioning_extract_pseudonymise",
        "Community nursing caseload extract for the ICB",
        "Northshire Community Trust",
        (
            ("start_review", Role.IG_OFFICER, "", ""),
            ("approve", Role.IG_OFFICER, "", ""),
            ("approve", Role.CALDICOTT_GUARDIAN, "Pseudonymised at source; proportionate.", ""),
        ),
    ),
    # changes requested: the requester can change the answers and resubmit
    DemoRequest(
        "consent_withdrawn",
        "Carer contact details for the memory clinic",
        "Northshire Community Trust",
        (
            ("start_review", Role.IG_OFFICER, "", ""),
            (
                "request_changes",
                Role.IG_OFFICER,
                "The patient withdrew consent on the date you give. Say whether another basis applies "
                "(best interests under the Mental Capacity Act 2005?) or withdraw the request.",
                "",
            ),
        ),
    ),
    # approved
    DemoRequest(
        "gp_referral_direct_care",
        "Referral letter to the patient's GP",
        "Riverside Medical Practice",
        (("start_review", Role.IG_OFFICER, "", ""), ("approve", Role.DPO, "", "")),
    ),
    # approved with conditions
    DemoRequest(
        "gp_referral_direct_care",
        "Discharge summary to the new GP practice",
        "Riverside Medical Practice",
        (
            ("start_review", Role.IG_OFFICER, "", ""),
            (
                "approve_with_conditions",
                Role.DPO,
                "Needed for continuing care.",
                "Send by NHSmail to the practice's shared mailbox only.",
            ),
        ),
    ),
    # rejected
    DemoRequest(
        "research_without_consent_or_s251",
        "Linked outcomes data for a university study",
        "Northshire University Research Unit",
        (
            ("start_review", Role.IG_OFFICER, "", ""),
            (
                "reject",
                Role.IG_OFFICER,
                "Identifiable data for research needs consent or section 251 support; neither is in "
                "place [004 6.10]. Ask the unit to apply to the Confidentiality Advisory Group.",
                "",
            ),
        ),
    ),
    # withdrawn by the requester
    DemoRequest(
        "aggregated_statistics_short_path",
        "Outpatient waiting times for the council scrutiny panel",
        "Northshire County Council",
        (("withdraw", Role.REQUESTER, "The panel found the figures in the published board papers.", ""),),
    ),
    # approved, then not shared after all
    DemoRequest(
        "gp_referral_direct_care",
        "Clinic letter to the patient's former GP",
        "Riverside Medical Practice",
        (
            ("start_review", Role.IG_OFFICER, "", ""),
            ("approve", Role.DPO, "", ""),
            (
                "not_shared",
                Role.REQUESTER,
                "The patient registered with a new practice before it was sent.",
                "",
            ),
        ),
    ),
)


# The worked examples name some items by codes of their own; these are the catalogue's nearest entries.
CATALOGUE_CODES = {
    "patient_name": "name",
    "resident_name": "name",
    "child_name": "name",
    "home_address": "address",
    "clinical_summary": "health_data",
    "diagnosis": "health_data",
    "diagnosis_codes": "health_data",
    "injury_notes": "health_data",
    "episode_dates": "admission_dates",
    "account": "social_care",
    "sibling_school": "social_care",
    "month": "aggregate_counts",
    "age_band": "aggregate_counts",
    "attendances": "aggregate_counts",
}


def catalogue_code(code: str) -> str:
    return CATALOGUE_CODES.get(code, code)


def saved_from_answers(
    answers: dict[str, Any], *, title: str, recipient: Organisation | None, unlisted: str = ""
) -> dict[str, Any]:
    """The wizard's saved steps for a worked example's engine answers (the inverse of
    ``necessity.steps.assemble_answers``), so the wizard can reopen and resubmit a demo request."""
    saved: dict[str, Any] = {name: dict(value) for name, value in answers.items() if value is not None}
    items = answers["data"]["items"]
    codes = [catalogue_code(item["code"]) for item in items]
    if recipient is not None:
        saved["purpose"] |= {"title": title, "recipient": recipient.pk}
    else:
        # Named by the requester because it is not yet a partner, as the wizard keeps that answer.
        saved["purpose"] |= {
            "title": title,
            "recipient": None,
            "recipient_not_listed": unlisted,
            "recipient_name": unlisted,
        }
    saved["data"] = {key: value for key, value in answers["data"].items() if key != "items"} | {
        "item_types": list(DataItemType.objects.filter(code__in=codes).values_list("pk", flat=True))
    }
    saved["items"] = {
        catalogue_code(item["code"]): {"essential": item["essential"], "justification": item["justification"]}
        for item in items
    }
    if "police" in saved:
        necessity = saved["police"].pop("item_necessity", [])
        saved["police"]["necessary_items"] = [
            row["item_code"] for row in necessity if row["necessary_for_enquiry"]
        ]
    if "lawful_basis" in saved:
        saved["special_category"] = {"art9": saved["lawful_basis"].pop("art9", "none")}
    return saved


def submit_example(
    *,
    example: str,
    title: str,
    recipient: Organisation | None,
    requester: User,
    days_ago: int = 2,
    unlisted: str = "",
) -> SharingRequest:
    """A request from a worked example, its answers kept as the wizard keeps them, submitted.

    Without a ``recipient`` the request names ``unlisted``, a recipient not yet on the list of partners.
    """
    worked = json.loads((EXAMPLES / f"{example}.json").read_text())
    answers = answers_from_dict(worked["answers"])
    today = timezone.localdate()
    in_force = OrganisationPolicy.current()
    result = assess(
        answers,
        today=today,
        policy=in_force.policy,
        recipient_assurance_lapsed=recipient is not None and bool(recipient.assurance_lapses(today)),
    )
    purpose = worked["answers"]["purpose"]
    sharing_request = SharingRequest.objects.create(
        reference=reference_allocate(prefix="ISR", year=today.year),
        requester=requester,
        title=title,
        recipient=recipient,
        recipient_unlisted="" if recipient is not None else unlisted,
        purpose_category=purpose["category"],
        urgency=purpose["urgency"],
        frequency=purpose["frequency"],
        direction=purpose["direction"],
        data_form=worked["answers"]["data"]["data_form"],
        answers=saved_from_answers(worked["answers"], title=title, recipient=recipient, unlisted=unlisted),
        stages=ordered_stages([stage.value for stage in result.required_signoffs]),
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    Assessment.objects.create(
        request=sharing_request,
        number=1,
        answers=answers_to_dict(answers),
        result=result_to_dict(result),
        rules_version=result.rules_version,
        policy=in_force,
        outcome=result.outcome.value,
        risk=result.risk.value,
        dpia_required=result.dpia_required,
        isa_required=result.isa_required,
        required_signoffs=[stage.value for stage in result.required_signoffs],
        assessed_on=today,
        created_by=requester,
    )
    codes = {catalogue_code(item["code"]) for item in worked["answers"]["data"]["items"]}
    RequestItem.objects.bulk_create(
        RequestItem(request=sharing_request, item_type=item_type)
        for item_type in DataItemType.objects.filter(code__in=codes)
    )
    transition(sharing_request, "submit", actor=requester)
    return sharing_request


def seed_demo_requests(people: dict[Role, User]) -> int:
    """Create the demo requests once; returns how many were made (0 when they exist already)."""
    requester = people[Role.REQUESTER]
    if SharingRequest.objects.filter(requester=requester).exists():
        return 0
    for spec in DEMO_REQUESTS:
        sharing_request = submit_example(
            example=spec.example,
            title=spec.title,
            recipient=Organisation.objects.get(name=spec.recipient),
            requester=requester,
        )
        for name, role, reasons, conditions in spec.steps:
            transition(sharing_request, name, actor=people[role], comment=reasons, conditions=conditions)
    # A recipient the requester could not find on the list: the IG team adds it from the request page.
    hospice = submit_example(
        example="discharge_to_care_home",
        title="Discharge summary for a hospice admission",
        recipient=None,
        unlisted="Eastshire Hospice",
        requester=requester,
    )
    transition(hospice, "start_review", actor=people[Role.IG_OFFICER])
    draft = sharing_request_create(requester=requester)
    recipient = Organisation.objects.get(name="Healthwatch Northshire")
    sharing_request_save_step(
        sharing_request=draft,
        actor=requester,
        step="purpose",
        values={
            "title": "Patient experience survey results",
            "description": "Share the survey results with Healthwatch for their annual report.",
            "function_served": "Public reporting on patient experience.",
            "category": "other",
            "direct_care": False,
            "urgency": "routine",
            "frequency": "one_off",
            "direction": "outbound",
            "recipient": recipient.pk,
            "background": "",
            "recipient_kind": recipient.kind,
            "recipient_name": recipient.name,
        },
        next_step="data",
    )
    return len(DEMO_REQUESTS) + 2


def seed_access_requests(people: dict[Role, User]) -> None:
    """Subject access, FOI and EIR cases: one due within days, one overdue, one new, and answered ones."""
    if AccessRequest.objects.exists():
        return
    officer = people[Role.IG_OFFICER]
    today = timezone.localdate()

    def case(kind: str, days_ago: int, name: str, description: str) -> AccessRequest:
        return access_request_create(
            actor=officer,
            kind=kind,
            received_on=today - datetime.timedelta(days=days_ago),
            channel="email",
            requester_name=name,
            requester_email=f"{name.split()[0].lower()}@example.org",
            description=description,
            handler=officer,
        )

    due_soon = case(AccessRequestKind.SAR, 26, "Mary Jones", "Copies of my maternity records from 2024.")
    access_request_transition(
        due_soon, "verify_identity", actor=officer, on=due_soon.received_on, method="photo_id"
    )
    overdue = case(
        AccessRequestKind.FOI, 40, "Sam Carter", "How many agency nurses did the trust use in 2025, by month?"
    )
    access_request_transition(overdue, "start", actor=officer)
    case(AccessRequestKind.EIR, 3, "Priya Patel", "Air quality readings around the hospital car park.")
    # Answered in earlier months, one of them late, so the dashboard's deadline chart has a history.
    for kind, received, answered_after, name, asked in (
        (AccessRequestKind.SAR, 120, 25, "Joan Ellis", "My physiotherapy notes."),
        (AccessRequestKind.FOI, 80, 45, "Local News Desk", "Spending on agency staff in 2025."),
        (AccessRequestKind.EIR, 50, 12, "Green Streets Group", "Energy use of the main hospital site."),
    ):
        earlier = case(kind, received, name, asked)
        if kind == AccessRequestKind.SAR:
            access_request_transition(
                earlier, "verify_identity", actor=officer, on=earlier.received_on, method="photo_id"
            )
        access_request_transition(
            earlier,
            "respond",
            actor=officer,
            on=earlier.received_on + datetime.timedelta(days=answered_after),
            outcome="provided_in_full",
            details="",
        )
    # Answered more than three years ago: past the schedule's period, so the disposal list has work.
    for kind, received, name, asked in (
        (AccessRequestKind.SAR, 1500, "Olive Hart", "My outpatient letters from 2021."),
        (AccessRequestKind.SAR, 1450, "Ben Ward", "Copies of my A&E attendance notes."),
        (AccessRequestKind.FOI, 1400, "Data Watch", "Number of data breaches reported in 2021."),
    ):
        old = case(kind, received, name, asked)
        if kind == AccessRequestKind.SAR:
            access_request_transition(
                old, "verify_identity", actor=officer, on=old.received_on, method="known"
            )
        access_request_transition(
            old,
            "respond",
            actor=officer,
            on=old.received_on + datetime.timedelta(days=20),
            outcome="provided_in_full",
            details="",
        )
    # The other rights run on the same one-month clock: an erasure request, identity already known.
    erasure = case(
        AccessRequestKind.ERASURE,
        4,
        "Olive Hart",
        "Erase what you hold from my 2021 request now that it is finished with.",
    )
    access_request_transition(
        erasure, "verify_identity", actor=officer, on=erasure.received_on, method="known"
    )
    # An FOI answered in part under a qualified exemption, its redactions logged, published in the log.
    contracts = case(AccessRequestKind.FOI, 35, "Alex Reporter", "The agency staffing contracts for 2025.")
    access_request_transition(contracts, "start", actor=officer)
    access_request_redaction_add(
        case=contracts,
        actor=officer,
        document="Agency framework call-off contract 2025",
        location="Schedule 3, pages 14 to 16",
        withheld="Hourly rates agreed with each supplier.",
        code="foia_43",
    )
    access_request_transition(
        contracts,
        "respond",
        actor=officer,
        on=today - datetime.timedelta(days=10),
        outcome="provided_in_part",
        details="Contracts released; suppliers' hourly rates withheld.",
        exemptions=["foia_43"],
        public_interest={
            "foia_43": "Releasing the rates would weaken the trust's position at the re-tender next spring; "
            "the total spend, already published, meets the public interest in accountability."
        },
    )
    access_request_update(
        case=contracts,
        actor=officer,
        publish_in_disclosure_log=True,
        disclosure_log_summary="The agency staffing contracts for 2025. Released with suppliers' hourly "
        "rates withheld (commercial interests).",
    )
    answered = case(AccessRequestKind.SAR, 20, "Tom Green", "My GP referral letters from last year.")
    access_request_transition(
        answered, "verify_identity", actor=officer, on=answered.received_on, method="known"
    )
    access_request_transition(
        answered,
        "respond",
        actor=officer,
        on=today - datetime.timedelta(days=2),
        outcome="provided_in_full",
        details="",
    )


def seed_disposals() -> int:
    """Run the disposal sweep once, as the nightly beat would: the old answered cases await the DPO."""
    return disposal_sweep(today=timezone.localdate()).raised


def send_due_reminders() -> int:
    """Run every reminder sweep once, as the beat would have this morning; returns the notifications."""
    now = timezone.now()
    return sum(
        sweep_run(kind=kind, today=timezone.localdate(now), now=now).notifications for kind in sweep_kinds()
    )
