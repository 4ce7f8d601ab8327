"""Seed a PostgreSQL database with five years of an ICB's information governance work (issue 10).

At ``scale=1.0``: 200 organisations, 500 people across the roles, 100,000 sharing requests with their
assessments, sign-offs, history, comments, decision records and the object permissions the workflow
grants, 20,000 data flows, 5,000 ISAs with versions, 2,000 information assets and 500 processors with
their contracts (the assets linked to the flows and requests that draw on them, and their owners signing
those requests first), 50,000 access requests, the reminder milestones the sweeps would have planned, and
about 2,000,000 audit events whose hash chain ``verify_audit`` accepts.
Every count scales linearly with ``scale``.

The rows are what the product's own services would have written, built in Python and loaded with
PostgreSQL ``COPY``: the services write one row (and take the audit chain's lock) at a time, which
would take hours at this size. So this module repeats their rules rather than calling them, and
reuses the product's pure parts where the values matter: the rules engine assesses every answer
set for the day it was submitted, ``requests_app.deadlines`` gives the statutory dates, the reminder
sources' milestone functions name the milestones, ``canonical_event_json`` is what each audit hash
covers, ``record_name`` names the decision records. Permissions are granted for the reason
``services.workflow._grant_stage_access`` grants them: a request reaching a stage is shown to that
stage's role groups.

    from bench.seed import seed, personas
    summary = seed(scale=1.0, rng_seed=2026, log=print)   # on a migrated, empty igportal_bench* database
    people = personas()                                   # the benchmark's users and a request to open

or ``python -m bench.seed --scale 0.05``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import random
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from bench import is_scratch_database

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATABASE_PREFIX = "igportal_bench"
# Starting with "!" makes it an unusable password: the benchmark makes its sessions directly.
UNUSABLE_PASSWORD = "!bench-user-without-a-password"  # noqa: S105 - not a secret, the opposite of one
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0 Safari/537.36"
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
YEARS = 5

# Counts at scale 1.0.
ORGANISATIONS = 200
USERS = 500
SHARING_REQUESTS = 100_000
DATA_FLOWS = 20_000
AGREEMENTS = 5_000
ACCESS_REQUESTS = 50_000
ASSETS = 2_000
PROCESSORS = 500
# The share of decided requests that drew on a registered asset, so its owner signed first.
ASSET_REQUEST_SHARE = 0.15
# Requests still open at scale 1.0, by status: a few hundred in each queue.
OPEN_REQUESTS = {
    "draft": 300,
    "submitted": 120,
    "awaiting_iao": 60,
    "ig_review": 250,
    "changes_requested": 80,
    "awaiting_caldicott": 220,
    "awaiting_siro": 60,
}
# The people at scale 1.0 besides the requesters (one DPO, Caldicott Guardian and SIRO are named in the
# organisation's settings; the others are deputies who may sign too).
ROLE_HEADCOUNT = {
    "ig_officer": 24,
    "dpo": 3,
    "caldicott_guardian": 3,
    "siro": 2,
    "auditor": 4,
    "information_asset_owner": 60,
}
# Roles with no persona among the benchmark's users: at least one of each at any scale.
WITHOUT_PERSONA = frozenset({"auditor", "information_asset_owner"})
# The benchmark's requester raises about 1.1% of the requests, so their list holds about 1,100.
PERSONA_SHARE = 0.011
PERSONA_USERNAMES = {
    "requester": "bench.requester",
    "caldicott": "bench.caldicott",
    "dpo": "bench.dpo",
    "ig": "bench.ig",
    "siro": "bench.siro",
}

Log = Callable[[str], None]

WIZARD_STEPS = (
    "purpose",
    "safeguarding",
    "data",
    "items",
    "police",
    "lawful_basis",
    "special_category",
    "legitimate_relationship",
    "necessity",
    "proportionality",
    "transfer",
    "dpia_screening",
    "caldicott",
)
# The statuses in which a request waits for someone (``requests_app.reminders.signoffs``).
WAITING = frozenset({"submitted", "awaiting_iao", "ig_review", "awaiting_caldicott", "awaiting_siro"})
# Who is granted view on a request when it reaches a status (``services.workflow._grant_stage_access``).
STAGE_GROUPS = {
    "ig_review": ("ig_officer", "dpo"),
    "awaiting_caldicott": ("caldicott_guardian",),
    "awaiting_siro": ("siro",),
}
ROLE_OF_GROUP = {
    "ig_officer": "ig_officer",
    "dpo": "dpo",
    "caldicott_guardian": "caldicott_guardian",
    "siro": "siro",
}
COMMENTS = (
    "Can you confirm the recipient's secure email address?",
    "Attached the privacy notice wording we use for this.",
    "The clinical lead has confirmed the items are needed.",
    "Please check the retention period with the recipient.",
    "Discussed with the team: the pseudonymised extract would not serve here.",
    "Recipient confirmed they will not share the data onwards.",
)


class SeedRefused(Exception):
    """The database is not one the seed may write to."""


# --- answer sets -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One of the handful of answer sets requests are made from: a worked example, maybe adjusted."""

    key: str
    example: str
    title: str
    weight: int
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Routine or bulk sharing that, once approved, the IG team registers as a data flow.
    becomes_flow: bool = False


VARIANTS = (
    Variant("gp_referral", "gp_referral_direct_care", "Referral letter to the patient's GP", 22),
    Variant(
        "discharge_feed",
        "gp_referral_direct_care",
        "Daily discharge summaries to GP practices",
        0,
        {
            "purpose": {
                "description": "Discharge summaries sent to the registered GP practice every day.",
                "frequency": "routine",
            }
        },
        becomes_flow=True,
    ),
    Variant("aggregated", "aggregated_statistics_short_path", "Quarterly activity statistics", 10),
    Variant(
        "aggregated_feed",
        "aggregated_statistics_short_path",
        "Monthly aggregate waiting list counts",
        0,
        {"purpose": {"frequency": "routine"}},
        becomes_flow=True,
    ),
    Variant(
        "commissioning",
        "commissioning_extract_pseudonymise",
        "Pseudonymised activity extract for commissioning",
        8,
        becomes_flow=True,
    ),
    Variant("police", "police_admission_dates", "Admission dates for a police enquiry", 10),
    Variant("safeguarding", "safeguarding_referral", "Referral to the safeguarding hub", 14),
    Variant("consent_withdrawn", "consent_withdrawn", "Sharing that relied on withdrawn consent", 5),
    Variant("research", "research_without_consent_or_s251", "Identifiable extract for a research study", 4),
)
VARIANTS_BY_KEY = {variant.key: variant for variant in VARIANTS}


def _merge(base: dict[str, Any], changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for section, values in changes.items():
        merged[section] = {**(merged.get(section) or {}), **values}
    return merged


@dataclass(frozen=True)
class Assessed:
    """An answer set as the engine assessed it on one day, serialised once for every request that uses it."""

    answers_json: str
    result_json: str
    rules_version: str
    outcome: str
    risk: str
    dpia_required: bool
    isa_required: bool
    required_signoffs: list[str]
    required_json: str
    stages: list[str]
    purpose: dict[str, Any]
    data_form: str
    lawful_basis: dict[str, Any]
    transfer_method: str
    # The wizard steps the requester saved, in the wizard's order.
    steps: list[str]


def _saved_steps(answers: dict[str, Any]) -> list[str]:
    """The wizard's steps that a request with these answers went through (``necessity.steps``)."""
    lawful = answers.get("lawful_basis") or {}
    present = {name for name, value in answers.items() if value is not None}
    if lawful.get("art9") not in (None, "", "none"):
        present.add("special_category")
    present.add("items")
    return [name for name in WIZARD_STEPS if name in present]


class Assessor:
    """Runs the real rules engine, once per answer set and day (consent's age depends on the day)."""

    def __init__(self) -> None:
        from django.conf import settings

        from requests_app.workflow import ordered_stages

        self._ordered_stages = ordered_stages
        examples = Path(settings.BASE_DIR) / "docs" / "examples"
        self._answers = {
            variant.key: _merge(
                json.loads((examples / f"{variant.example}.json").read_text())["answers"], variant.changes
            )
            for variant in VARIANTS
        }
        self._cache: dict[tuple[str, date], Assessed] = {}
        from requests_app.models import OrganisationPolicy

        in_force = OrganisationPolicy.current()
        self.policy_id = in_force.version  # the assessment's key is the version number
        self._policy = in_force.policy

    def stages(self, key: str) -> list[str]:
        return self.assess(key, date(2026, 1, 5)).stages

    def assess(self, key: str, day: date) -> Assessed:
        cached = self._cache.get((key, day))
        if cached is not None:
            return cached
        from necessity.rules import answers_from_dict, answers_to_dict, assess, result_to_dict

        raw = copy.deepcopy(self._answers[key])
        lawful = raw.get("lawful_basis") or {}
        if lawful.get("consent_date"):
            # Consent recorded a few weeks before the request, as the example has it, whatever the year.
            lawful["consent_date"] = (day - timedelta(days=14)).isoformat()
        answers = answers_from_dict(raw)
        result = assess(answers, today=day, policy=self._policy)
        required = [stage.value for stage in result.required_signoffs]
        answers_dict = answers_to_dict(answers)
        assessed = Assessed(
            answers_json=json.dumps(answers_dict),
            result_json=json.dumps(result_to_dict(result)),
            rules_version=result.rules_version,
            outcome=result.outcome.value,
            risk=result.risk.value,
            dpia_required=result.dpia_required,
            isa_required=result.isa_required,
            required_signoffs=required,
            required_json=json.dumps(required),
            stages=self._ordered_stages(required),
            purpose=answers_dict["purpose"],
            data_form=answers_dict["data"]["data_form"],
            lawful_basis=answers_dict.get("lawful_basis") or {},
            transfer_method=(answers_dict.get("transfer") or {}).get("method", "sftp"),
            steps=_saved_steps(answers_dict),
        )
        self._cache[(key, day)] = assessed
        return assessed


# --- loading rows ------------------------------------------------------------------------------------------


class Loader:
    """COPY rows into a model's table with explicit ids, and set the id sequence after."""

    def __init__(self, log: Log) -> None:
        from django.db import connection

        connection.ensure_connection()
        self._connection = connection.connection
        self._log = log
        self.counts: dict[str, int] = defaultdict(int)

    def next_id(self, model: Any) -> int:
        table = model._meta.db_table
        with self._connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - a model's table
            row = cursor.fetchone()
        assert row is not None
        return int(row[0])

    def copy(
        self, model: Any, fields: Sequence[str], rows: Iterable[Sequence[Any]], *, kind: str = ""
    ) -> int:
        """Load ``rows`` (values in the order of ``fields``, attnames such as ``request_id``)."""
        meta = model._meta
        by_attname = {f.attname: f.column for f in meta.concrete_fields}
        columns = ", ".join(by_attname[name] for name in fields)
        count = 0
        with self._connection.cursor() as cursor:
            with cursor.copy(f"COPY {meta.db_table} ({columns}) FROM STDIN") as stream:
                for row in rows:
                    stream.write_row(row)
                    count += 1
            if "id" in fields:
                table = meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608 - a model's table
                )
        if kind:
            self.counts[kind] += count
        return count

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._connection.cursor() as cursor:
            cursor.execute(sql, params)


# --- the seed ----------------------------------------------------------------------------------------------


def _scaled(count: int, scale: float) -> int:
    return max(1, round(count * scale))


def _check_database(allow_any_database: bool) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SeedRefused(
            f"The benchmark seed needs PostgreSQL; the default database is {connection.vendor}."
        )
    name = str(connection.settings_dict["NAME"])
    if not allow_any_database and not is_scratch_database(name):
        raise SeedRefused(
            f"Refusing to seed database {name!r}: the benchmark seed writes only to databases whose name "
            f"starts with {BENCH_DATABASE_PREFIX!r} or has bench as a word "
            "(pass allow_any_database=True to override)."
        )
    from django.contrib.auth.models import User

    from requests_app.models import SharingRequest

    if SharingRequest.objects.exists() or User.objects.filter(username__startswith="bench.").exists():
        raise SeedRefused(f"Database {name!r} already holds requests or benchmark users: seed an empty one.")


def seed(
    *, scale: float = 1.0, rng_seed: int = 2026, log: Log = print, allow_any_database: bool = False
) -> dict[str, int]:
    """Fill the default database (PostgreSQL, migrated, empty) and return the rows made per kind."""
    if scale <= 0:
        raise ValueError("scale must be positive.")
    _check_database(allow_any_database)
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic():
        seeder = _Seeder(scale=scale, rng=random.Random(rng_seed), log=log)
        seeder.run()
    phase = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"analyze: {time.perf_counter() - phase:.1f}s")
    log(f"seed: done in {time.perf_counter() - started:.1f}s")
    return dict(seeder.loader.counts)


def personas() -> dict[str, object]:
    """The benchmark's people, looked up by username, and the reference of a request awaiting the
    Caldicott Guardian with a typical history (sign-off, comments, history rows)."""
    from django.contrib.auth.models import User
    from django.db.models import Count

    from requests_app.models import RequestStatus, SharingRequest

    people: dict[str, object] = {
        key: User.objects.get(username=username)
        for key, username in PERSONA_USERNAMES.items()
        if key != "siro"
    }
    detail = (
        SharingRequest.objects.filter(status=RequestStatus.AWAITING_CALDICOTT, comments__isnull=False)
        .annotate(history_rows=Count("history", distinct=True))
        .filter(history_rows__gte=3)
        .order_by("id")
        .values_list("reference", flat=True)
        .first()
    )
    if detail is None:
        raise LookupError("No request awaits the Caldicott Guardian: seed the database first.")
    people["detail_reference"] = detail
    return people


@dataclass
class _Person:
    id: int
    username: str
    full_name: str
    ip: str


@dataclass
class _Event:
    """An audit event before it joins the chain; sorted by time, then by the order it was made."""

    at: int  # microseconds since the epoch
    order: int
    actor: _Person | None
    action: str
    target_type: str
    target_id: str
    target_label: str
    detail: dict[str, Any]


class _Seeder:
    def __init__(self, *, scale: float, rng: random.Random, log: Log) -> None:
        from django.utils import timezone

        self.scale = scale
        self.rng = rng
        self.log = log
        self.loader = Loader(log)
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.today = timezone.localdate(self.now)
        self.start = self.now - timedelta(days=365 * YEARS)
        self.events: list[_Event] = []
        self._phase_started = time.perf_counter()
        self.assessor = Assessor()

    # -- helpers --

    def phase(self, name: str) -> None:
        now = time.perf_counter()
        self.log(f"{name}: {now - self._phase_started:.1f}s")
        self._phase_started = now

    def event(
        self,
        at: datetime,
        actor: _Person | None,
        action: str,
        target_type: str,
        target_id: int,
        target_label: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        micros = (at - EPOCH) // timedelta(microseconds=1)
        self.events.append(
            _Event(
                micros,
                len(self.events),
                actor,
                action,
                target_type,
                str(target_id),
                target_label,
                detail or {},
            )
        )

    def when(self, earliest: datetime, latest: datetime) -> datetime:
        """A moment between two others, with microseconds, as the database stores them."""
        span = max(0, int((latest - earliest) / timedelta(microseconds=1)))
        return earliest + timedelta(microseconds=self.rng.randint(0, span))

    def growing(self, earliest: datetime, latest: datetime) -> datetime:
        """A moment between two others, more likely late than early: the work grew over the years."""
        share = (-1 + (1 + 8 * self.rng.random()) ** 0.5) / 2  # density 1 + 2x on [0, 1]
        return earliest + (latest - earliest) * share

    def later(self, at: datetime, low_hours: float, high_hours: float) -> datetime:
        return at + timedelta(seconds=self.rng.uniform(low_hours, high_hours) * 3600)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    # -- phases --

    def run(self) -> None:
        self.make_organisations()
        self.make_people()
        self.phase("organisations and users")
        self.make_agreements()
        self.phase("agreements (ISAs)")
        self.make_assets()
        self.phase("information assets and processors")
        self.make_sharing_requests()
        self.phase("sharing requests")
        self.make_flows()
        self.phase("data flows")
        self.make_access_requests()
        self.phase("access requests")
        self.make_milestones()
        self.phase("reminder milestones")
        self.make_counters()
        self.write_audit_chain()
        self.phase("audit events")

    def make_organisations(self) -> None:
        from requests_app.models import Organisation, OrganisationKind

        places = [
            "Northshire",
            "Southmoor",
            "Eastbridge",
            "Westvale",
            "Riverside",
            "Hillcrest",
            "Oakford",
            "Ashby",
            "Brookfield",
            "Castleton",
            "Dunmore",
            "Elmstead",
            "Fairhaven",
            "Glenwood",
            "Harrowgate",
            "Ivydale",
            "Kingsmere",
            "Lakeside",
            "Marlow",
            "Newbury Vale",
            "Oldcastle",
            "Pinewood",
            "Queensbury",
            "Redhill",
            "Stonebridge",
            "Thornbury",
            "Upton",
            "Wickham",
            "Yarrow",
            "Zennor",
        ]
        kinds = [
            (OrganisationKind.GP, "Medical Practice", 70),
            (OrganisationKind.NHS_TRUST, "NHS Foundation Trust", 25),
            (OrganisationKind.LOCAL_AUTHORITY, "County Council", 15),
            (OrganisationKind.CARE_PROVIDER, "Care Home", 35),
            (OrganisationKind.POLICE, "Constabulary", 8),
            (OrganisationKind.RESEARCH_BODY, "University Research Unit", 12),
            (OrganisationKind.HEALTHWATCH, "Healthwatch", 8),
            (OrganisationKind.REGULATOR, "Regulatory Office", 5),
            (OrganisationKind.ICB, "Integrated Care Board", 7),
            (OrganisationKind.OTHER, "Community Interest Company", 15),
        ]
        total = _scaled(ORGANISATIONS, self.scale)
        weights = [weight for _, _, weight in kinds]
        names: set[str] = set()
        organisations = []
        for number in range(total):
            kind, suffix, _ = self.rng.choices(kinds, weights)[0]
            place = self.rng.choice(places)
            name = f"{suffix} {place}" if kind == OrganisationKind.HEALTHWATCH else f"{place} {suffix}"
            if name.lower() in names:
                name = f"{name} ({number + 1})"
            names.add(name.lower())
            created = self.growing(self.start, self.start + timedelta(days=200))
            organisations.append(
                Organisation(
                    name=name,
                    kind=kind,
                    ods_code=f"B{number + 1:04d}" if kind != OrganisationKind.OTHER else "",
                    contact_name=f"IG lead, {name}"[:200],
                    contact_email=f"ig.lead{number + 1}@example.nhs.uk",
                    created_at=created,
                    updated_at=created,
                )
            )
        self.organisations = Organisation.objects.bulk_create(organisations)
        self.loader.counts["organisations"] += len(self.organisations)
        self.organisation_by_pk = {org.pk: org for org in self.organisations}
        self.by_kind: dict[str, list[Organisation]] = defaultdict(list)
        for org in self.organisations:
            self.by_kind[org.kind].append(org)

    def make_people(self) -> None:
        from django.contrib.auth.models import Group, User
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from igportal.roles import Role, ensure_role_groups
        from requests_app.models import OrganisationSettings

        ensure_role_groups()
        groups = {role: Group.objects.get(name=role.group_name) for role in Role}
        self.groups = groups
        first = [
            "Aisha",
            "Ben",
            "Chloe",
            "Dev",
            "Emma",
            "Femi",
            "Grace",
            "Hassan",
            "Isla",
            "Jack",
            "Kiran",
            "Leah",
            "Mohammed",
            "Niamh",
            "Oliver",
            "Priya",
            "Rhys",
            "Sofia",
            "Tom",
            "Uma",
            "Wei",
            "Zara",
        ]
        last = [
            "Ahmed",
            "Brown",
            "Clarke",
            "Davies",
            "Evans",
            "Fraser",
            "Green",
            "Hughes",
            "Iqbal",
            "Jones",
            "Khan",
            "Lewis",
            "Morgan",
            "Nowak",
            "Owen",
            "Patel",
            "Roberts",
            "Singh",
            "Taylor",
            "Walsh",
        ]
        total = _scaled(USERS, self.scale)
        plan: list[tuple[str, Role, str, str]] = [
            (PERSONA_USERNAMES["requester"], Role.REQUESTER, "Rosa", "Benchley"),
            (PERSONA_USERNAMES["ig"], Role.IG_OFFICER, "Ivan", "Benchley"),
            (PERSONA_USERNAMES["dpo"], Role.DPO, "Dora", "Benchley"),
            (PERSONA_USERNAMES["caldicott"], Role.CALDICOTT_GUARDIAN, "Carys", "Benchley"),
            (PERSONA_USERNAMES["siro"], Role.SIRO, "Saul", "Benchley"),
        ]
        for role_name, count in ROLE_HEADCOUNT.items():
            role = Role(role_name)
            extra = max(0, round(count * self.scale) - (1 if role_name not in WITHOUT_PERSONA else 0))
            if role_name in WITHOUT_PERSONA:
                extra = max(1, extra)
            plan.extend((f"{role_name}.{n + 1}", role, "", "") for n in range(extra))
        requesters = max(2, total - len(plan))
        plan.extend((f"staff.{n + 1}", Role.REQUESTER, "", "") for n in range(requesters))
        users = []
        for username, _, first_name, last_name in plan:
            joined = self.when(self.start - timedelta(days=30), self.start + timedelta(days=900))
            users.append(
                User(
                    username=username,
                    password=UNUSABLE_PASSWORD,
                    first_name=first_name or self.rng.choice(first),
                    last_name=last_name or self.rng.choice(last),
                    email=f"{username}@example.nhs.uk",
                    date_joined=joined,
                    last_login=self.later(self.now - timedelta(days=3), 0, 60),
                )
            )
        created = User.objects.bulk_create(users)
        self.loader.counts["users"] += len(created)
        memberships = []
        self.people: dict[Role, list[_Person]] = defaultdict(list)
        self.person_by_username: dict[str, _Person] = {}
        self.person_by_id: dict[int, _Person] = {}
        devices = []
        for user, (_, role, _, _) in zip(created, plan, strict=True):
            person = _Person(
                user.pk,
                user.username,
                f"{user.first_name} {user.last_name}",
                f"10.{20 + user.pk // 65025 % 200}.{user.pk // 255 % 255}.{user.pk % 255 + 1}",
            )
            self.people[role].append(person)
            self.person_by_username[user.username] = person
            self.person_by_id[person.id] = person
            memberships.append(User.groups.through(user_id=user.pk, group_id=groups[role].pk))
            if role != Role.REQUESTER:
                devices.append(TOTPDevice(user=user, name="Authenticator app", confirmed=True))
        User.groups.through.objects.bulk_create(memberships)
        TOTPDevice.objects.bulk_create(devices)
        self.loader.counts["role_memberships"] += len(memberships)
        self.loader.counts["mfa_devices"] += len(devices)
        portal = OrganisationSettings.load()
        portal.name = "Northshire Integrated Care Board"
        portal.ods_code = "QNS"
        portal.caldicott_guardian_id = self.person_by_username[PERSONA_USERNAMES["caldicott"]].id
        portal.dpo_id = self.person_by_username[PERSONA_USERNAMES["dpo"]].id
        portal.siro_id = self.person_by_username[PERSONA_USERNAMES["siro"]].id
        portal.save()
        self.nation = portal.nation
        self.requester_persona = self.person_by_username[PERSONA_USERNAMES["requester"]]
        self.staff = [p for p in self.people[Role.REQUESTER] if p is not self.requester_persona]
        self.ig_team = self.people[Role.IG_OFFICER] + self.people[Role.DPO]

    def signer(self, stage: str) -> _Person:
        """Who signs a stage: the named office holders sign most, their deputies the rest."""
        from igportal.roles import Role

        holders = {
            "ig_dpo": self.ig_team,
            "caldicott_guardian": self.people[Role.CALDICOTT_GUARDIAN],
            "siro": self.people[Role.SIRO],
        }[stage]
        if stage != "ig_dpo" and self.rng.random() < 0.6:
            return holders[0]
        return self.rng.choice(holders)

    # -- agreements --

    def make_agreements(self) -> None:
        from requests_app.models import (
            AgreementHistory,
            AgreementStatus,
            AgreementVersion,
            DataItemType,
            SharingAgreement,
        )

        s = AgreementStatus
        self.item_type_ids = list(DataItemType.objects.filter(active=True).values_list("pk", flat=True))
        total = _scaled(AGREEMENTS, self.scale)
        agreement_id = self.loader.next_id(SharingAgreement)
        version_id = self.loader.next_id(AgreementVersion)
        history_id = self.loader.next_id(AgreementHistory)
        drafts = sorted(self.growing(self.start, self.now - timedelta(days=2)) for _ in range(total))
        agreements: list[tuple[Any, ...]] = []
        versions: list[tuple[Any, ...]] = []
        history: list[tuple[Any, ...]] = []
        parties: list[tuple[int, int]] = []
        items: list[tuple[int, int]] = []
        self.agreements: list[tuple[int, str, str, list[int], datetime | None]] = []
        per_year: dict[int, int] = defaultdict(int)
        caldicott = self.people_for("caldicott_guardian")
        for drafted in drafts:
            year = drafted.astimezone().year
            per_year[year] += 1
            reference = f"ISA-{year}-{per_year[year]:05d}"
            author = self.rng.choice(self.ig_team)
            partners = self.rng.sample(
                self.organisations, k=min(len(self.organisations), self.rng.randint(1, 4))
            )
            title = partners[0].name
            agreements.append((agreement_id, reference, title, author.id, drafted))
            # Versions: most agreements were revised once or twice over the years.
            age_days = (self.now - drafted).days
            count = (
                1
                + (age_days > 400 and self.rng.random() < 0.5)
                + (age_days > 800 and self.rng.random() < 0.3)
            )
            final = self.rng.choices(
                [s.ACTIVE, s.EXPIRED, s.TERMINATED, s.AWAITING_CALDICOTT, s.DRAFT], [76, 9, 6, 4, 5]
            )[0]
            if age_days < 20:
                final = self.rng.choice([s.DRAFT, s.AWAITING_CALDICOTT])
            at = drafted
            in_force_since: datetime | None = None
            for number in range(1, count + 1):
                last = number == count
                status = final if last else s.SUPERSEDED
                label = f"{reference} v{number}"
                created = at
                item_ids = self.rng.sample(self.item_type_ids, k=self.rng.randint(3, 8))
                self.event(
                    created,
                    author,
                    "isa.create" if number == 1 else "isa.new_version",
                    "isa",
                    version_id,
                    label,
                    {"version": number},
                )
                steps: list[tuple[str, str, str, _Person | None]] = []
                if status != s.DRAFT:
                    steps.append(("submit_for_approval", s.DRAFT, s.AWAITING_CALDICOTT, author))
                approver = self.rng.choice(caldicott)
                approved_at = None
                if status in {s.ACTIVE, s.SUPERSEDED, s.EXPIRED, s.TERMINATED}:
                    steps.append(("approve", s.AWAITING_CALDICOTT, s.ACTIVE, approver))
                if status == s.SUPERSEDED:
                    steps.append(("supersede", s.ACTIVE, s.SUPERSEDED, None))
                elif status == s.EXPIRED:
                    steps.append(("expire", s.ACTIVE, s.EXPIRED, None))
                elif status == s.TERMINATED:
                    steps.append(("terminate", s.ACTIVE, s.TERMINATED, self.rng.choice(self.ig_team)))
                moment = created
                start_on = end_on = review_on = None
                for name, source, target, actor in steps:
                    if name == "supersede":
                        moment = self.later(moment, 24 * 300, 24 * 500)
                        moment = min(moment, self.now - timedelta(days=3))
                        supersede_at = moment
                        actor = approver  # the next version's approval supersedes this one
                    elif name in {"expire", "terminate"}:
                        moment = min(self.later(moment, 24 * 200, 24 * 700), self.now - timedelta(hours=2))
                    else:
                        moment = min(self.later(moment, 4, 24 * 12), self.now - timedelta(hours=1))
                    comment = {
                        "terminate": "The partner no longer provides the service.",
                        "supersede": f"Replaced by version {number + 1}.",
                    }.get(name, "")
                    history.append(
                        (
                            history_id,
                            version_id,
                            name,
                            source,
                            target,
                            actor.id if actor else None,
                            comment,
                            moment,
                        )
                    )
                    self.event(
                        moment,
                        actor,
                        "isa.transition",
                        "isa",
                        version_id,
                        label,
                        {"action": name, "from": source, "to": target, "history_id": history_id},
                    )
                    history_id += 1
                    if name == "approve":
                        approved_at = moment
                        start_on = moment.astimezone().date()
                        in_force_since = in_force_since or moment
                        if self.rng.random() < 0.4:
                            self.event(
                                self.later(moment, 1, 400), approver, "isa.view", "isa", version_id, label
                            )
                    if name == "expire":
                        end_on = moment.astimezone().date() - timedelta(days=1)
                if status == s.ACTIVE:
                    review_on = self.today + timedelta(days=self.rng.randint(-60, 365))
                elif start_on is not None:
                    review_on = start_on + timedelta(days=365)
                versions.append(
                    (
                        version_id,
                        agreement_id,
                        number,
                        status,
                        f"Sharing with {', '.join(p.name for p in partners)} as the requests set out.",
                        "e_public_task",
                        "h_health_social_care",
                        "implied_consent",
                        "",
                        "Patients registered with the partner practices.",
                        "pseudonymised" if number % 2 else "identifiable",
                        "sftp",
                        "Encrypted in transit (TLS 1.2+) and at rest; access by named staff only.",
                        "Destroyed 12 months after receipt, with a certificate of destruction.",
                        "Requests are passed to our IG team within 2 working days.",
                        True,
                        "",
                        "Breaches reported to our IG team within 24 hours.",
                        start_on,
                        end_on,
                        review_on,
                        "" if number == 1 else "Annual review: data items and contacts updated.",
                        author.id,
                        created,
                        moment,
                        approver.id if approved_at else None,
                        approved_at,
                    )
                )
                parties.extend((version_id, org.pk) for org in partners)
                items.extend((version_id, item) for item in item_ids)
                at = supersede_at if status == s.SUPERSEDED else moment
                version_id += 1
            self.agreements.append(
                (agreement_id, reference, final, [org.pk for org in partners], in_force_since)
            )
            agreement_id += 1
        loader = self.loader
        loader.copy(
            SharingAgreement,
            ["id", "reference", "title", "created_by_id", "created_at"],
            agreements,
            kind="agreements",
        )
        loader.copy(
            AgreementVersion,
            [
                "id",
                "agreement_id",
                "number",
                "status",
                "purpose",
                "art6",
                "art9",
                "confidentiality_basis",
                "legal_basis_notes",
                "data_subjects",
                "data_form",
                "transfer_method",
                "security_measures",
                "retention",
                "subject_rights",
                "onward_sharing_prohibited",
                "onward_sharing_exceptions",
                "breach_handling",
                "start_on",
                "end_on",
                "review_on",
                "change_summary",
                "created_by_id",
                "created_at",
                "updated_at",
                "approved_by_id",
                "approved_at",
            ],
            versions,
            kind="agreement_versions",
        )
        loader.copy(
            AgreementHistory,
            ["id", "version_id", "action", "from_status", "to_status", "actor_id", "comment", "occurred_at"],
            history,
            kind="agreement_history",
        )
        loader.copy(
            AgreementVersion.parties.through,
            ["agreementversion_id", "organisation_id"],
            parties,
            kind="agreement_parties",
        )
        loader.copy(
            AgreementVersion.data_items.through,
            ["agreementversion_id", "dataitemtype_id"],
            items,
            kind="agreement_items",
        )
        self.agreement_years = dict(per_year)
        self.active_versions: list[tuple[int, int, date, int]] = [
            (row[0], row[1], row[20], row[22]) for row in versions if row[3] == s.ACTIVE
        ]  # (version id, agreement id, review_on, owner)

    def people_for(self, stage: str) -> list[_Person]:
        from igportal.roles import Role

        return {
            "ig_dpo": self.ig_team,
            "caldicott_guardian": self.people[Role.CALDICOTT_GUARDIAN],
            "siro": self.people[Role.SIRO],
        }[stage]

    # -- information assets and processors --

    def make_assets(self) -> None:
        """The processors and their Art 28 contracts, then the asset register: each asset owned by an
        Information Asset Owner, most in use, drawing on a few processors (``services.assets``)."""
        from igportal.roles import Role
        from requests_app.models import InformationAsset, InformationAssetHistory, Processor

        rng = self.rng
        companies = ("Northgate", "Meridian", "Pennine", "Calder", "Severn", "Harbour", "Lumen", "Ashdown")
        services = (
            ("Hosting", "Hosting the patient record system."),
            ("Shredding", "Confidential waste collection and shredding."),
            ("Mail", "Printing and posting patient letters."),
            ("Analytics", "Pseudonymised analysis for service planning."),
            ("Transcription", "Transcribing clinic letters."),
            ("Archive", "Off-site storage of paper records."),
        )
        processor_id = self.loader.next_id(Processor)
        processors: list[tuple[Any, ...]] = []
        for n in range(_scaled(PROCESSORS, self.scale)):
            pk = processor_id + n
            kind, service = rng.choice(services)
            name = f"{rng.choice(companies)} {kind} {n + 1:03d} Ltd"
            creator = rng.choice(self.ig_team)
            created = self.growing(self.start, self.now - timedelta(days=30))
            roll = rng.random()
            if roll < 0.06:  # still without a written contract [UK GDPR Art 28(3)]
                reference, start_on, end_on = "", None, None
            else:
                start_on = created.astimezone().date() - timedelta(days=rng.randint(0, 400))
                reference = f"CON-{start_on.year}-{n + 1:04d}"
                # Most run for a few years; some have ended and some end within the reminders' reach.
                end_on = None if roll < 0.25 else start_on + timedelta(days=rng.randint(300, 365 * 5))
            processors.append(
                (
                    pk,
                    name,
                    service,
                    f"dpo@{kind.lower()}{n + 1}.example.com",
                    reference,
                    start_on,
                    end_on,
                    creator.id,
                    created,
                    created,
                )
            )
            self.event(created, creator, "processor.create", "processor", pk, name)
        self.loader.copy(
            Processor,
            [
                "id",
                "name",
                "services",
                "contact",
                "contract_reference",
                "contract_start_on",
                "contract_end_on",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
            processors,
            kind="processors",
        )
        owners = self.people[Role.INFORMATION_ASSET_OWNER]
        systems = (
            ("Acute patient administration system", "system", "Patients, their next of kin"),
            ("Community care record", "system", "Patients, carers"),
            ("GP clinical system extract", "system", "Registered patients"),
            ("Maternity record", "mixed", "Mothers, babies"),
            ("Mental health record", "system", "Patients, carers"),
            ("Staff records", "shared_drive", "Staff, applicants"),
            ("Complaints files", "paper", "Complainants, patients"),
        )
        asset_id = self.loader.next_id(InformationAsset)
        history_id = self.loader.next_id(InformationAssetHistory)
        assets: list[tuple[Any, ...]] = []
        history: list[tuple[Any, ...]] = []
        links: list[tuple[int, int]] = []
        per_year: dict[int, int] = defaultdict(int)
        # Assets in use, by owner: the ones a request may draw on (``services.assets``).
        self.active_assets: list[tuple[int, str, str, int, int | None]] = []
        for n in range(_scaled(ASSETS, self.scale)):
            pk = asset_id + n
            system, asset_format, subjects = rng.choice(systems)
            owner = rng.choice(owners)
            delegate = rng.choice(owners) if rng.random() < 0.3 else None
            if delegate is owner:
                delegate = None
            creator = owner if rng.random() < 0.6 else rng.choice(self.ig_team)
            created = self.growing(self.start, self.now - timedelta(days=20))
            year = created.astimezone().year
            per_year[year] += 1
            reference = f"IA-{year}-{per_year[year]:05d}"
            name = f"{system} ({rng.choice(self.organisations).name[:120]})"
            self.event(created, creator, "asset.create", "asset", pk, reference)
            status = "draft"
            roll = rng.random()
            moments: list[tuple[str, str, datetime, str]] = []
            if roll < 0.9:
                moments.append(("activate", "active", self.later(created, 0.5, 24 * 14), ""))
                if roll < 0.06:
                    moments.append(("retire", "retired", self.later(moments[0][2], 24 * 60, 24 * 900), ""))
            for action, target, moment, _ in moments:
                moment = min(moment, self.now - timedelta(hours=1))
                comment = "Replaced by the new system." if action == "retire" else ""
                history.append((history_id, pk, action, status, target, owner.id, comment, moment))
                self.event(
                    moment,
                    owner,
                    "asset.transition",
                    "asset",
                    pk,
                    reference,
                    {"action": action, "from": status, "to": target, "history_id": history_id},
                )
                history_id += 1
                status = target
            updated = max([created, *(m[2] for m in moments)])
            if status == "active":
                self.active_assets.append((pk, reference, name, owner.id, delegate.id if delegate else None))
            review = self.today + timedelta(days=rng.randint(-30, 365))
            special = asset_format != "shared_drive" or rng.random() < 0.3
            assets.append(
                (
                    pk,
                    reference,
                    name[:200],
                    f"The {system.lower()} and the records it keeps for direct care.",
                    owner.id,
                    rng.choice(self.staff).id if rng.random() < 0.5 else None,
                    delegate.id if delegate else None,
                    rng.choice(("Acute care", "Community services", "Primary care", "Corporate")),
                    asset_format,
                    f"{system} (hosted)" if asset_format == "system" else "Records store, level 2",
                    subjects,
                    "Contact details, diagnoses, appointments, treatment",
                    special,
                    "official_sensitive" if special else "official",
                    "8 years after the conclusion of treatment",
                    "NHS Records Management Code of Practice 2023",
                    "Role-based access, encryption at rest, audit of access.",
                    rng.random() < 0.2,
                    None,
                    status,
                    review,
                    updated,
                    "e_public_task",
                    "h_health_social_care" if special else "none",
                    "implied_consent",
                    creator.id,
                    created,
                    updated,
                )
            )
            links.extend(
                (pk, processor_id + k)
                for k in rng.sample(range(len(processors)), k=min(len(processors), rng.randint(0, 3)))
            )
        loader = self.loader
        loader.copy(
            InformationAsset,
            [
                "id",
                "reference",
                "name",
                "description",
                "owner_id",
                "administrator_id",
                "delegate_id",
                "business_area",
                "asset_format",
                "location",
                "data_subjects",
                "data_categories",
                "special_category",
                "sensitivity",
                "retention_period",
                "retention_authority",
                "security_measures",
                "dspt_critical",
                "dpia_id",
                "status",
                "next_review_on",
                "amended_at",
                "art6",
                "art9",
                "confidentiality_basis",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
            assets,
            kind="information_assets",
        )
        loader.copy(
            InformationAssetHistory,
            ["id", "asset_id", "action", "from_status", "to_status", "actor_id", "comment", "occurred_at"],
            history,
            kind="information_asset_history",
        )
        loader.copy(
            InformationAsset.processors.through,
            ["informationasset_id", "processor_id"],
            links,
            kind="asset_processor_links",
        )
        self.asset_years = dict(per_year)
        # The asset each request draws on (request id -> asset id), filled as the requests are made.
        self.request_assets: dict[int, int] = {}

    # -- sharing requests --

    def make_sharing_requests(self) -> None:
        from igportal.roles import Role

        total = _scaled(SHARING_REQUESTS, self.scale)
        flows = _scaled(DATA_FLOWS, self.scale)
        opened = {state: _scaled(count, self.scale) for state, count in OPEN_REQUESTS.items()}
        general = [v for v in VARIANTS if v.weight]
        flow_variants = [v for v in VARIANTS if v.becomes_flow]
        caldicott_variants = [v for v in general if "caldicott_guardian" in self.assessor.stages(v.key)]
        siro_variants = [v for v in general if "siro" in self.assessor.stages(v.key)]
        specs: list[tuple[datetime, str, Variant, bool]] = []
        for state, count in opened.items():
            pool = {"awaiting_caldicott": caldicott_variants, "awaiting_siro": siro_variants}.get(
                state, general
            )
            for _ in range(count):
                variant = self.rng.choices(pool, [v.weight for v in pool])[0]
                oldest = 120 if state in {"draft", "changes_requested"} else 45
                specs.append(
                    (
                        self.when(self.now - timedelta(days=oldest), self.now - timedelta(hours=3)),
                        state,
                        variant,
                        False,
                    )
                )
        for _ in range(flows):
            variant = self.rng.choice(flow_variants)
            specs.append((self.growing(self.start, self.now - timedelta(days=60)), "decided", variant, True))
        for _ in range(max(0, total - len(specs))):
            variant = self.rng.choices(general, [v.weight for v in general])[0]
            specs.append((self.growing(self.start, self.now - timedelta(days=21)), "decided", variant, False))
        specs.sort(key=lambda spec: spec[0])
        # The benchmark's requester: about 1.1% of the requests, and at least one in every state.
        persona_rows = {index for index in range(len(specs)) if self.rng.random() < PERSONA_SHARE}
        seen_states: set[str] = set()
        for index in range(len(specs) - 1, -1, -1):
            state = specs[index][1]
            if state not in seen_states and not specs[index][3]:
                seen_states.add(state)
                persona_rows.add(index)

        from requests_app.models import (
            Assessment,
            DecisionRecord,
            InformationAsset,
            RequestComment,
            RequestHistory,
            SharingRequest,
            SharingRequestGroupObjectPermission,
            SharingRequestUserObjectPermission,
            SignOff,
        )

        self.requests_rows: list[tuple[Any, ...]] = []
        self.assessment_rows: list[tuple[Any, ...]] = []
        self.signoff_rows: list[tuple[Any, ...]] = []
        self.history_rows: list[tuple[Any, ...]] = []
        self.comment_rows: list[tuple[Any, ...]] = []
        self.record_rows: list[tuple[Any, ...]] = []
        self.flow_candidates: list[tuple[int, str, Assessed, datetime, int, _Person]] = []
        # Stints waiting for a sign-off: status, the history row that entered it, request, entered, left.
        self.waits: list[tuple[str, int, int, date, date | None]] = []
        self.ids = {
            "request": self.loader.next_id(SharingRequest),
            "assessment": self.loader.next_id(Assessment),
            "signoff": self.loader.next_id(SignOff),
            "history": self.loader.next_id(RequestHistory),
            "comment": self.loader.next_id(RequestComment),
            "record": self.loader.next_id(DecisionRecord),
        }
        from django.contrib.auth.models import Permission

        self.view_permission = Permission.objects.get(
            codename="view_sharingrequest", content_type__app_label="requests_app"
        ).pk
        self.per_year: dict[int, int] = defaultdict(int)
        self.permissions: set[tuple[int, str]] = set()
        self.user_permissions: set[tuple[int, int]] = set()
        self.conditional_assessments: dict[int, bool] = {}
        self.flow_agreements: dict[int, tuple[int, str, str, list[int], datetime | None]] = {}
        self.shared_record_file = self.decision_record_file()
        for index, (created, state, variant, becomes_flow) in enumerate(specs):
            requester = self.requester_persona if index in persona_rows else self.rng.choice(self.staff)
            self.simulate(created, state, variant, becomes_flow, requester)
        loader = self.loader
        loader.copy(
            SharingRequest,
            [
                "id",
                "reference",
                "requester_id",
                "status",
                "title",
                "recipient_id",
                "purpose_category",
                "urgency",
                "frequency",
                "direction",
                "data_form",
                "answers",
                "draft_input",
                "current_step",
                "stages",
                "assigned_to_id",
                "created_at",
                "updated_at",
                "submitted_at",
            ],
            self.requests_rows,
            kind="sharing_requests",
        )
        loader.copy(
            Assessment,
            [
                "id",
                "request_id",
                "number",
                "answers",
                "result",
                "rules_version",
                "policy_id",
                "outcome",
                "risk",
                "dpia_required",
                "isa_required",
                "required_signoffs",
                "assessed_on",
                "created_at",
                "created_by_id",
            ],
            self.assessment_rows,
            kind="assessments",
        )
        loader.copy(
            RequestHistory,
            [
                "id",
                "request_id",
                "action",
                "from_status",
                "to_status",
                "actor_id",
                "comment",
                "occurred_at",
                "notified_at",
            ],
            self.history_rows,
            kind="request_history",
        )
        loader.copy(
            SignOff,
            [
                "id",
                "request_id",
                "assessment_id",
                "stage",
                "decision",
                "conditions",
                "reasons",
                "signer_id",
                "signed_at",
            ],
            self.signoff_rows,
            kind="signoffs",
        )
        loader.copy(
            RequestComment,
            ["id", "request_id", "author_id", "body", "created_at"],
            self.comment_rows,
            kind="comments",
        )
        loader.copy(
            DecisionRecord,
            [
                "id",
                "request_id",
                "decided_by_event_id",
                "version",
                "name",
                "file",
                "sha256",
                "size",
                "created_at",
            ],
            self.record_rows,
            kind="decision_records",
        )
        group_ids = {name: self.groups[Role(role)].pk for name, role in ROLE_OF_GROUP.items()}
        loader.copy(
            SharingRequestGroupObjectPermission,
            ["content_object_id", "group_id", "permission_id"],
            (
                (request_id, group_ids[group], self.view_permission)
                for request_id, group in sorted(self.permissions)
            ),
            kind="object_permissions",
        )
        loader.copy(
            SharingRequestUserObjectPermission,
            ["content_object_id", "user_id", "permission_id"],
            (
                (request_id, user_id, self.view_permission)
                for request_id, user_id in sorted(self.user_permissions)
            ),
            kind="user_object_permissions",
        )
        loader.copy(
            InformationAsset.requests.through,
            ["informationasset_id", "sharingrequest_id"],
            ((asset_id, request_id) for request_id, asset_id in sorted(self.request_assets.items())),
            kind="asset_request_links",
        )

    def decision_record_file(self) -> tuple[str, str, int]:
        """The one small stored PDF every seeded decision record row points at.

        Rendering 93,000 real records would take hours and no benchmarked page opens them; the rows
        exist because the detail page lists them, and the file exists so that a download works and
        its hash holds. ``make bench`` times the rendering of a real record separately.
        """
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        body = (
            b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        )
        name = "decision-records/bench-seeded-decision-record.pdf"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(body))
        return name, hashlib.sha256(body).hexdigest(), len(body)

    def _status_for_stage(self, stage: str) -> str:
        return {
            "iao": "awaiting_iao",
            "ig_dpo": "ig_review",
            "caldicott_guardian": "awaiting_caldicott",
            "siro": "awaiting_siro",
        }[stage]

    def simulate(
        self, created: datetime, state: str, variant: Variant, becomes_flow: bool, requester: _Person
    ) -> None:
        """Walk one request through the workflow as people would have, writing what each move writes."""
        from requests_app.naming import record_name

        rng = self.rng
        request_id = self.ids["request"]
        self.ids["request"] += 1
        year = created.astimezone().year
        self.per_year[year] += 1
        reference = f"ISR-{year}-{self.per_year[year]:05d}"
        first = self.assessor.assess(variant.key, created.astimezone().date())
        purpose = first.purpose
        recipient = rng.choice(self.by_kind.get(purpose.get("recipient_kind", ""), []) or self.organisations)
        agreement = None
        if becomes_flow:
            agreement = rng.choice(self.agreements)
            recipient = self.organisation_by_pk[rng.choice(agreement[3])]
        target = ("sharing_request", request_id, reference)
        events = self.event
        at = created
        events(at, requester, "request.create", *target)
        status = "draft"
        last_event = at
        status_since: tuple[str, int, datetime] | None = None

        def history(action: str, to_status: str, actor: _Person, moment: datetime, comment: str = "") -> int:
            nonlocal status, last_event, status_since
            history_id = self.ids["history"]
            self.ids["history"] += 1
            self.history_rows.append(
                (
                    history_id,
                    request_id,
                    action,
                    status,
                    to_status,
                    actor.id,
                    comment,
                    moment,
                    moment + timedelta(seconds=rng.randint(1, 30)),
                )
            )
            events(
                moment,
                actor,
                "request.transition" if action not in {"assign"} else f"request.{action}",
                *target,
                {"action": action, "from": status, "to": to_status, "history_id": history_id},
            )
            if to_status != status:
                if status_since is not None:
                    self.waits.append(
                        (
                            status_since[0],
                            status_since[1],
                            request_id,
                            status_since[2].astimezone().date(),
                            moment.astimezone().date(),
                        )
                    )
                status_since = (to_status, history_id, moment) if to_status in WAITING else None
                for group in STAGE_GROUPS.get(to_status, ()):
                    self.permissions.add((request_id, group))
            status = to_status
            last_event = moment
            return history_id

        steps = first.steps
        if state == "draft":
            saved = rng.randint(0, 4)
            for step in steps[:saved]:
                at = self.later(at, 0.02, 0.3)
                events(at, requester, "request.answers_saved", *target, {"step": step})
            draft_answers = {"purpose": self.draft_purpose(purpose, recipient)} if saved else {}
            self.requests_rows.append(
                (
                    request_id,
                    reference,
                    requester.id,
                    "draft",
                    purpose["description"][:200] if saved else "",
                    recipient.pk if saved else None,
                    purpose["category"] if saved else "",
                    purpose["urgency"] if saved else "",
                    purpose["frequency"] if saved else "",
                    purpose["direction"] if saved else "",
                    first.data_form if saved > 2 else "",
                    json.dumps(draft_answers),
                    "{}",
                    steps[saved] if saved < len(steps) else "caldicott",
                    "[]",
                    None,
                    created,
                    at,
                    None,
                )
            )
            return

        # What happens in the end, decided up front so the walk can stop at the right move.
        rounds = 2 if state == "changes_requested" or (state == "decided" and rng.random() < 0.08) else 1
        if state == "changes_requested":
            rounds = 1
        refuse = first.outcome == "do_not_share"
        ending = "approve"
        if state == "decided" and not becomes_flow:
            roll = rng.random()
            if refuse:
                ending = "withdraw" if roll < 0.15 else "reject"
            elif roll < 0.05:
                ending = "reject"
            elif roll < 0.11:
                ending = "withdraw"
        close = state == "decided" and ending == "approve" and rng.random() < (0.1 if becomes_flow else 0.35)
        # A request drawing on a registered asset is signed by its owner first (``services.sharing``).
        asset: tuple[int, str, str, int, int | None] | None = None
        if self.active_assets and (
            state == "awaiting_iao"
            or (state == "decided" and not becomes_flow and rng.random() < ASSET_REQUEST_SHARE)
        ):
            asset = rng.choice(self.active_assets)
            rounds = 1
            self.request_assets[request_id] = asset[0]
            events(
                self.later(at, 0.01, 0.2),
                requester,
                "request.assets",
                *target,
                {"added": [asset[1]], "removed": []},
            )

        def with_owner(stages: list[str]) -> list[str]:
            return self.assessor._ordered_stages([*stages, "iao"]) if asset else stages

        assigned: _Person | None = None
        signers: dict[str, _Person] = {}
        submitted_at: datetime | None = None
        assessed = first
        assessment_id = 0
        stages = with_owner(first.stages)
        for round_number in range(1, rounds + 1):
            for step in steps if round_number == 1 else rng.sample(steps, k=min(2, len(steps))):
                at = self.later(at, 0.02, 0.4)
                events(at, requester, "request.answers_saved", *target, {"step": step})
            at = self.later(at, 0.01, 0.2)
            day = at.astimezone().date()
            assessed = self.assessor.assess(variant.key, day)
            stages = with_owner(assessed.stages)
            assessment_id = self.ids["assessment"]
            self.ids["assessment"] += 1
            self.assessment_rows.append(
                (
                    assessment_id,
                    request_id,
                    round_number,
                    assessed.answers_json,
                    assessed.result_json,
                    assessed.rules_version,
                    self.assessor.policy_id,
                    assessed.outcome,
                    assessed.risk,
                    assessed.dpia_required,
                    assessed.isa_required,
                    assessed.required_json,
                    day,
                    at,
                    requester.id,
                )
            )
            history("submit", "submitted", requester, at)
            submitted_at = submitted_at or at
            events(
                at + timedelta(milliseconds=40),
                requester,
                "request.assessed",
                *target,
                {"assessment": round_number, "outcome": assessed.outcome, "rules": assessed.rules_version},
            )
            for _ in range(rng.randint(0, 2)):
                events(self.later(at, 0.1, 30), requester, "request.view", *target)
            if state == "submitted":
                break
            if ending == "withdraw" and rng.random() < 0.5 and round_number == rounds:
                at = self.later(at, 2, 24 * 6)
                history(
                    "withdraw", "withdrawn", requester, at, "No longer needed: the project was cancelled."
                )
                break
            reviewer = rng.choice(self.ig_team)
            at = self.later(at, 1, 24 * 4)
            if rng.random() < 0.4:
                assigned = rng.choice(self.ig_team)
                history("assign", status, reviewer, at, f"Assigned to {assigned.full_name}")
                at = self.later(at, 0.1, 24)
            history("start_review", self._status_for_stage(stages[0]), assigned or reviewer, at)
            if asset is not None:
                # The owner and the named delegate are shown the request (``_grant_stage_access``).
                self.user_permissions.update((request_id, signer) for signer in asset[3:] if signer)
            if state == "ig_review":
                break
            if round_number < rounds or state == "changes_requested":
                signer = assigned or reviewer
                at = self.later(at, 2, 24 * 6)
                events(at - timedelta(minutes=5), signer, "request.view", *target)
                reasons = "Please remove the items not needed and say how people are told."
                self.signoff(request_id, assessment_id, "ig_dpo", "request_changes", "", reasons, signer, at)
                history("request_changes", "changes_requested", signer, at, reasons)
                if state == "changes_requested":
                    break
                at = self.later(at, 4, 24 * 10)
                continue
            for position, stage in enumerate(stages):
                stage_status = self._status_for_stage(stage)
                if state == stage_status:
                    break
                if ending == "withdraw" and position == 0:
                    at = self.later(at, 2, 24 * 6)
                    history(
                        "withdraw", "withdrawn", requester, at, "No longer needed: the project was cancelled."
                    )
                    break
                if stage == "iao" and asset is not None:
                    delegate = self.person_by_id.get(asset[4] or 0)
                    signer = delegate if delegate and rng.random() < 0.2 else self.person_by_id[asset[3]]
                elif stage == "ig_dpo":
                    signer = assigned or self.signer(stage)
                else:
                    signer = self.signer(stage)
                if signer.id == requester.id:
                    signer = self.rng.choice([p for p in self.people_for(stage) if p.id != requester.id])
                signers[stage] = signer
                at = self.later(at, 1, 24 * 7)
                events(at - timedelta(minutes=rng.randint(2, 50)), signer, "request.view", *target)
                last_stage = position == len(stages) - 1
                if ending == "reject" and (last_stage or refuse):
                    reasons = (
                        "The engine found no lawful basis for this sharing."
                        if refuse
                        else "The purpose can be met without identifiable information."
                    )
                    self.signoff(request_id, assessment_id, stage, "reject", "", reasons, signer, at)
                    decided = history("reject", "rejected", signer, at, reasons)
                    self.decision_record(request_id, reference, decided, at, record_name)
                    break
                conditional = assessed.outcome == "share_with_conditions" and last_stage
                decision = "approve_with_conditions" if conditional else "approve"
                conditions = (
                    "Send pseudonymised data only; remove the items marked not essential."
                    if conditional
                    else ""
                )
                reasons = "Conditions as set out." if conditional else ""
                self.signoff(request_id, assessment_id, stage, decision, conditions, reasons, signer, at)
                if last_stage:
                    conditional = conditional or self.conditional_assessments.get(assessment_id, False)
                    final = "approved_with_conditions" if conditional else "approved"
                    decided = history(decision, final, signer, at, reasons)
                    self.decision_record(request_id, reference, decided, at, record_name)
                else:
                    history(decision, self._status_for_stage(stages[position + 1]), signer, at, reasons)
            break
        if status in {"approved", "approved_with_conditions"}:
            events(self.later(at, 0.5, 24 * 5), requester, "request.view_record", *target)
            if agreement is not None:
                self.flow_candidates.append((request_id, reference, assessed, at, recipient.pk, requester))
                self.flow_agreements[request_id] = agreement
            if close:
                at = self.later(at, 24, 24 * 30)
                closer = requester if rng.random() < 0.7 else rng.choice(self.ig_team)
                # One approval in 25 is never acted on and is closed saying so; chosen by id so that the
                # random sequence, and so the rest of the data, stays as it was.
                if request_id % 25 == 0:
                    history("not_shared", "not_shared", closer, at, "The recipient withdrew the request.")
                else:
                    history("close", "closed", closer, at)
        # Comments from the people involved, most often while the request is open.
        if submitted_at is not None and (rng.random() < 0.3 or state == "awaiting_caldicott"):
            people = [requester, *(signers.values()), *([assigned] if assigned else [])]
            for _ in range(rng.randint(1, 3)):
                author = rng.choice(people)
                moment = self.when(submitted_at, max(last_event, submitted_at + timedelta(minutes=5)))
                comment_id = self.ids["comment"]
                self.ids["comment"] += 1
                self.comment_rows.append((comment_id, request_id, author.id, rng.choice(COMMENTS), moment))
                events(moment, author, "request.comment", *target, {"comment_id": comment_id})
                last_event = max(last_event, moment)
        if status_since is not None:
            self.waits.append(
                (status_since[0], status_since[1], request_id, status_since[2].astimezone().date(), None)
            )
        self.requests_rows.append(
            (
                request_id,
                reference,
                requester.id,
                status,
                variant.title,
                recipient.pk,
                purpose["category"],
                purpose["urgency"],
                purpose["frequency"],
                purpose["direction"],
                assessed.data_form,
                "{}",
                "{}",
                "",
                json.dumps(stages),
                assigned.id if assigned else None,
                created,
                last_event,
                submitted_at,
            )
        )

    def signoff(
        self,
        request_id: int,
        assessment_id: int,
        stage: str,
        decision: str,
        conditions: str,
        reasons: str,
        signer: _Person,
        at: datetime,
    ) -> None:
        signoff_id = self.ids["signoff"]
        self.ids["signoff"] += 1
        self.signoff_rows.append(
            (signoff_id, request_id, assessment_id, stage, decision, conditions, reasons, signer.id, at)
        )
        self.conditional_assessments.setdefault(assessment_id, False)
        if decision == "approve_with_conditions":
            self.conditional_assessments[assessment_id] = True

    def decision_record(
        self, request_id: int, reference: str, history_id: int, at: datetime, record_name: Callable[..., str]
    ) -> None:
        record_id = self.ids["record"]
        self.ids["record"] += 1
        file_name, sha256, size = self.shared_record_file
        name = record_name(
            on=at.astimezone().date(),
            name=reference,
            record_type="Decision record",
            version=1,
            sensitive=True,
        )
        self.record_rows.append(
            (
                record_id,
                request_id,
                history_id,
                1,
                name,
                file_name,
                sha256,
                size,
                at + timedelta(seconds=self.rng.randint(3, 90)),
            )
        )

    def draft_purpose(self, purpose: dict[str, Any], recipient: Any) -> dict[str, Any]:
        """The purpose step as its form saves it (what ``sharing_request_save_step`` stores)."""
        return {
            "title": purpose["description"][:200],
            "description": purpose["description"],
            "function_served": purpose["function_served"],
            "category": purpose["category"],
            "direct_care": purpose["direct_care"],
            "urgency": purpose["urgency"],
            "frequency": purpose["frequency"],
            "direction": purpose["direction"],
            "recipient": recipient.pk,
            "background": purpose.get("background") or "",
            "recipient_kind": recipient.kind,
            "recipient_name": recipient.name,
        }

    # -- data flows --

    def make_flows(self) -> None:
        from requests_app.models import DataFlow, DataFlowHistory, FlowSchedule

        flow_id = self.loader.next_id(DataFlow)
        history_id = self.loader.next_id(DataFlowHistory)
        flows: list[tuple[Any, ...]] = []
        history: list[tuple[Any, ...]] = []
        items: list[tuple[int, int]] = []
        per_year: dict[int, int] = defaultdict(int)
        caldicott = self.people_for("caldicott_guardian")
        assets = (
            "Acute patient administration system",
            "Community care record",
            "GP clinical system extract",
            "Secondary uses dataset",
            "Mental health record",
            "Urgent care dashboard",
        )
        self.review_flows: list[tuple[int, date, int]] = []
        for request_id, _reference, assessed, approved_at, recipient_id, _requester in sorted(
            self.flow_candidates, key=lambda row: row[3]
        ):
            agreement = self.flow_agreements[request_id]
            agreement_id, agreement_reference, agreement_status, _, in_force_since = agreement
            creator = self.rng.choice(self.ig_team)
            created = min(self.later(approved_at, 2, 24 * 20), self.now - timedelta(hours=2))
            year = created.astimezone().year
            per_year[year] += 1
            reference = f"DF-{year}-{per_year[year]:05d}"
            label = reference
            self.event(
                created,
                creator,
                "data_flow.create",
                "data_flow",
                flow_id,
                label,
                {"request": _reference, "agreement": agreement_reference},
            )
            status = "awaiting_isa"
            moments: list[tuple[str, str, _Person | None, datetime, str]] = []
            if in_force_since is not None:
                if in_force_since <= created:
                    moments.append(("activate", "active", creator, created + timedelta(seconds=1), ""))
                else:
                    moments.append(
                        (
                            "activate",
                            "active",
                            self.rng.choice(caldicott),
                            in_force_since,
                            f"{agreement_reference} came into force.",
                        )
                    )
                at = moments[-1][3]
                if agreement_status in {"expired", "terminated"}:
                    at = min(self.later(at, 24 * 100, 24 * 600), self.now - timedelta(hours=1))
                    moments.append(
                        (
                            "suspend",
                            "suspended",
                            None if agreement_status == "expired" else creator,
                            at,
                            f"{agreement_reference} "
                            + ("expired." if agreement_status == "expired" else "was terminated."),
                        )
                    )
                    if self.rng.random() < 0.3:
                        at = min(self.later(at, 24, 24 * 60), self.now - timedelta(minutes=30))
                        moments.append(("end", "ended", creator, at, "Not to be restarted."))
                elif self.rng.random() < 0.14:
                    at = min(self.later(at, 24 * 60, 24 * 900), self.now - timedelta(hours=1))
                    moments.append(("end", "ended", creator, at, "The service was decommissioned."))
                elif self.rng.random() < 0.04:
                    at = min(self.later(at, 24 * 30, 24 * 600), self.now - timedelta(hours=1))
                    moments.append(
                        ("suspend", "suspended", creator, at, "Paused while the recipient moves systems.")
                    )
            updated = created
            for action, target, actor, moment, comment in moments:
                history.append(
                    (
                        history_id,
                        flow_id,
                        action,
                        status,
                        target,
                        actor.id if actor else None,
                        comment,
                        moment,
                    )
                )
                self.event(
                    moment,
                    actor,
                    "data_flow.transition",
                    "data_flow",
                    flow_id,
                    label,
                    {"action": action, "from": status, "to": target, "history_id": history_id},
                )
                history_id += 1
                status = target
                updated = moment
            for _ in range(self.rng.randint(0, 3)):
                self.event(
                    self.when(created, self.now - timedelta(minutes=10)),
                    self.rng.choice(self.ig_team),
                    "data_flow.view",
                    "data_flow",
                    flow_id,
                    label,
                )
            if status in {"active", "suspended"}:
                review = self.today + timedelta(days=self.rng.randint(-45, 365))
                self.review_flows.append((flow_id, review, created.astimezone().date().toordinal()))
            else:
                review = created.astimezone().date() + timedelta(days=365)
            lawful = assessed.lawful_basis
            # Most flows name the registered asset they draw from; the oldest predate the register.
            registered = (
                self.rng.choice(self.active_assets)
                if self.active_assets and self.rng.random() < 0.8
                else None
            )
            owner = self.person_by_id[registered[3]] if registered else self.rng.choice(self.staff)
            flows.append(
                (
                    flow_id,
                    reference,
                    request_id,
                    assessed.purpose["description"][:200],
                    registered[2] if registered else self.rng.choice(assets),
                    registered[0] if registered else None,
                    owner.id,
                    recipient_id,
                    assessed.purpose["category"],
                    assessed.purpose["description"],
                    assessed.data_form,
                    lawful.get("art6") or "e_public_task",
                    lawful.get("art9") or "",
                    lawful.get("confidentiality_basis") or "not_confidential",
                    assessed.transfer_method,
                    assessed.purpose["frequency"],
                    self.rng.choice(FlowSchedule.values),
                    agreement_id,
                    status,
                    review,
                    False,
                    "",
                    "",
                    creator.id,
                    created,
                    updated,
                )
            )
            items.extend(
                (flow_id, item) for item in self.rng.sample(self.item_type_ids, k=self.rng.randint(2, 6))
            )
            flow_id += 1
        self.flow_years = dict(per_year)
        loader = self.loader
        loader.copy(
            DataFlow,
            [
                "id",
                "reference",
                "request_id",
                "name",
                "source_asset",
                "asset_id",
                "asset_owner_id",
                "recipient_id",
                "purpose_category",
                "purpose",
                "data_form",
                "art6",
                "art9",
                "confidentiality_basis",
                "transfer_method",
                "frequency",
                "schedule",
                "agreement_id",
                "status",
                "next_review_on",
                "needs_reassessment",
                "reassessment_reason",
                "notes",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
            flows,
            kind="data_flows",
        )
        loader.copy(
            DataFlowHistory,
            ["id", "flow_id", "action", "from_status", "to_status", "actor_id", "comment", "occurred_at"],
            history,
            kind="data_flow_history",
        )
        loader.copy(
            DataFlow.data_items.through, ["dataflow_id", "dataitemtype_id"], items, kind="data_flow_items"
        )

    # -- access requests --

    def make_access_requests(self) -> None:
        from requests_app.deadlines import due_date
        from requests_app.models import AccessRequest, AccessRequestClarification

        total = _scaled(ACCESS_REQUESTS, self.scale)
        open_count = _scaled(round(ACCESS_REQUESTS * 0.03), self.scale)
        received_days = sorted(
            [
                self.when(self.now - timedelta(days=70), self.now - timedelta(hours=1))
                for _ in range(open_count)
            ]
            + [self.growing(self.start, self.now - timedelta(days=75)) for _ in range(total - open_count)]
        )
        open_from = self.now - timedelta(days=70)
        nation = self.nation

        @cache
        def due(kind: str, received: date, verified: date | None, extended: bool) -> date:
            if kind == "sar":
                return due_date("sar", received, identity_verified=verified, extended=extended, nation=nation)
            return due_date(kind, received, extended=extended, nation=nation)

        case_id = self.loader.next_id(AccessRequest)
        clarification_id = self.loader.next_id(AccessRequestClarification)
        cases, clarifications = [], []
        per_kind_year: dict[tuple[str, int], int] = defaultdict(int)
        self.open_cases: list[tuple[int, str, date]] = []
        self.closed_cases: list[tuple[int, str, date, date]] = []
        names = (
            "A. Patel",
            "B. Jones",
            "C. Williams",
            "D. Khan",
            "E. Smith",
            "F. Taylor",
            "G. Brown",
            "H. Wilson",
        )
        for received_at in received_days:
            rng = self.rng
            received = received_at.astimezone().date()
            kind = rng.choices(["sar", "foi", "eir"], [80, 17, 3])[0]
            per_kind_year[(kind, received.year)] += 1
            reference = f"{kind.upper()}-{received.year}-{per_kind_year[(kind, received.year)]:05d}"
            handler = rng.choice(self.ig_team)
            is_open = received_at >= open_from
            status = "in_progress"
            identity_requested = verified = None
            identity_method = ""
            extended = False
            extension_reason = ""
            extension_told = extended_until = responded = withdrawn = None
            outcome = outcome_notes = ""
            clarification: tuple[date, date | None] | None = None
            if kind == "sar":
                if rng.random() < 0.35:
                    identity_requested = received + timedelta(days=rng.randint(0, 3))
                    verified = identity_requested + timedelta(days=rng.randint(1, 12))
                    identity_method = rng.choice(["photo_id", "name_and_address", "written_authority"])
                else:
                    verified, identity_method = received, "known"
            if is_open:
                status = rng.choices(
                    ["received", "awaiting_identity", "awaiting_clarification", "in_progress", "extended"],
                    [18, 14 if kind == "sar" else 0, 10, 50, 8],
                )[0]
                if status == "received":
                    verified, identity_method, identity_requested = None, "", None
                elif status == "awaiting_identity":
                    identity_requested, verified, identity_method = received + timedelta(days=1), None, ""
                elif status == "awaiting_clarification":
                    clarification = (min(received + timedelta(days=rng.randint(1, 8)), self.today), None)
            elif rng.random() < 0.12:
                status = "closed"
            else:
                status = "responded"
            if status == "extended" or (not is_open and rng.random() < 0.06):
                extended = True
                extension_reason = "Complex request: records held in several systems."
                extension_told = received + timedelta(days=rng.randint(5, 20))
            if kind != "sar" and not is_open and rng.random() < 0.05:
                clarification = (received + timedelta(days=rng.randint(1, 5)), None)
                clarification = (clarification[0], clarification[0] + timedelta(days=rng.randint(1, 10)))
            clock_running = status not in {"awaiting_identity", "awaiting_clarification"}
            clarified = clarification[1] if clarification and kind != "sar" else None
            if kind == "sar":
                running_from = verified if verified else received
                statutory = due(kind, received, running_from if verified else None, extended)
                if clarification and clarification[1]:
                    statutory += clarification[1] - clarification[0]
            else:
                statutory = due(kind, clarified or received, None, extended and kind == "eir")
            if kind == "foi" and extended:
                extended_until = statutory + timedelta(days=20)
                statutory_shown = extended_until
            else:
                statutory_shown = statutory
            if kind == "sar" and clarification and clarification[1]:
                statutory_shown = statutory
            due_on = statutory_shown if clock_running else None
            if status == "responded":
                late = rng.random() < 0.08
                assert due_on is not None
                responded = (
                    due_on + timedelta(days=rng.randint(1, 25))
                    if late
                    else due_on - timedelta(days=rng.randint(0, 18))
                )
                responded = max(responded, received + timedelta(days=1))
                outcome = rng.choices(["provided_in_full", "provided_in_part", "not_held"], [50, 35, 15])[0]
                outcome_notes = "Response sent by secure email."
            elif status == "closed":
                outcome = rng.choice(["withdrawn", "refused"])
                if outcome == "withdrawn":
                    withdrawn = received + timedelta(days=rng.randint(2, 20))
                outcome_notes = (
                    "Requester withdrew the request."
                    if withdrawn
                    else "Manifestly unfounded (repeat request)."
                )
            ended = responded or withdrawn
            updated = datetime.combine(ended, received_at.timetz()) if ended else received_at
            if clarification is not None:
                clarifications.append(
                    (
                        clarification_id,
                        case_id,
                        clarification[0],
                        "Which dates and services does your request cover?",
                        clarification[1],
                        datetime.combine(clarification[0], received_at.timetz()),
                    )
                )
                clarification_id += 1
            cases.append(
                (
                    case_id,
                    reference,
                    kind,
                    status,
                    received,
                    rng.choice(["email", "post", "online_form", "phone"]),
                    rng.choice(names),
                    f"requester{case_id}@example.com",
                    "",
                    "",
                    "",
                    "All my records from the last two years."
                    if kind == "sar"
                    else "Spend on agency staff by year.",
                    handler.id,
                    False,
                    identity_requested,
                    verified,
                    identity_method,
                    None,
                    None,
                    None,
                    extended,
                    extension_reason,
                    extension_told,
                    extended_until,
                    responded,
                    withdrawn,
                    outcome,
                    outcome_notes,
                    due_on,
                    handler.id,
                    received_at,
                    updated,
                )
            )
            if due_on is not None:
                if status in {"responded", "closed"}:
                    self.closed_cases.append((case_id, kind, due_on, ended or due_on))
                else:
                    self.open_cases.append((case_id, kind, due_on))
            case_id += 1
        self.access_years = dict(per_kind_year)
        self.loader.copy(
            AccessRequest,
            [
                "id",
                "reference",
                "kind",
                "status",
                "received_on",
                "channel",
                "requester_name",
                "requester_email",
                "requester_phone",
                "requester_address",
                "subject_name",
                "description",
                "handler_id",
                "recent_records_only",
                "identity_requested_on",
                "identity_verified_on",
                "identity_method",
                "fee_amount",
                "fee_requested_on",
                "fee_paid_on",
                "extended",
                "extension_reason",
                "extension_told_on",
                "extended_until",
                "responded_on",
                "withdrawn_on",
                "outcome",
                "outcome_notes",
                "due_on",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
            cases,
            kind="access_requests",
        )
        self.loader.copy(
            AccessRequestClarification,
            ["id", "access_request_id", "asked_on", "question", "answered_on", "created_at"],
            clarifications,
            kind="access_clarifications",
        )

    # -- reminder milestones --

    def make_milestones(self) -> None:
        """The rows the sweeps would have planned on each day they ran: most claimed long ago, the ones
        owed today left for the next sweep (about 1% of all)."""
        from requests_app.models import ReminderMilestone
        from requests_app.reminders import Policy
        from requests_app.reminders.access import access_milestones
        from requests_app.reminders.reviews import review_milestones
        from requests_app.reminders.signoffs import signoff_milestones

        policy = Policy.load()
        today = self.today
        repeat = policy.escalation_repeat_days
        rows: list[tuple[str, int, str, date]] = []
        current: list[int] = []  # indexes of rows owed as of today by objects still open

        @cache
        def access_on(due: date, kind: str, day: date) -> tuple[str, date] | None:
            owed = access_milestones(
                due,
                kind=kind,
                today=day,
                working_days=policy.access_working_days,
                repeat_days=repeat,
                nation=policy.nation,
            )
            return (owed[0].key, owed[0].due_on) if owed else None

        @cache
        def access_days(due: date, kind: str) -> tuple[date, ...]:
            days = {
                due - timedelta(days=offset) for offset in range(0, 3 * max(policy.access_working_days) + 10)
            }
            return tuple(sorted(days))

        def series(
            plan: Callable[[date], tuple[str, date] | None], days: Iterable[date], until: date
        ) -> list[tuple[str, date]]:
            owed: dict[str, date] = {}
            for day in days:
                if day > until:
                    break
                milestone = plan(day)
                if milestone is not None:
                    owed.setdefault(*milestone)
            return sorted(owed.items(), key=lambda item: item[1])

        def overdue_days(due: date, until: date) -> list[date]:
            return [
                due + timedelta(days=1 + week * repeat)
                for week in range(max(0, (until - due).days - 1) // repeat + 1)
                if due + timedelta(days=1 + week * repeat) <= until
            ]

        for case_id, kind, due, ended in self.closed_cases:
            until = min(ended - timedelta(days=1), today)
            plan = lambda day, due=due, kind=kind: access_on(due, kind, day)  # noqa: E731
            for key, on in series(plan, [*access_days(due, kind), *overdue_days(due, until)], until):
                rows.append(("access_requests", case_id, key, on))
        for case_id, kind, due in self.open_cases:
            plan = lambda day, due=due, kind=kind: access_on(due, kind, day)  # noqa: E731
            owed = series(plan, [*access_days(due, kind), *overdue_days(due, today)], today)
            for position, (key, on) in enumerate(owed):
                if position == len(owed) - 1 and access_on(due, kind, today) == (key, on):
                    current.append(len(rows))
                rows.append(("access_requests", case_id, key, on))

        def reviews(source: str, entries: Iterable[tuple[int, date, int]]) -> None:
            for object_id, review_on, created_ordinal in entries:
                for cycle, when in ((0, review_on - timedelta(days=365)), (1, review_on)):
                    if when.toordinal() < created_ordinal + 30:
                        continue
                    until = today if cycle else when
                    days = [when - timedelta(days=n) for n in sorted(policy.review_days, reverse=True)]
                    days += [when, *overdue_days(when, until)]

                    def plan(day: date, when: date = when) -> tuple[str, date] | None:
                        owed = review_milestones(
                            when, today=day, days_before=policy.review_days, repeat_days=repeat
                        )
                        return (owed[0].key, owed[0].due_on) if owed else None

                    owed = series(plan, days, until)
                    for position, (key, on) in enumerate(owed):
                        if cycle and position == len(owed) - 1 and plan(today) == (key, on):
                            current.append(len(rows))
                        rows.append((source, object_id, key, on))

        reviews("flow_reviews", self.review_flows)
        reviews(
            "isa_reviews",
            (
                (version_id, review_on, (self.now - timedelta(days=400)).date().toordinal())
                for version_id, _, review_on, _ in self.active_versions
            ),
        )

        @cache
        def signoff_steps(entered: date) -> tuple[tuple[str, date], ...]:
            owed = signoff_milestones(
                entered,
                stint="",
                today=date.max,
                working_days=policy.signoff_working_days,
                nation=policy.nation,
            )
            return tuple((m.key, m.due_on) for m in owed)

        for status, history_id, request_id, entered, left in self.waits:
            until = left - timedelta(days=1) if left is not None else today
            stint = f"{status}@history-{history_id}"
            owed = [(key, on) for key, on in signoff_steps(entered) if on <= until]
            for position, (key, on) in enumerate(owed):
                if left is None and position == len(owed) - 1 and on >= today - timedelta(days=7):
                    current.append(len(rows))
                rows.append(("signoffs", request_id, stint + key, on))

        # Owed today and not yet claimed: about 1% of all rows; the rest were claimed the day they fell due.
        unclaimed = set(self.rng.sample(current, k=min(len(current), max(1, round(0.01 * len(rows))))))
        milestone_id = self.loader.next_id(ReminderMilestone)

        def generate() -> Iterable[tuple[Any, ...]]:
            for index, (source, object_id, key, on) in enumerate(rows):
                planned = datetime.combine(on, datetime.min.time(), tzinfo=UTC) + timedelta(
                    hours=6, seconds=self.rng.randint(0, 3600)
                )
                if index in unclaimed:
                    yield (milestone_id + index, source, object_id, key, on, planned, None, None, "")
                else:
                    claimed = planned + timedelta(seconds=self.rng.randint(1, 120))
                    yield (
                        milestone_id + index,
                        source,
                        object_id,
                        key,
                        on,
                        planned,
                        claimed,
                        self.uuid(),
                        "notified",
                    )

        self.loader.copy(
            ReminderMilestone,
            [
                "id",
                "source",
                "object_id",
                "milestone",
                "due_on",
                "created_at",
                "claimed_at",
                "claim_token",
                "outcome",
            ],
            generate(),
            kind="reminder_milestones",
        )
        self.loader.counts["reminder_milestones_due_unclaimed"] = len(unclaimed)

    # -- counters --

    def make_counters(self) -> None:
        """The reference counters carry on from the seeded numbers, so new requests do not collide."""
        from requests_app.models import AccessRequestCounter, ReferenceCounter

        for prefix, years in (
            ("ISR", self.per_year),
            ("DF", self.flow_years),
            ("ISA", self.agreement_years),
            ("IA", self.asset_years),
        ):
            for year, last in years.items():
                ReferenceCounter.objects.update_or_create(
                    prefix=prefix, year=year, defaults={"last_number": last}
                )
        for (kind, year), last in self.access_years.items():
            AccessRequestCounter.objects.update_or_create(
                kind=kind, year=year, defaults={"last_number": last}
            )

    # -- the audit trail --

    def write_audit_chain(self) -> None:
        """Every event in time order, each hash covering the event and the hash before it, as
        ``services.audit.audit_record`` computes it, continuing whatever chain the database holds."""
        from requests_app.audit_chain import event_hash
        from requests_app.models import AuditEvent
        from requests_app.models.audit import GENESIS_HASH, audit_key, canonical_event_json

        self.events.sort(key=lambda event: (event.at, event.order))
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
        first_id = self.loader.next_id(AuditEvent)
        key = audit_key()
        micro = timedelta(microseconds=1)

        def generate() -> Iterable[tuple[Any, ...]]:
            nonlocal previous
            for offset, event in enumerate(self.events):
                occurred_at = EPOCH + event.at * micro
                actor = event.actor
                actor_id = actor.id if actor else None
                label = actor.username if actor else ""
                ip = actor.ip if actor else None
                agent = USER_AGENT if actor else ""
                payload = canonical_event_json(
                    occurred_at=occurred_at,
                    actor_id=actor_id,
                    actor_label=label,
                    action=event.action,
                    target_type=event.target_type,
                    target_id=event.target_id,
                    target_label=event.target_label,
                    ip_address=ip,
                    user_agent=agent,
                    detail=event.detail,
                    previous_hash=previous,
                )
                digest = event_hash(payload, key=key)
                yield (
                    first_id + offset,
                    occurred_at,
                    actor_id,
                    label,
                    event.action,
                    event.target_type,
                    event.target_id,
                    event.target_label,
                    ip,
                    agent,
                    json.dumps(event.detail),
                    previous,
                    digest,
                    True,
                )
                previous = digest

        self.loader.copy(
            AuditEvent,
            [
                "id",
                "occurred_at",
                "actor_id",
                "actor_label",
                "action",
                "target_type",
                "target_id",
                "target_label",
                "ip_address",
                "user_agent",
                "detail",
                "previous_hash",
                "hash",
                "keyed",
            ],
            generate(),
            kind="audit_events",
        )
        self.events = []


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is 100,000 sharing requests.")
    parser.add_argument("--seed", type=int, default=2026, help="Seed of the random choices.")
    parser.add_argument(
        "--allow-any-database",
        action="store_true",
        help=f"Seed a database whose name does not start with {BENCH_DATABASE_PREFIX!r}.",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "igportal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        summary = seed(scale=args.scale, rng_seed=args.seed, allow_any_database=args.allow_any_database)
    except SeedRefused as refused:
        print(refused, file=sys.stderr)
        return 2
    for kind, count in sorted(summary.items()):
        print(f"{kind:>36}: {count:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
