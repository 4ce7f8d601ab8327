"""Demo data for a newcomer's laptop: one user per role and a few partner organisations.

Refuses to run in production settings: demo users have known passwords.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import override_settings

from igportal.roles import Role, ensure_role_groups, role_grant
from requests_app.demo import seed_demo_requests
from requests_app.models import Nation, Organisation, OrganisationKind, OrganisationSettings

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
        if not quiet_users:
            self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
            for username, first, last, role in DEMO_USERS:
                self.stdout.write(f"  {username:<10} {first} {last:<8} {role.label}")
