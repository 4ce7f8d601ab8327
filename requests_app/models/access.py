"""Access request cases: subject access, FOI, EIR and deceased person's records.

The deadline arithmetic is not here: ``AccessRequest.deadline`` gathers the case's dates and hands them
to ``requests_app.deadlines`` (SAR, FOI, EIR) or ``requests_app.deadlines_deceased`` (AHRA 1990), so the
pages, the stored ``due_on`` and the reminders of a later issue all get the same date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum, nonmember

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from igportal.dates import long_date as _fmt
from requests_app.deadlines import RequestKind, Working, deadline_working
from requests_app.deadlines_deceased import DeceasedWorking, deceased_records_working
from requests_app.deadlines_reviews import (
    complaint_working,
    eisr_request_working,
    fee_lapses_on,
    foisa_request_working,
    review_request_deadline,
    review_working,
    with_fee_notices,
)
from requests_app.foi_exemptions import EXEMPTIONS, Exemption
from requests_app.models.history import StateHistory
from requests_app.models.status import StatusChoices


class AccessRequestKind(models.TextChoices):
    SAR = "sar", "Subject access request (SAR)"
    FOI = "foi", "Freedom of information (FOI)"
    EIR = "eir", "Environmental information (EIR)"
    DECEASED = "deceased", "Deceased person's records (AHRA 1990)"
    RECTIFICATION = "rectification", "Rectification (UK GDPR Art 16)"
    ERASURE = "erasure", "Erasure (UK GDPR Art 17)"
    RESTRICTION = "restriction", "Restriction of processing (UK GDPR Art 18)"
    PORTABILITY = "portability", "Data portability (UK GDPR Art 20)"
    OBJECTION = "objection", "Objection to processing (UK GDPR Art 21)"
    REVIEW = "review", "Internal review of a FOI or EIR answer"
    APPEAL = "appeal", "Complaint to the Information Commissioner"
    COMPLAINT = "complaint", "Data protection complaint (DPA 2018 s164A)"

    @property
    def prefix(self) -> str:
        """The first part of the human reference, e.g. ``SAR`` in ``SAR-2026-00012``."""
        return _PREFIXES.get(self.value, self.value.upper())


# References stay within 20 characters: the longer kinds get short prefixes.
_PREFIXES = {
    "deceased": "DEC",
    "rectification": "RECT",
    "erasure": "ERAS",
    "restriction": "REST",
    "portability": "PORT",
    "objection": "OBJ",
    "review": "REV",
    "appeal": "ICO",
    "complaint": "DPC",
}


class AccessRequestStatus(StatusChoices):
    RECEIVED = "received", "Received"
    AWAITING_IDENTITY = "awaiting_identity", "Awaiting identity"
    AWAITING_CLARIFICATION = "awaiting_clarification", "Awaiting clarification (clock stopped)"
    IN_PROGRESS = "in_progress", "In progress"
    EXTENDED = "extended", "Extended"
    RESPONDED = "responded", "Responded"
    CLOSED = "closed", "Closed"

    colours = nonmember(
        {
            "awaiting_identity": "yellow",
            "awaiting_clarification": "purple",
            "in_progress": "aqua-green",
            "extended": "orange",
            "responded": "green",
            "closed": "grey",
        }
    )


OPEN_STATUSES: frozenset[str] = frozenset(
    {
        AccessRequestStatus.RECEIVED,
        AccessRequestStatus.AWAITING_IDENTITY,
        AccessRequestStatus.AWAITING_CLARIFICATION,
        AccessRequestStatus.IN_PROGRESS,
        AccessRequestStatus.EXTENDED,
    }
)


class AccessRequestChannel(models.TextChoices):
    EMAIL = "email", "Email"
    POST = "post", "Post"
    ONLINE_FORM = "online_form", "Online form"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"
    OTHER = "other", "Other"


class ReplyMethod(models.TextChoices):
    """How the requester asked to be answered (the online form asks; logged cases may leave it blank)."""

    EMAIL = "email", "By email"
    POST = "post", "By post"


class IdentityMethod(models.TextChoices):
    PHOTO_ID = "photo_id", "Photo identity document"
    NAME_AND_ADDRESS = "name_and_address", "Documents showing name and address"
    KNOWN = "known", "Checked against information we already hold"
    WRITTEN_AUTHORITY = "written_authority", "Written authority from the data subject (acting for them)"
    PROBATE = "probate", "Grant of probate or letters of administration"
    OTHER = "other", "Other"


class Regulator(models.TextChoices):
    ICO = "ico", "Information Commissioner's Office"
    SIC = "sic", "Scottish Information Commissioner"


class AccessRequestOutcome(models.TextChoices):
    PROVIDED_IN_FULL = "provided_in_full", "Information provided in full"
    PROVIDED_IN_PART = "provided_in_part", "Information provided in part (some withheld)"
    NOT_HELD = "not_held", "Information not held"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn by the requester"
    COMPLIED = "complied", "Carried out in full"
    COMPLIED_IN_PART = "complied_in_part", "Carried out in part (the rest refused, with reasons)"
    LAPSED = "lapsed", "Closed: the requester did not reply while the clock was paused"
    UPHELD = "upheld", "Upheld: the original answer stands"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld: some more released"
    OVERTURNED = "overturned", "Overturned: the information released"
    RESOLVED = "resolved", "Resolved"


# What a person may close a case as; ``lapsed`` is the portal's own (the ``lapse`` move).
PERSON_CLOSING_OUTCOMES: tuple[str, ...] = (AccessRequestOutcome.WITHDRAWN, AccessRequestOutcome.REFUSED)
RESPONSE_OUTCOMES: tuple[str, ...] = (
    AccessRequestOutcome.PROVIDED_IN_FULL,
    AccessRequestOutcome.PROVIDED_IN_PART,
    AccessRequestOutcome.NOT_HELD,
    AccessRequestOutcome.COMPLIED,
    AccessRequestOutcome.COMPLIED_IN_PART,
    AccessRequestOutcome.UPHELD,
    AccessRequestOutcome.PARTLY_UPHELD,
    AccessRequestOutcome.OVERTURNED,
    AccessRequestOutcome.RESOLVED,
)
# The other data subject rights (UK GDPR Arts 16-21): the same one-month clock as a SAR (Art 12(3)), the
# same identity and fee pauses and clarification stops (Art 12A), but a decision, not a disclosure.
RIGHTS_KINDS: frozenset[str] = frozenset(
    {
        AccessRequestKind.RECTIFICATION,
        AccessRequestKind.ERASURE,
        AccessRequestKind.RESTRICTION,
        AccessRequestKind.PORTABILITY,
        AccessRequestKind.OBJECTION,
    }
)
ONE_MONTH_KINDS: frozenset[str] = RIGHTS_KINDS | {AccessRequestKind.SAR}
# Art 19: a rectification, erasure or restriction carried out is told to each recipient of the data.
ART19_KINDS: frozenset[str] = frozenset(
    {AccessRequestKind.RECTIFICATION, AccessRequestKind.ERASURE, AccessRequestKind.RESTRICTION}
)
RIGHTS_OUTCOMES: tuple[str, ...] = (AccessRequestOutcome.COMPLIED, AccessRequestOutcome.COMPLIED_IN_PART)
# A review or an appeal ends upheld, partly upheld or overturned (the Commissioner's decision notice, or
# the review's own finding); a data protection complaint, with its outcome (resolved).
FOLLOW_UP_OUTCOMES: tuple[str, ...] = (
    AccessRequestOutcome.UPHELD,
    AccessRequestOutcome.PARTLY_UPHELD,
    AccessRequestOutcome.OVERTURNED,
)
ANSWER_OUTCOMES: tuple[str, ...] = (
    AccessRequestOutcome.PROVIDED_IN_FULL,
    AccessRequestOutcome.PROVIDED_IN_PART,
    AccessRequestOutcome.NOT_HELD,
)
CLOSING_OUTCOMES: tuple[str, ...] = (
    AccessRequestOutcome.WITHDRAWN,
    AccessRequestOutcome.REFUSED,
    AccessRequestOutcome.LAPSED,
)
# A case's details, as the form edits them and the service takes them (not its kind, status or the dated
# events its moves record).
DETAIL_FIELDS: tuple[str, ...] = (
    "received_on",
    "channel",
    "requester_name",
    "requester_email",
    "requester_phone",
    "requester_address",
    "subject_name",
    "description",
    "handler",
    "recent_records_only",
    "fee_amount",
    "fee_requested_on",
    "fee_paid_on",
    "searches_proportionate",
    "searches_note",
    "publish_in_disclosure_log",
    "disclosure_log_summary",
)
# The kinds whose requester must prove who they are (or, for AHRA, their entitlement) before the clock runs.
IDENTITY_KINDS: frozenset[str] = ONE_MONTH_KINDS | {AccessRequestKind.DECEASED}
# What a member of the public may ask for through the online form (deceased person's records need the
# applicant's entitlement (AHRA 1990 s3(1)(f)) shown on paper, so they are asked by the IG team).
# A data protection complaint may be made online too, as DPA 2018 s164A(2) asks controllers to facilitate.
ONLINE_KINDS: frozenset[str] = frozenset(
    {AccessRequestKind.SAR, AccessRequestKind.FOI, AccessRequestKind.EIR, AccessRequestKind.COMPLAINT}
)
# UK GDPR Art 12(5) (any Art 15-22 request) and AHRA 1990 s3(4) allow a fee in some cases; a FOI fees
# notice (FOIA s9; FOISA s9) stops the FOI count until the fee is paid (s10(2) of each) and lets the
# request lapse when it is not paid within three months (FOIA s9(2); FOISA s9(4)). An EIR charge is
# recorded as any fee but does not stop the clock here (see docs/access_requests.md).
FEE_KINDS: frozenset[str] = IDENTITY_KINDS | {AccessRequestKind.FOI, AccessRequestKind.EIR}
# The kinds whose fee is a pause of the clock, with its own start and end.
FEE_PAUSE_KINDS: frozenset[str] = frozenset({AccessRequestKind.SAR, AccessRequestKind.FOI})


# Cases that follow a FOI or EIR answer, linked to it.
FOLLOW_UP_KINDS: frozenset[str] = frozenset({AccessRequestKind.REVIEW, AccessRequestKind.APPEAL})
# What the IG team logs as a new case: a review or an appeal is logged from the case it follows.
LOGGABLE_KIND_CHOICES: list[tuple[str, str]] = [
    (value, label) for value, label in AccessRequestKind.choices if value not in FOLLOW_UP_KINDS
]


def outcomes_for(kind: str) -> tuple[str, ...]:
    """What a response of this kind may record: a decision for a right, a disclosure otherwise."""
    if kind in RIGHTS_KINDS:
        return RIGHTS_OUTCOMES
    if kind in FOLLOW_UP_KINDS:
        return FOLLOW_UP_OUTCOMES
    if kind == AccessRequestKind.COMPLAINT:
        return (AccessRequestOutcome.RESOLVED,)
    return ANSWER_OUTCOMES


# --- the case's clock ------------------------------------------------------------------------------------


class PauseReason(models.TextChoices):
    """Why a case waits on its requester (UK GDPR Art 12A, inserted by the Data (Use and Access) Act 2025
    s76, in force 5 February 2026 by SI 2026/82): for information to confirm identity (Art 12(6)), for a
    fee where one may be charged (Art 12(5)), or for clarification of what is asked. The period runs from
    the latest of these to arrive, so each is a category of pause with its own start and end."""

    IDENTITY = "identity", "Proof of identity"
    CLARIFICATION = "clarification", "Clarification"
    FEE = "fee", "Fee"


@dataclass(frozen=True)
class Pause:
    """One wait on the requester: its reason category, the day asked, and the day it ended (None: open)."""

    reason: PauseReason
    started: date
    ended: date | None

    @property
    def days(self) -> int | None:
        return None if self.ended is None else (self.ended - self.started).days


# What a FOI case waits for while a fees notice is unpaid: the count stops (FOIA s10(2); FOISA s10(2)).
FOI_FEE_WAIT = "the fee (fees notice)"


class ClockState(StrEnum):
    RUNNING = "running"
    NOT_STARTED = "not_started"
    STOPPED = "stopped"
    FINISHED = "finished"


@dataclass(frozen=True)
class CaseDeadline:
    """A case's deadline as the pages show it and ``due_on`` stores it.

    ``working`` is always computed: while the clock is not running it shows the date as it would be if
    the awaited evidence or answer arrived today (``projected``). ``due`` is what ``due_on`` stores:
    None while the clock is not running, since a case cannot be late while the law has stopped its clock.
    """

    state: ClockState
    working: Working | DeceasedWorking
    due: date | None
    headline: str
    notes: tuple[str, ...]
    overdue: bool = False

    @property
    def projected(self) -> date:
        """The engine's date: the statutory due date, or what it would be if the awaited item came today."""
        return self.working.due


# --- models ----------------------------------------------------------------------------------------------


class AccessRequestCounter(models.Model):
    """The last reference number given per kind and year; a row lock on it hands out the next one."""

    kind = models.CharField(max_length=16, choices=AccessRequestKind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="access_counter_kind_year")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last_number}"


class AccessRequest(models.Model):
    """One access request case. Changed only through ``requests_app.services.access``; its status only
    along ``requests_app.access_workflow``, each move with a history row and an audit event."""

    audit_type = "access_request"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    kind = models.CharField("Type", max_length=16, choices=AccessRequestKind.choices)
    status = models.CharField(
        max_length=32, choices=AccessRequestStatus.choices, default=AccessRequestStatus.RECEIVED
    )
    received_on = models.DateField("Date received")
    channel = models.CharField("Received by", max_length=16, choices=AccessRequestChannel.choices)

    requester_name = models.CharField("Requester's name", max_length=200)
    requester_email = models.EmailField("Requester's email", blank=True)
    requester_phone = models.CharField("Requester's phone", max_length=40, blank=True)
    requester_address = models.TextField("Requester's postal address", blank=True)
    subject_name = models.CharField(
        "Data subject or deceased person",
        max_length=200,
        blank=True,
        help_text="For a SAR made on someone else's behalf, the person the data is about. "
        "For deceased person's records, the patient who died.",
    )
    description = models.TextField("What is asked for")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Assigned handler",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_access_requests",
    )
    recent_records_only = models.BooleanField(
        "Every record asked for was made in the 40 days before the application",
        default=False,
        help_text="Deceased person's records only: access is then due in 21 days instead of 40.",
    )

    identity_requested_on = models.DateField("Proof of identity asked for on", null=True, blank=True)
    identity_verified_on = models.DateField("Identity verified on", null=True, blank=True)
    identity_method = models.CharField(
        "How identity was verified", max_length=32, choices=IdentityMethod.choices, blank=True
    )

    fee_amount = models.DecimalField(
        "Fee (£)", max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    fee_requested_on = models.DateField("Fee asked for on", null=True, blank=True)
    fee_paid_on = models.DateField("Fee paid on", null=True, blank=True)

    extended = models.BooleanField(default=False)
    extension_reason = models.TextField("Why the deadline was extended", blank=True)
    extension_told_on = models.DateField("Requester told of the extension on", null=True, blank=True)
    extended_until = models.DateField(
        "Extended response date",
        null=True,
        blank=True,
        help_text="FOI public interest extension only: the date the full response is now due.",
    )

    responded_on = models.DateField("Response sent on", null=True, blank=True)
    withdrawn_on = models.DateField("Withdrawn on", null=True, blank=True)
    outcome = models.CharField(max_length=32, choices=AccessRequestOutcome.choices, blank=True)
    outcome_notes = models.TextField("Outcome details", blank=True)
    recipients_told = models.TextField(
        "Recipients told (UK GDPR Art 19)",
        blank=True,
        default="",
        db_default="",
        help_text="Rectification, erasure and restriction: who the change was told to, or why no one was.",
    )

    # Denormalised from ``deadline()`` by the service on every change so that lists and the reminder
    # sweep filter in SQL; None while the clock is not running.
    due_on = models.DateField("Due", null=True, blank=True, editable=False)

    # UK GDPR Art 15(1A) (inserted by the Data (Use and Access) Act 2025, treated as in force from 1 January
    # 2024): the requester is entitled to what a reasonable and proportionate search finds; the note says
    # what was searched.
    searches_proportionate = models.BooleanField(
        "Searches were reasonable and proportionate", default=False, db_default=False
    )
    searches_note = models.TextField("What was searched", blank=True, default="", db_default="")
    # When the requester was told the case closed itself after a pause passed its limit; set by the task.
    lapse_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    # FOI and EIR only, opt-in per case: the answer is listed in the public disclosure log under this
    # summary, which the IG team writes for publication (never the requester's words or anyone's name).
    publish_in_disclosure_log = models.BooleanField(
        "Publish in the disclosure log", default=False, db_default=False
    )
    disclosure_log_summary = models.TextField(
        "Summary for the disclosure log",
        blank=True,
        default="",
        db_default="",
        help_text="What was asked and released, written for the public: no names or other personal data.",
    )

    # A review or an appeal: the FOI or EIR case it follows. An appeal: which Commissioner, and the date
    # the Commissioner asked for the authority's response (there is no statutory clock on the authority).
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups", editable=False
    )
    regulator = models.CharField(
        max_length=8, choices=Regulator.choices, blank=True, editable=False, default="", db_default=""
    )
    regulator_due_on = models.DateField("Response to the Commissioner due", null=True, blank=True)
    # A data protection complaint: when it was acknowledged (DPA 2018 s164A).
    acknowledged_on = models.DateField("Acknowledged on", null=True, blank=True, editable=False)

    reply_by = models.CharField(
        "How to reply", max_length=16, choices=ReplyMethod.choices, blank=True, default="", db_default=""
    )
    # Online requests only: when the acknowledgement email (reference and due date, nothing the requester
    # typed) was sent; set by the task that claims it, so a second run sends nothing.
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)

    # None: made by a member of the public through the online form (``channel`` is then "online_form").
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="access_status_due"),
            # The dashboard's deadlines chart: the last year's responses with their due dates.
            models.Index(
                fields=["responded_on"],
                include=["due_on"],
                condition=models.Q(due_on__isnull=False),
                name="access_responded_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=AccessRequestStatus.RESPONDED)
                | (models.Q(responded_on__isnull=False) & models.Q(outcome__in=RESPONSE_OUTCOMES)),
                name="access_responded_has_date_and_outcome",
            ),
            models.CheckConstraint(
                condition=(
                    ~models.Q(status=AccessRequestStatus.CLOSED) | models.Q(outcome__in=CLOSING_OUTCOMES)
                ),
                name="access_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("access_request_detail", args=[self.pk])

    @property
    def audit_label(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def pauses(self) -> list[Pause]:
        """Every wait on the requester, by reason category, oldest first (from the dates its moves record)."""
        found = [
            Pause(PauseReason.CLARIFICATION, asked, answered)
            for asked, answered in ((c.asked_on, c.answered_on) for c in self.clarifications.all())
        ]
        if self.identity_requested_on is not None:
            verified = self.identity_verified_on
            ended = max(verified, self.identity_requested_on) if verified is not None else None
            found.append(Pause(PauseReason.IDENTITY, self.identity_requested_on, ended))
        if self.kind in FEE_PAUSE_KINDS and self.fee_requested_on is not None:
            found.append(Pause(PauseReason.FEE, self.fee_requested_on, self.fee_paid_on))
        return sorted(found, key=lambda pause: (pause.started, pause.reason))

    @property
    def open_pause(self) -> Pause | None:
        """The longest-running wait still open on an open case, if any."""
        if not self.is_open:
            return None
        return next((pause for pause in self.pauses() if pause.ended is None), None)

    def deadline(self, *, today: date, nation: str, regime: str = "foia") -> CaseDeadline:
        """The deadline and its working as of ``today``; a finished case is read as of the day it ended.

        ``nation`` is the organisation's setting (``OrganisationSettings.nation``), whose bank holidays a
        SAR's date skips; ``regime`` its FOI law (``foia`` or ``foisa``); the caller reads them once per
        page or batch.
        """
        ended = self.responded_on or self.withdrawn_on
        as_of = ended if ended is not None and not self.is_open else today
        if self.kind in FOLLOW_UP_KINDS or self.kind == AccessRequestKind.COMPLAINT:
            return self._follow_up_deadline(today=today, nation=nation, regime=regime)
        clarifications = [(c.asked_on, c.answered_on) for c in self.clarifications.all()]
        awaiting_clarification = any(answered is None for _, answered in clarifications)
        awaiting_identity = self.identity_requested_on is not None and self.identity_verified_on is None
        awaiting_fee = (
            self.kind in ONE_MONTH_KINDS and self.fee_requested_on is not None and self.fee_paid_on is None
        )
        notes: list[str] = []
        working: Working | DeceasedWorking
        waiting_since: date | None = None
        waiting_for = ""
        if self.kind == AccessRequestKind.DECEASED:
            further_information = list(clarifications)
            if self.identity_requested_on is not None:
                further_information.append((self.identity_requested_on, self.identity_verified_on))
            working = deceased_records_working(
                self.received_on,
                recent_records_only=self.recent_records_only,
                further_information=further_information,
                nation=nation,
                today=as_of,
            )
            waiting_since, waiting_for = working.waiting_since, "further information (AHRA 1990 s3(6))"
            if self.fee_amount is not None:
                notes.append("A fee for copies does not move an AHRA 1990 date.")
        elif self.kind in ONE_MONTH_KINDS:
            # Every Art 15-22 request runs on the SAR clock: one month, extendable by two (Art 12(3)).
            working = deadline_working(
                "sar",
                self.received_on,
                identity_verified=as_of if awaiting_identity else self.identity_verified_on,
                fee_paid=as_of if awaiting_fee else self.fee_paid_on,
                extended=self.extended,
                nation=nation,
                pauses=clarifications,
                today=as_of,
            )
            if awaiting_identity:
                waiting_since, waiting_for = self.identity_requested_on, "proof of identity"
            elif awaiting_fee:
                waiting_since, waiting_for = self.fee_requested_on, "the fee"
            elif working.clock_stopped is not None:
                waiting_since, waiting_for = working.clock_stopped.since, "clarification"
            first_month = working.first_month_due
            told = self.extension_told_on
            if first_month is not None and told is not None and told > first_month:
                notes.append(
                    f"The requester was told of the extension on {_fmt(told)}, after "
                    f"the first month ended on {_fmt(first_month)}: UK GDPR Art 12(3) requires telling "
                    "them within it."
                )
        else:
            answered = [answered for _, answered in clarifications if answered is not None]
            clarified = as_of if awaiting_clarification else max(answered, default=None)
            if self.kind == AccessRequestKind.FOI and regime == "foisa":
                working = foisa_request_working(self.received_on, clarified=clarified)
            elif self.kind == AccessRequestKind.EIR and regime == "foisa":
                working = eisr_request_working(self.received_on, clarified=clarified, extended=self.extended)
            else:
                working = deadline_working(
                    self.kind, self.received_on, clarified=clarified, extended=self.extended, nation=nation
                )
            if self.kind == AccessRequestKind.FOI and self.fee_requested_on is not None:
                # A fees notice stops the count until the fee arrives (FOIA s10(2); FOISA s10(2)).
                working = with_fee_notices(
                    working,
                    regime=regime,
                    fee_notices=[(self.fee_requested_on, self.fee_paid_on)],
                    today=as_of,
                )
                if self.fee_paid_on is None:
                    waiting_since, waiting_for = self.fee_requested_on, FOI_FEE_WAIT
                    lapses = _fmt(fee_lapses_on(self.fee_requested_on))
                    section = "FOISA s9(4)" if regime == "foisa" else "FOIA s9(2)"
                    notes.append(
                        f"If the fee is not paid, the request lapses on {lapses} ({section}: three months "
                        "beginning with the day the fees notice was given)."
                    )
            if awaiting_clarification:
                waiting_since = max(asked for asked, answered in clarifications if answered is None)
                waiting_for = "clarification"
        return self._case_deadline(working, waiting_since, waiting_for, notes, today=today)

    def _follow_up_deadline(self, *, today: date, nation: str, regime: str) -> CaseDeadline:
        """A review's, an appeal's or a complaint's clock (``requests_app.deadlines_reviews``)."""
        notes: list[str] = []
        working: Working | DeceasedWorking
        if self.kind == AccessRequestKind.COMPLAINT:
            working = complaint_working(self.received_on, nation=nation)
            if self.acknowledged_on is not None and self.is_open:
                # Acknowledged: the Act sets no date for the outcome, only "without undue delay".
                return CaseDeadline(
                    state=ClockState.RUNNING,
                    working=working,
                    due=None,
                    headline=f"Acknowledged {_fmt(self.acknowledged_on)}: the outcome is due without undue "
                    "delay (DPA 2018 s164A)",
                    notes=(),
                )
        elif self.kind == AccessRequestKind.REVIEW:
            original_kind = self.original.kind if self.original is not None else AccessRequestKind.FOI
            working = review_working(
                self.received_on, original_kind=original_kind, regime=regime, extended=self.extended
            )
            original = self.original
            if original is not None and original.responded_on is not None:
                last, rule = review_request_deadline(
                    original.responded_on, original_kind=original.kind, regime=regime
                )
                if self.received_on > last:
                    notes.append(
                        f"Asked for on {_fmt(self.received_on)}, after the last day ({_fmt(last)}: {rule})."
                    )
        else:
            # The authority's answer to the Commissioner: the date the Commissioner set, no statutory clock.
            due = self.regulator_due_on or self.received_on
            working = Working(
                kind=RequestKind.FOI,
                nation=None,
                received=self.received_on,
                start=self.received_on,
                start_reason=f"The Commissioner's letter arrived on {_fmt(self.received_on)}.",
                rule="The date the Commissioner set for our response: the law sets no date for it "
                "(FOIA s50; FOISA s47).",
                steps=(f"Set by the Commissioner -> {_fmt(due)}",),
                skipped=(),
                pauses=(),
                days_added=0,
                clock_stopped=None,
                notes=(),
                due=due,
            )
        return self._case_deadline(working, None, "", notes, today=today)

    def _case_deadline(
        self,
        working: Working | DeceasedWorking,
        waiting_since: date | None,
        waiting_for: str,
        notes: list[str],
        *,
        today: date,
    ) -> CaseDeadline:
        due: date | None = working.due
        overdue = False
        if self.kind == AccessRequestKind.FOI and self.extended_until is not None:
            due = self.extended_until
            notes.append(
                f"Public interest extension (FOIA s10(3)): the full response is due by "
                f"{_fmt(self.extended_until)}; the 20th working day was {_fmt(working.due)}."
            )
        if waiting_since is not None:
            stops = waiting_for in {"clarification", FOI_FEE_WAIT}
            state = ClockState.STOPPED if stops else ClockState.NOT_STARTED
            due = None
            verb = "stopped" if state is ClockState.STOPPED else "not started"
            headline = (
                f"Clock {verb}: waiting since {_fmt(waiting_since)} for {waiting_for}. If it arrived today "
                f"the response would be due {_fmt(working.due)}."
            )
        else:
            assert due is not None
            state = ClockState.RUNNING
            headline = f"Due {_fmt(due)}"
            overdue = today > due and self.is_open
            if overdue:
                days = (today - due).days
                headline += f": overdue by {days} day{'s' if days != 1 else ''}"
        if not self.is_open:
            if self.responded_on is not None:
                ended = f"Response sent {_fmt(self.responded_on)}"
                if due is not None:
                    late = (self.responded_on - due).days
                    ended += f", {late} day{'s' if late != 1 else ''} late" if late > 0 else ", on time"
            else:
                ended = f"Withdrawn {_fmt(self.withdrawn_on)}" if self.withdrawn_on else "Closed"
            headline = f"{ended}. " + (f"It was due {_fmt(due)}." if due else "The clock was not running.")
            state = ClockState.FINISHED
        return CaseDeadline(
            state=state, working=working, due=due, headline=headline, notes=tuple(notes), overdue=overdue
        )


class AccessRequestClarification(models.Model):
    """One clarification asked of the requester: a clock stop for a SAR, a restart for FOI and EIR."""

    access_request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="clarifications")
    asked_on = models.DateField("Asked on")
    question = models.TextField("What was asked")
    answered_on = models.DateField("Answered on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["asked_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["access_request"],
                condition=models.Q(answered_on__isnull=True),
                name="access_clarification_one_open",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(answered_on__isnull=True) | models.Q(answered_on__gte=models.F("asked_on"))
                ),
                name="access_clarification_answered_after_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.access_request} clarification asked {self.asked_on}"


class AccessRequestExemption(models.Model):
    """One exemption (FOIA Part II, FOISA Part 2) or exception (EIR regs 12, 13) a response relied on, with
    its public interest test when it is qualified; written by the ``respond`` or ``close`` move."""

    access_request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="exemptions")
    code = models.CharField(max_length=24)
    public_interest = models.TextField("Public interest test", blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["access_request", "code"], name="access_exemption_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.access_request} {self.code}"

    @property
    def exemption(self) -> Exemption:
        return EXEMPTIONS[self.code]


class AccessRequestRedaction(models.Model):
    """One line of a case's redaction log: what was withheld from which document, and under what."""

    access_request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="redactions")
    document = models.CharField("Document", max_length=200)
    location = models.CharField("Where in it", max_length=200, blank=True)
    withheld = models.TextField("What was withheld")
    code = models.CharField("Exemption or exception", max_length=24)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.access_request} redaction in {self.document}"

    @property
    def exemption(self) -> Exemption:
        return EXEMPTIONS[self.code]


class AccessRequestDocument(models.Model):
    """A file the requester sent with an online request (proof of identity): checked as every upload is
    (``services.uploads.check_upload``) and stored under a generated name."""

    access_request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="documents")
    original_name = models.CharField(max_length=200)
    file = models.FileField(upload_to="access-request-documents/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


ONLINE_ACTOR_NAME = "the requester (online form)"


class AccessRequestHistory(StateHistory):
    """One row per move or change of a case: append-only, written only by ``services.workflow``."""

    access_request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="history")

    status_choices = AccessRequestStatus

    class Meta:
        ordering = ["access_request", "occurred_at", "id"]
        verbose_name_plural = "access request history"

    @property
    def actor_name(self) -> str:
        # A case logged by a person names them; the only one made with no account behind it is the one a
        # member of the public sends at /ask/ (services.access.access_request_submit_online), so it is
        # the requester's, not a scheduled task's. The portal's own later moves (``lapse``) stay its own.
        if self.actor_id is None and self.action == "create":
            return ONLINE_ACTOR_NAME
        return super().actor_name

    def __str__(self) -> str:
        return f"{self.access_request_id}: {self.from_status} -> {self.to_status}"
