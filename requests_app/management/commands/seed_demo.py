"""Demo data for a newcomer's laptop: one user per role, a few partner organisations, and an entry or two
in each of the DPO's registers (an active ISA with its data flow, a police disclosure, a DPIA waiting for
the SIRO, an open incident), made through the same services and workflow the pages use.

Refuses to run in production settings: demo users have known passwords. Safe to run again: the registers
are seeded only while they are empty.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from igportal.roles import Role, ensure_role_groups, role_grant
from necessity.rules import answers_from_dict, answers_to_dict, assess, result_to_dict
from requests_app.demo import seed_demo_requests
from requests_app.models import (
    Assessment,
    DataFlow,
    DataItemType,
    Disclosure,
    Nation,
    Organisation,
    OrganisationKind,
    OrganisationPolicy,
    OrganisationSettings,
    RequestItem,
    RequestStatus,
    SharingAgreement,
    SharingRequest,
)
from requests_app.services.disclosures import disclosure_record
from requests_app.services.dpias import dpia_create, dpia_risk_add, screening_from_request
from requests_app.services.flows import data_flow_create
from requests_app.services.incidents import incident_create
from requests_app.services.references import reference_allocate
from requests_app.services.workflow import REVIEW_INTERVAL, transition

DEMO_PASSWORD = "demo-password-1234"  # noqa: S105 - printed to the newcomer on purpose; never in production

DEMO_USERS: tuple[tuple[str, str, str, Role], ...] = (
    ("requester", "Riya", "Shah", Role.REQUESTER),
    ("igofficer", "Owen", "Price", Role.IG_OFFICER),
    ("dpo", "Dana", "Okafor", Role.DPO),
    ("caldicott", "Clare", "Evans", Role.CALDICOTT_GUARDIAN),
    ("siro", "Simon", "Reid", Role.SIRO),
    ("auditor", "Ada", "Lowe", Role.AUDITOR),
)

PARTNERS: tuple[tuple[str, OrganisationKind, str, str, str], ...] = (
    (
        "Northshire Community Trust",
        OrganisationKind.NHS_TRUST,
        "RX1",
        "Ivy Green",
        "ig@northshire-community.example",
    ),
    (
        "Riverside Medical Practice",
        OrganisationKind.GP,
        "A81001",
        "Dr Tom Hale",
        "practice.manager@riverside.example",
    ),
    (
        "Northshire County Council",
        OrganisationKind.LOCAL_AUTHORITY,
        "",
        "Adult Safeguarding Hub",
        "safeguarding@northshire-cc.example",
    ),
    (
        "Northshire Constabulary",
        OrganisationKind.POLICE,
        "",
        "Disclosure Unit",
        "disclosures@northshire-police.example",
    ),
    (
        "Healthwatch Northshire",
        OrganisationKind.HEALTHWATCH,
        "",
        "Information Lead",
        "info@healthwatch-northshire.example",
    ),
    ("Northshire University Research Unit", OrganisationKind.RESEARCH_BODY, "", "Data Access Committee", ""),
)


class Command(BaseCommand):
    help = "Create demo users (one per role) and partner organisations. Development only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-users", action="store_true", help="Do not print the demo users.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Walking the demo requests through the workflow sends its notifications when the seeding
        # transaction commits; on a laptop with no mail server they would flood the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._seed(quiet_users=options["quiet_users"])

    @transaction.atomic
    def _seed(self, *, quiet_users: bool) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo refuses to run with IGPORTAL_ENV=production: demo passwords are public."
            )
        ensure_role_groups()
        user_model = get_user_model()
        people = {}
        for username, first, last, role in DEMO_USERS:
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@example.nhs.uk"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            role_grant(user=user, role=role)
            people[role] = user
        for name, kind, ods, contact, email in PARTNERS:
            Organisation.objects.get_or_create(
                name=name,
                defaults={"kind": kind, "ods_code": ods, "contact_name": contact, "contact_email": email},
            )
        portal = OrganisationSettings.load()
        if portal.caldicott_guardian_id is None:
            portal.name = "Northshire Integrated Care Board"
            portal.ods_code = "QXX"
            portal.nation = Nation.ENGLAND
            portal.caldicott_guardian = people[Role.CALDICOTT_GUARDIAN]
            portal.dpo = people[Role.DPO]
            portal.siro = people[Role.SIRO]
            portal.save()
        made = seed_demo_requests(people)
        if made:
            self.stdout.write(
                f"Demo sharing requests: {made}, waiting in the reviewers' queues, and a draft."
            )
        if not (
            SharingAgreement.objects.exists() or DataFlow.objects.exists() or Disclosure.objects.exists()
        ):
            _seed_registers(people)
        if not quiet_users:
            self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
            for username, first, last, role in DEMO_USERS:
                self.stdout.write(f"  {username:<10} {first} {last:<8} {role.label}")


EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"


def _decided_request(
    *, example: str, requester: User, recipient: Organisation, title: str, signers: dict[str, User]
) -> SharingRequest:
    """A request from a worked example, submitted and signed off stage by stage through the workflow."""
    worked = json.loads((EXAMPLES / f"{example}.json").read_text())
    answers = answers_from_dict(worked["answers"])
    today = timezone.localdate()
    in_force = OrganisationPolicy.current()
    result = result_to_dict(assess(answers, today=today, policy=in_force.policy))
    purpose = worked["answers"]["purpose"]
    request = SharingRequest.objects.create(
        reference=reference_allocate(prefix="ISR", year=today.year),
        requester=requester,
        status=RequestStatus.SUBMITTED,
        title=title,
        recipient=recipient,
        purpose_category=purpose["category"],
        urgency=purpose["urgency"],
        frequency=purpose["frequency"],
        direction=purpose["direction"],
        data_form=worked["answers"]["data"]["data_form"],
        answers=worked["answers"],
        stages=result["required_signoffs"],
        submitted_at=timezone.now(),
    )
    Assessment.objects.create(
        request=request,
        number=1,
        answers=answers_to_dict(answers),
        result=result,
        rules_version=result["rules_version"],
        policy=in_force,
        outcome=result["outcome"],
        risk=result["risk"],
        dpia_required=result["dpia_required"],
        isa_required=result["isa_required"],
        required_signoffs=result["required_signoffs"],
        assessed_on=today,
        created_by=requester,
    )
    codes = {item["code"] for item in worked["answers"]["data"]["items"]}
    RequestItem.objects.bulk_create(
        RequestItem(request=request, item_type=item_type)
        for item_type in DataItemType.objects.filter(code__in=codes)
    )
    transition(request, "start_review", actor=signers["ig_dpo"])
    for stage in request.stages:
        transition(request, "approve", actor=signers[stage], comment="Demo: approved as the engine advised.")
    return request


def _seed_registers(people: dict[Role, User]) -> None:
    """One entry or more in every register, each made the way the pages make it."""
    today = timezone.localdate()
    requester, officer, dpo = people[Role.REQUESTER], people[Role.IG_OFFICER], people[Role.DPO]
    signers = {
        "ig_dpo": officer,
        "caldicott_guardian": people[Role.CALDICOTT_GUARDIAN],
        "siro": people[Role.SIRO],
    }
    trust = Organisation.objects.get(name="Northshire Community Trust")
    police = Organisation.objects.get(name="Northshire Constabulary")

    routine = _decided_request(
        example="commissioning_extract_pseudonymise",
        requester=requester,
        recipient=trust,
        title="Monthly cardiology activity extract for service planning",
        signers=signers,
    )
    flow = data_flow_create(
        sharing_request=routine,
        actor=officer,
        name="Monthly cardiology activity extract",
        source_asset="Cardiology patient administration system",
        asset_owner=officer,
        schedule="monthly",
        next_review_on=today + REVIEW_INTERVAL,
        data_form="pseudonymised",
        data_items=DataItemType.objects.filter(code__in=["nhs_number", "health_data", "admission_dates"]),
        art6="e_public_task",
        art9="h_health_social_care",
        confidentiality_basis="section_251",
        transfer_method="secure_file_transfer",
        agreement=None,
        new_agreement=True,
    )
    assert flow.agreement is not None
    draft = flow.agreement.versions.get()
    transition(draft, "submit_for_approval", actor=officer)
    transition(draft, "approve", actor=signers["caldicott_guardian"], comment="Demo: proportionate.")

    police_request = _decided_request(
        example="police_admission_dates",
        requester=requester,
        recipient=police,
        title="Police request for admission dates (assault enquiry)",
        signers=signers,
    )
    disclosure_record(
        sharing_request=police_request,
        actor=requester,
        information="Admission and discharge dates for October 2026.",
        disclosed_on=today,
        art6="e_public_task",
        art9="g_substantial_public_interest",
        confidentiality_basis="overriding_public_interest",
        transfer_method="secure_email",
        police_officer="DC J. Smith, County Police",
        police_reference="4471 / CR/2026/118822",
        police_requested="Admission and discharge dates and diagnosis for the named patient.",
        police_given="Admission and discharge dates only; the diagnosis was not necessary.",
        police_acknowledgement="Signed receipt on the police request form",
        police_acknowledged_on=today,
    )

    dpia = dpia_create(
        actor=officer,
        title="Monthly cardiology activity extract",
        screening=screening_from_request(routine),
        sharing_request=routine,
        processing_description="A monthly pseudonymised extract of cardiology activity to the ICB.",
        necessity_assessment="Episodes must be linked per patient; nobody needs to know who they are.",
    )
    dpia_risk_add(
        dpia=dpia,
        actor=officer,
        description="Re-identification by linking the extract with other ICB data.",
        likelihood=2,
        severity=3,
        mitigation="Pseudonymised at source; the key stays with the trust; small numbers suppressed.",
        residual_likelihood=1,
        residual_severity=2,
    )
    transition(dpia, "submit_for_advice", actor=officer)
    transition(dpia, "give_advice", actor=dpo, comment="Demo: proportionate; review in a year.")

    incident_create(
        actor=officer,
        kind="breach",
        category="disclosed_in_error",
        title="Discharge letter sent to the wrong GP practice",
        description="A discharge letter was posted to a practice the patient left last year.",
        occurred_at=timezone.now() - datetime.timedelta(hours=40),
        aware_at=timezone.now() - datetime.timedelta(hours=30),
        likelihood=3,
        severity=2,
        people_affected=1,
        ico_reportable=True,
        flow=None,
        request=None,
    )
