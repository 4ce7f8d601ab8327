"""Demo data for a newcomer's laptop: one user per role, a few partner organisations, a sharing request in
every state, access requests due soon and overdue, and entries in each of the DPO's registers (an ISA in
force, data flows, one with its review overdue, a police disclosure and a refusal, DPIAs,
incidents, a withdrawal of consent), made through the same services and workflow the pages use; then the
reminder sweeps run once, so the reminders they owe today are already sent.

Refuses to run in production settings: demo users have known passwords. Safe to run again: the registers
are seeded only while they are empty.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Model
from django.test import override_settings
from django.utils import timezone

from igportal.roles import Role, ensure_role_groups, role_grant
from requests_app.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    demo_users_table,
    seed_access_requests,
    seed_demo_requests,
    seed_disposals,
    send_due_reminders,
    submit_example,
)
from requests_app.models import (
    AccessRequest,
    DataFlow,
    DataItemType,
    Disclosure,
    InformationAsset,
    Nation,
    Organisation,
    OrganisationKind,
    OrganisationSettings,
    SharingAgreement,
    SharingRequest,
    SignOffStage,
)
from requests_app.services.assets import asset_create, processor_create
from requests_app.services.consent import consent_withdrawal_record
from requests_app.services.disclosures import disclosure_record
from requests_app.services.dpias import dpia_create, dpia_risk_add, screening_from_request
from requests_app.services.flows import data_flow_create
from requests_app.services.incidents import incident_create
from requests_app.services.isas import (
    STANDARD_BREACH_HANDLING,
    STANDARD_SECURITY,
    STANDARD_SUBJECT_RIGHTS,
    agreement_create,
    signature_requests_send,
    signature_sign,
)
from requests_app.services.organisations import signatory_add
from requests_app.services.workflow import REVIEW_INTERVAL, transition
from requests_app.workflow import ordered_stages

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
        # No email on record: a withdrawal of consent lists the practice for the IG team to tell by phone.
        "",
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
        if not (
            SharingAgreement.objects.exists() or DataFlow.objects.exists() or Disclosure.objects.exists()
        ):
            _seed_registers(people)
        seed_access_requests(people)
        seed_disposals()
        reminders = send_due_reminders()
        if made:
            self.stdout.write(
                f"Demo data: {SharingRequest.objects.count()} sharing requests in every state, the registers,"
                f" {AccessRequest.objects.count()} access requests and {reminders} reminders sent."
            )
        if not quiet_users:
            self.stdout.write("Demo users:")
            self.stdout.write("\n".join(demo_users_table()))


Made = TypeVar("Made", bound=Model)


def _walk(entry: Made, *moves: tuple[str, User] | tuple[str, User, str]) -> Made:
    """Take an entry just made through the workflow, one (move, who[, why]) at a time, as the pages do."""
    for name, actor, *comment in moves:
        transition(cast(Any, entry), name, actor=actor, comment=comment[0] if comment else "")
    return entry


def _decided_request(
    *, example: str, requester: User, recipient: Organisation, title: str, signers: dict[str, User]
) -> SharingRequest:
    """A request from a worked example, submitted and signed off stage by stage through the workflow."""
    request = submit_example(
        example=example, title=title, recipient=recipient, requester=requester, days_ago=9
    )
    approvals = [
        ("approve", signers[stage], "Demo: approved as the engine advised.") for stage in request.stages
    ]
    return _walk(request, ("start_review", signers["ig_dpo"]), *approvals)


def _decided_flow(
    *,
    title: str,
    requester: User,
    recipient: Organisation,
    signers: dict[str, User],
    data_items: list[str],
    **flow: Any,
) -> DataFlow:
    """A pseudonymised commissioning extract, decided through the workflow and registered as a data flow
    by the IG officer, as the flow page registers one."""
    officer = signers["ig_dpo"]
    request = _decided_request(
        example="commissioning_extract_pseudonymise",
        requester=requester,
        recipient=recipient,
        title=title,
        signers=signers,
    )
    return data_flow_create(
        sharing_request=request,
        actor=officer,
        asset_owner=officer,
        next_review_on=timezone.localdate() + REVIEW_INTERVAL,
        data_form="pseudonymised",
        data_items=DataItemType.objects.filter(code__in=data_items),
        art6="e_public_task",
        art9="h_health_social_care",
        confidentiality_basis="section_251",
        transfer_method="secure_file_transfer",
        **flow,
    )


def _seed_assets(people: dict[Role, User]) -> InformationAsset:
    """The asset register: two processors, assets in use with and without a DPIA screening, a draft."""
    owner, officer = people[Role.INFORMATION_ASSET_OWNER], people[Role.IG_OFFICER]
    today = timezone.localdate()
    hosting = processor_create(
        actor=officer,
        name="Northshire Digital Hosting Ltd",
        services="Hosts the patient administration system",
        contact="dpo@hosting.example",
        contract_reference="DPC-2025-014",
        contract_start_on=today - datetime.timedelta(days=400),
        contract_end_on=today + datetime.timedelta(days=45),
    )
    processor_create(
        actor=officer,
        name="Secure Shredding Services",
        services="Collects and destroys confidential paper waste",
        contract_reference="DPC-2024-003",
        contract_start_on=today - datetime.timedelta(days=700),
        contract_end_on=today + datetime.timedelta(days=300),
    )
    common: dict[str, Any] = {
        "owner": owner,
        "administrator": officer,
        "delegate": None,
        "asset_format": "system",
        "sensitivity": "official_sensitive",
        "art6": "e_public_task",
        "art9": "h_health_social_care",
        "confidentiality_basis": "implied_consent",
        "special_category": True,
        "dspt_critical": True,
        "security_measures": "Smartcard access by role, audit trail reviewed monthly, encrypted at rest.",
        "next_review_on": today + REVIEW_INTERVAL,
        "retention_review_on": today + REVIEW_INTERVAL,
        "dpia": None,
    }
    cardiology = asset_create(
        actor=owner,
        name="Cardiology patient administration system",
        description="Referrals, appointments and procedures of the cardiology service.",
        business_area="Cardiology",
        location="Northshire PAS, cardiology module",
        data_subjects="Patients referred to cardiology",
        data_categories="Demographics, NHS number, appointments, procedures, diagnoses",
        retention_period="8 years after the conclusion of treatment",
        retention_authority="NHS Records Management Code of Practice 2023, adult health records",
        processors=[hosting],
        **common,
    )
    _walk(cardiology, ("activate", owner))
    maternity = asset_create(
        actor=owner,
        name="Maternity records",
        description="Antenatal, birth and postnatal care records.",
        business_area="Women's services",
        location="Maternity EPR",
        data_subjects="Mothers and their babies",
        data_categories="Demographics, care records, safeguarding notes",
        retention_period="25 years after the birth of the last child",
        retention_authority="NHS Records Management Code of Practice 2023, maternity records",
        **common,
    )
    _walk(maternity, ("activate", owner))
    # A request that draws on the maternity records, waiting for their owner's authorisation.
    discharge = submit_example(
        example="discharge_to_care_home",
        title="Discharge summary for a care home placement",
        recipient=Organisation.objects.order_by("name").first() or Organisation.objects.get(),
        requester=people[Role.REQUESTER],
        days_ago=1,
    )
    discharge.assets.set([maternity])
    discharge.stages = ordered_stages([*discharge.stages, SignOffStage.IAO])
    discharge.save(update_fields=["stages"])
    _walk(discharge, ("start_review", officer))
    asset_create(
        actor=owner,
        name="Physiotherapy paper referrals",
        description="Paper referral letters awaiting scanning.",
        business_area="Therapies",
        location="Therapies office, locked cabinet",
        data_subjects="Patients referred to physiotherapy",
        data_categories="Demographics, referral reasons",
        retention_period="Until scanned and checked, then destroyed",
        retention_authority="NHS Records Management Code of Practice 2023, scanned records",
        **{**common, "asset_format": "paper", "dspt_critical": False},
    )
    return cardiology


def _seed_signatories(officer: User, trust: Organisation, council: Organisation) -> None:
    """Each partner's signatory and assurance: every party signs an ISA, so each needs someone who signs."""
    signatory_add(
        organisation=trust,
        actor=officer,
        name="Ivy Green",
        role="dpo",
        email="ig@northshire-community.example",
    )
    signatory_add(
        organisation=council,
        actor=officer,
        name="Sam Reed",
        role="caldicott_guardian",
        email="sam@northshire-cc.example",
    )
    today = timezone.localdate()
    # Assurance as recorded: the trust is current; the council's ICO registration ran out last month.
    Organisation.objects.filter(pk=trust.pk).update(
        dspt_status="met",
        dspt_published_on=today - datetime.timedelta(days=150),
        ico_registration="Z1234567",
        ico_expires_on=today + datetime.timedelta(days=200),
        assurance_contact="Ivy Green, DPO",
    )
    Organisation.objects.filter(pk=council.pk).update(
        dspt_status="approaching",
        dspt_published_on=today - datetime.timedelta(days=150),
        ico_registration="ZA765432",
        ico_expires_on=today - datetime.timedelta(days=20),
        assurance_contact="Sam Reed, Caldicott Guardian",
    )


def _seed_joint_agreement(officer: User, trust: Organisation, council: Organisation) -> None:
    """A joint agreement out for signature with both partners and us (its links emailed)."""
    today = timezone.localdate()
    joint = agreement_create(
        actor=officer,
        title="Hospital discharge support",
        parties=[trust, council],
        data_items=DataItemType.objects.filter(code__in=["nhs_number", "health_data"]),
        purpose="Plan care and support for people leaving hospital.",
        art6="e_public_task",
        art9="h_health_social_care",
        confidentiality_basis="implied_consent",
        data_subjects="Patients discharged who need care and support at home.",
        data_form="identifiable",
        transfer_method="secure_email",
        security_measures=STANDARD_SECURITY,
        retention="Two years after discharge.",
        subject_rights=STANDARD_SUBJECT_RIGHTS,
        onward_sharing_prohibited=True,
        breach_handling=STANDARD_BREACH_HANDLING,
        start_on=today,
        review_on=today + REVIEW_INTERVAL,
    )
    _walk(joint, ("send_for_signature", officer))
    signature_requests_send(version_id=joint.pk)


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

    cardiology = _seed_assets(people)
    flow = _decided_flow(
        title="Monthly cardiology activity extract for service planning",
        requester=requester,
        recipient=trust,
        signers=signers,
        data_items=["nhs_number", "health_data", "admission_dates"],
        name="Monthly cardiology activity extract",
        source_asset="Cardiology patient administration system",
        schedule="monthly",
        agreement=None,
        new_agreement=True,
        asset=cardiology,
    )
    routine = flow.request
    assert flow.agreement is not None
    council = Organisation.objects.get(name="Northshire County Council")
    _seed_signatories(officer, trust, council)
    # The Caldicott Guardian's approval is our signature; the trust's DPO signs through her link, and the
    # agreement (and the flow under it) comes into force with every party's signature.
    draft = _walk(
        flow.agreement.versions.get(),
        ("submit_for_approval", officer),
        ("approve", signers["caldicott_guardian"], "Demo: proportionate."),
    )
    signature_sign(
        signature=draft.signatures.get(organisation=trust),
        name="Ivy Green",
        role="Data Protection Officer",
        declaration=True,
        http_request=None,
    )
    _seed_joint_agreement(officer, trust, council)

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
    _walk(
        dpia, ("submit_for_advice", officer), ("give_advice", dpo, "Demo: proportionate; review in a year.")
    )

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

    # A second flow under the same ISA, registered a year ago: its review is overdue, so the sweep
    # escalates it to the DPO and the dashboard counts it.
    overdue_flow = _decided_flow(
        title="Weekly stroke pathway activity for the ICB",
        requester=requester,
        recipient=trust,
        signers=signers,
        data_items=["nhs_number", "health_data"],
        name="Weekly stroke pathway activity",
        source_asset="Stroke unit patient administration system",
        schedule="weekly",
        agreement=flow.agreement,
        new_agreement=False,
    )
    # Demo only: the register as it would stand a year on, without waiting a year.
    DataFlow.objects.filter(pk=overdue_flow.pk).update(next_review_on=today - datetime.timedelta(days=12))

    # A police request the Caldicott Guardian refused, and its refusal in the disclosure log [004 6.8.3].
    refused = submit_example(
        example="police_admission_dates",
        title="Police request for a patient's full record (missing person)",
        recipient=police,
        requester=requester,
        days_ago=6,
    )
    _walk(
        refused,
        ("start_review", officer),
        ("approve", officer),
        (
            "reject",
            signers["caldicott_guardian"],
            "The whole record is not necessary to find the person; the police were told what is.",
        ),
    )
    disclosure_record(
        sharing_request=refused,
        actor=officer,
        information="The patient's full medical record.",
        disclosed_on=today,
        refusal_rationale="Not necessary for the enquiry: the police need only the last contact date,"
        " which was given under a separate request.",
        police_officer="PC A. Khan, County Police",
        police_reference="5510 / MP/2026/0042",
        police_requested="The full medical record of a missing person.",
        police_acknowledgement="Email from the officer",
        police_acknowledged_on=today,
    )

    incident_create(
        actor=dpo,
        kind="near_miss",
        category="disclosed_in_error",
        title="Spreadsheet with patient names nearly emailed to a supplier",
        description="Caught by the sender's check before sending; the supplier needed counts only.",
        occurred_at=timezone.now() - datetime.timedelta(days=12),
        aware_at=timezone.now() - datetime.timedelta(days=12),
        likelihood=1,
        severity=2,
        people_affected=0,
        ico_reportable=False,
        flow=None,
        request=None,
    )

    # The GP referral was sent with the patient's explicit consent, which the patient later withdrew:
    # the withdrawal names that disclosure, and the practice is told [001 s6].
    referral = SharingRequest.objects.get(title="Referral letter to the patient's GP")
    consented = disclosure_record(
        sharing_request=referral,
        actor=requester,
        information="Referral letter with the clinic's findings.",
        disclosed_on=today - datetime.timedelta(days=3),
        art6="e_public_task",
        art9="h_health_social_care",
        confidentiality_basis="explicit_consent",
        transfer_method="secure_email",
    )
    consent_withdrawal_record(
        actor=officer,
        subject_reference="MC-2026-117",
        withdrawn_on=today - datetime.timedelta(days=1),
        disclosures=[consented],
        notes="The patient asked the clinic to share nothing more with the practice without asking first.",
    )
