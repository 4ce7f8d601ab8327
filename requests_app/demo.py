"""Demo sharing requests for a newcomer's laptop, walked through the real services.

Built from the worked examples in docs/examples, so the queues, the request pages and the decision
records show what the engine really decides. Only ``seed_demo`` calls this (it refuses production).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from igportal.roles import Role
from necessity.rules import answers_from_dict, answers_to_dict, assess, result_to_dict
from requests_app.models import Assessment, Organisation, OrganisationPolicy, SharingRequest
from requests_app.services.references import reference_allocate
from requests_app.services.sharing import sharing_request_create, sharing_request_save_step
from requests_app.services.workflow import transition
from requests_app.workflow import ordered_stages

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"


@dataclass(frozen=True)
class DemoRequest:
    example: str
    title: str
    recipient: str
    # (transition, who fires it, reasons, conditions) after submission
    steps: tuple[tuple[str, Role, str, str], ...]


DEMO_REQUESTS = (
    DemoRequest("police_admission_dates", "Admission dates for a CID enquiry", "Northshire Constabulary", ()),
    DemoRequest(
        "safeguarding_referral",
        "Child protection referral to the safeguarding hub",
        "Northshire County Council",
        (("start_review", Role.IG_OFFICER, "", ""), ("approve", Role.IG_OFFICER, "", "")),
    ),
    DemoRequest(
        "gp_referral_direct_care",
        "Referral letter to the patient's GP",
        "Riverside Medical Practice",
        (
            ("start_review", Role.IG_OFFICER, "", ""),
            ("approve", Role.DPO, "", ""),
        ),
    ),
)


def _submit_example(spec: DemoRequest, requester: User) -> SharingRequest:
    example = json.loads((EXAMPLES / f"{spec.example}.json").read_text())
    answers = answers_from_dict(example["answers"])
    in_force = OrganisationPolicy.current()
    result = assess(answers, today=timezone.localdate(), policy=in_force.policy)
    purpose = example["answers"]["purpose"]
    sharing_request = SharingRequest.objects.create(
        reference=reference_allocate(prefix="ISR", year=timezone.localdate().year),
        requester=requester,
        title=spec.title,
        recipient=Organisation.objects.get(name=spec.recipient),
        purpose_category=purpose["category"],
        urgency=purpose["urgency"],
        frequency=purpose["frequency"],
        direction=purpose["direction"],
        data_form=example["answers"]["data"]["data_form"],
        stages=ordered_stages([stage.value for stage in result.required_signoffs]),
        submitted_at=timezone.now() - datetime.timedelta(days=2),
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
        assessed_on=timezone.localdate(),
        created_by=requester,
    )
    transition(sharing_request, "submit", actor=requester)
    return sharing_request


def seed_demo_requests(people: dict[Role, User]) -> int:
    """Create the demo requests once; returns how many were made (0 when they exist already)."""
    requester = people[Role.REQUESTER]
    if SharingRequest.objects.filter(requester=requester).exists():
        return 0
    for spec in DEMO_REQUESTS:
        sharing_request = _submit_example(spec, requester)
        for name, role, reasons, conditions in spec.steps:
            transition(sharing_request, name, actor=people[role], comment=reasons, conditions=conditions)
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
    return len(DEMO_REQUESTS) + 1
