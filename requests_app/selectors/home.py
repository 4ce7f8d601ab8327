"""Reads: what a user may see, shaped for the pages that show it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.urls import reverse
from django.utils import timezone

from igportal.roles import Role, roles_of
from requests_app.models import (
    AgreementStatus,
    AgreementVersion,
    AuditEvent,
    DataFlow,
    DataFlowStatus,
    Dpia,
    DpiaStatus,
    Notification,
    Organisation,
    OrganisationSettings,
    RequestStatus,
    SharingRequest,
)
from requests_app.reminders.consent import ConsentRechecks
from requests_app.selectors.access import access_request_due_tasks
from requests_app.selectors.assets import assets_to_screen, requests_awaiting_owner, reviews_due
from requests_app.selectors.dashboard import register_attention
from requests_app.selectors.queues import queue_counts, queue_roles


@dataclass(frozen=True)
class Task:
    text: str
    url: str


@dataclass
class HomeSection:
    role: Role
    heading: str
    duty: str
    tasks: list[Task] = field(default_factory=list)
    empty_message: str = "Nothing needs your attention."


_DUTIES: dict[Role, tuple[str, str]] = {
    Role.REQUESTER: (
        "Your sharing requests",
        "Ask before you share: say what you need to share, with whom and why; the IG team will route it.",
    ),
    Role.IG_OFFICER: (
        "Information governance",
        "Triage new requests, check the answers, route them and keep the registers tidy.",
    ),
    Role.DPO: (
        "Data Protection Officer",
        "Sign off every new flow of personal data and review the registers.",
    ),
    Role.CALDICOTT_GUARDIAN: (
        "Caldicott Guardian",
        "Decide requests to use confidential patient information without consent, police requests and ISAs.",
    ),
    Role.SIRO: ("Senior Information Risk Owner", "Sign off DPIAs and high-risk processing."),
    Role.AUDITOR: ("Audit", "Read the registers and the audit trail. You cannot change anything."),
    Role.INFORMATION_ASSET_OWNER: (
        "Information asset owner",
        "Keep your assets' entries current, authorise sharing from them and see a DPIA done for every new "
        "or changed asset.",
    ),
}
_ROLE_ORDER = (
    Role.REQUESTER,
    Role.INFORMATION_ASSET_OWNER,
    Role.IG_OFFICER,
    Role.DPO,
    Role.CALDICOTT_GUARDIAN,
    Role.SIRO,
    Role.AUDITOR,
)


def _screening_task(count: int, query: str) -> list[Task]:
    """New or amended assets without a DPIA screening [004 5.9]."""
    if not count:
        return []
    text = _plural(count, "asset without a DPIA screening", "assets without a DPIA screening")
    return [Task(text, f"{reverse('asset_list')}?{query}")]


def _asset_owner_tasks(user: User) -> list[Task]:
    waiting = requests_awaiting_owner(user.pk).only("reference", "title")[:10]
    tasks = [
        Task(
            f"Authorise or refuse sharing from your asset: {item.reference} {item.title}".rstrip(),
            reverse("request_detail", args=[item.reference]),
        )
        for item in waiting
    ]
    tasks += _screening_task(
        assets_to_screen(owner_id=user.pk).count(), f"needs_screening=on&owner={user.pk}"
    )
    due = reviews_due(owner_id=user.pk, today=timezone.localdate())
    for key, one, many in (
        ("review_overdue", "asset review overdue", "asset reviews overdue"),
        ("retention_review_due", "asset retention review due", "asset retention reviews due"),
    ):
        if due[key]:
            tasks.append(
                Task(_plural(due[key], one, many), f"{reverse('asset_list')}?{key}=on&owner={user.pk}")
            )
    return [*tasks, Task("Register an information asset", reverse("asset_create"))]


def _settings_tasks(portal: OrganisationSettings) -> list[Task]:
    edit_url = reverse("organisation_settings_edit")
    tasks = [
        Task(f"Name the {label} in the organisation settings", edit_url)
        for label, person_id in (
            ("Caldicott Guardian", portal.caldicott_guardian_id),
            ("Data Protection Officer", portal.dpo_id),
            ("SIRO", portal.siro_id),
        )
        if person_id is None
    ]
    if portal.name == OrganisationSettings._meta.get_field("name").default:
        tasks.insert(0, Task("Give the organisation its real name", edit_url))
    return tasks


def _organisations_missing_contact() -> list[Task]:
    missing = Organisation.objects.filter(active=True, contact_email="").order_by("name")[:10]
    return [
        Task(
            f"Add an IG contact email for {organisation.name}",
            reverse("organisation_edit", args=[organisation.pk]),
        )
        for organisation in missing
    ]


_REQUESTER_PROMPTS = {
    RequestStatus.DRAFT: "Finish your draft",
    RequestStatus.CHANGES_REQUESTED: "Make the changes asked for on",
}


def _requester_tasks(user: User) -> list[Task]:
    waiting = (
        SharingRequest.objects.filter(
            requester=user, status__in=[RequestStatus.DRAFT, RequestStatus.CHANGES_REQUESTED]
        )
        .only("reference", "title", "status")
        .order_by("-updated_at")[:10]
    )
    tasks = [
        Task(
            " ".join((_REQUESTER_PROMPTS[RequestStatus(item.status)], item.reference))
            + (f": {item.title}" if item.title else ""),
            reverse("request_detail", args=[item.reference]),
        )
        for item in waiting
    ]
    # The consent sweep's re-check requests stay on the home page until the requester marks them read.
    rechecks = Notification.objects.filter(
        recipient=user, read_at=None, milestone__source=ConsentRechecks.key
    ).order_by("-created_at")[:10]
    tasks += [Task(notification.subject, notification.link) for notification in rechecks]
    return [Task("Start a new sharing request", reverse("request_list")), *tasks]


def _queue_tasks(user: User) -> dict[Role, list[Task]]:
    """Each reviewing role's queue with its count, from one aggregate query."""
    tasks: dict[Role, list[Task]] = {}
    for count in queue_counts(user):
        if not count.waiting:
            continue
        urgent = f", {count.urgent} urgent or safeguarding" if count.urgent else ""
        task = Task(
            f"{count.waiting} waiting in {count.queue.title}{urgent}",
            reverse("queue", args=[count.queue.slug]),
        )
        for role in queue_roles(count.queue, user):
            tasks.setdefault(role, []).append(task)
    return tasks


def _access_request_tasks(role: Role, roles: frozenset[Role]) -> list[Task]:
    """Overdue and soon-due access requests, once: in the IG section, or the DPO's if not an IG officer."""
    handling = [r for r in (Role.IG_OFFICER, Role.DPO) if r in roles]
    if not handling or role is not handling[0]:
        return []
    return [Task(task.text, task.url) for task in access_request_due_tasks(today=timezone.localdate())]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _register_tasks(role: Role) -> list[Task]:
    """What waits in the registers for this role: overdue reviews for the DPO, approvals and sign-offs."""
    today, now = timezone.localdate(), timezone.now()
    if role is Role.DPO:
        counts = register_attention(today=today, now=now)
        links = [
            (
                counts.ico_overdue,
                "incident whose ICO report is overdue",
                "incidents whose ICO reports are overdue",
                "incident_list",
                "clock_running=on",
            ),
            (
                counts.flow_reviews,
                "data flow review overdue",
                "data flow reviews overdue",
                "flow_list",
                "overdue=on",
            ),
            (
                counts.agreement_reviews,
                "ISA review overdue",
                "ISA reviews overdue",
                "agreement_list",
                "overdue=on",
            ),
            (counts.dpia_reviews, "DPIA review overdue", "DPIA reviews overdue", "dpia_list", "overdue=on"),
            (
                counts.flows_to_reassess,
                "data flow to reassess after consent was withdrawn",
                "data flows to reassess after consent was withdrawn",
                "flow_list",
                "needs_reassessment=on",
            ),
            (
                assets_to_screen().count(),
                "asset without a DPIA screening",
                "assets without a DPIA screening",
                "asset_list",
                "needs_screening=on",
            ),
            (
                counts.dpias_for_advice,
                "DPIA waiting for your advice",
                "DPIAs waiting for your advice",
                "dpia_list",
                "status=awaiting_dpo",
            ),
        ]
        return [
            Task(_plural(count, one, many), f"{reverse(name)}?{query}")
            for count, one, many, name, query in links
            if count
        ]
    if role is Role.CALDICOTT_GUARDIAN:
        waiting = AgreementVersion.objects.filter(status=AgreementStatus.AWAITING_CALDICOTT).count()
        return (
            [
                Task(
                    _plural(waiting, "ISA waiting for your approval", "ISAs waiting for your approval"),
                    f"{reverse('agreement_list')}?status=awaiting_caldicott",
                )
            ]
            if waiting
            else []
        )
    if role is Role.SIRO:
        waiting = Dpia.objects.filter(status=DpiaStatus.AWAITING_SIRO).count()
        return (
            [
                Task(
                    _plural(waiting, "DPIA waiting for your sign-off", "DPIAs waiting for your sign-off"),
                    f"{reverse('dpia_list')}?status=awaiting_siro",
                )
            ]
            if waiting
            else []
        )
    if role is Role.AUDITOR:
        # Nothing waits on a read-only role: its home leads to what there is to read, and how much.
        week = AuditEvent.objects.filter(occurred_at__gte=now - datetime.timedelta(days=7)).count()
        return [
            Task(
                _plural(week, "audit event in the last 7 days", "audit events in the last 7 days"),
                reverse("audit_list"),
            ),
            Task(
                _plural(
                    DataFlow.objects.filter(status=DataFlowStatus.ACTIVE).count(),
                    "active data flow in the registers",
                    "active data flows in the registers",
                ),
                reverse("register_dashboard"),
            ),
        ]
    return []


def home_sections(user: AbstractBaseUser | AnonymousUser) -> list[HomeSection]:
    """One section per role the user holds, each listing what that role should do next."""
    roles = roles_of(user)
    sections: list[HomeSection] = []
    queued = _queue_tasks(user) if isinstance(user, User) else {}
    for role in _ROLE_ORDER:
        if role not in roles:
            continue
        heading, duty = _DUTIES[role]
        section = HomeSection(role=role, heading=heading, duty=duty)
        if role is Role.REQUESTER and isinstance(user, User):
            section.tasks = _requester_tasks(user)
        elif role is Role.INFORMATION_ASSET_OWNER and isinstance(user, User):
            section.tasks = _asset_owner_tasks(user)
        elif role is Role.DPO:
            section.tasks = _settings_tasks(OrganisationSettings.load())
        elif role is Role.IG_OFFICER:
            section.tasks = _organisations_missing_contact()
        section.tasks = queued.get(role, []) + section.tasks
        section.tasks += _access_request_tasks(role, roles)
        section.tasks += _register_tasks(role)
        sections.append(section)
    return sections
