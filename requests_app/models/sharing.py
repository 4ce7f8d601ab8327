"""Sharing requests, the data item catalogue they draw on, and frozen assessments."""

from __future__ import annotations

from enum import nonmember

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import JSONField, Value
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from necessity.rules import PurposeCategory, choices
from requests_app.models.organisations import Organisation
from requests_app.models.status import StatusChoices

_PURPOSE_LABELS = dict(choices(PurposeCategory))
# History rows the IG team's routing writes, which are not transitions of the workflow table.
_ROUTING_ACTIONS = {
    "add_stage": "Add a sign-off stage",
    "assign": "Assign",
    "add_partner": "Add the recipient as a partner",
}


class RequestStatus(StatusChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    AWAITING_IAO = "awaiting_iao", "Awaiting information asset owner"
    IG_REVIEW = "ig_review", "In IG review"
    AWAITING_CALDICOTT = "awaiting_caldicott", "Awaiting Caldicott Guardian"
    AWAITING_SIRO = "awaiting_siro", "Awaiting SIRO"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Shared and closed"
    # Approved, but in the end nothing was shared: closed with the reason, so no approval is left open.
    NOT_SHARED = "not_shared", "Not shared after all"

    colours = nonmember(
        {
            "draft": "grey",
            "changes_requested": "orange",
            "approved": "green",
            "approved_with_conditions": "green",
            "closed": "green",
            "not_shared": "grey",
            "rejected": "red",
            "withdrawn": "red",
        }
    )


class DataItemType(models.Model):
    """One entry of the catalogue of data items a request can include; kept by the IG team."""

    code = models.CharField(
        max_length=50,
        unique=True,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]*$", "Use lower case letters, digits and underscores.")],
    )
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    identifying = models.BooleanField(help_text="Identifies a person on its own or with other items.")
    special_category = models.BooleanField(
        help_text="UK GDPR Article 9 special category data, such as health."
    )
    less_identifying_alternative = models.CharField(
        max_length=120, blank=True, help_text="What could be sent instead, e.g. age band for date of birth."
    )
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ReferenceCounter(models.Model):
    """The last number used for each prefix and year; incremented under a row lock."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class SharingRequest(models.Model):
    """One proposed disclosure or receipt of information, from draft to decision."""

    reference = models.CharField(max_length=20, unique=True)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=32, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    title = models.CharField(max_length=200, blank=True)
    # Copied out of the answers when their step is saved, so queues can filter and sort in SQL.
    recipient = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A recipient the requester named because it is not yet a partner; the IG team adds it and links it.
    recipient_unlisted = models.CharField(max_length=200, blank=True, default="", db_default="")
    purpose_category = models.CharField(max_length=32, blank=True)
    urgency = models.CharField(max_length=16, blank=True)
    frequency = models.CharField(max_length=16, blank=True)
    direction = models.CharField(max_length=16, blank=True)
    data_form = models.CharField(max_length=16, blank=True)
    # The wizard's saved answers, one key per completed step (what each step's form cleaned).
    answers = models.JSONField(default=dict, blank=True)
    # What the person typed but has not yet saved as valid, one key per step, so nothing is lost.
    draft_input = models.JSONField(default=dict, blank=True)
    current_step = models.CharField(max_length=40, blank=True)
    # The sign-off stages this request passes through, in order (engine's routing plus any the IG team added).
    stages = models.JSONField(default=list, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The key of the first-step form that created this draft: posting that form twice (a double click,
    # a retried request) finds this draft instead of making a second one.
    creation_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["requester", "creation_key"], name="request_creation_key_unique")
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["requester", "-created_at"]),
            # The requester's list pages through their requests by latest change.
            models.Index(fields=["requester", "-updated_at", "-id"], name="request_requester_changed_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def recipient_label(self) -> str:
        """Who receives it: the partner, or the name the requester gave for one not yet listed."""
        if self.recipient is not None:
            return self.recipient.name
        if self.recipient_unlisted:
            return f"{self.recipient_unlisted} (not yet a partner: the IG team will add it)"
        return ""

    audit_type = "sharing_request"

    @property
    def audit_label(self) -> str:
        return self.reference

    @property
    def is_safeguarding(self) -> bool:
        return self.purpose_category == "safeguarding"

    @property
    def is_urgent(self) -> bool:
        return self.is_safeguarding or self.urgency in {"urgent", "emergency"}

    @property
    def purpose_label(self) -> str:
        """The kind of purpose in the wizard's words ("Police or crime"), empty until it is chosen."""
        return _PURPOSE_LABELS.get(self.purpose_category, self.purpose_category)


class SharingRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(SharingRequest, on_delete=models.CASCADE)


class SharingRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(SharingRequest, on_delete=models.CASCADE)


class RequestItem(models.Model):
    """A data item chosen for a request, with the requester's justification."""

    request = models.ForeignKey(SharingRequest, on_delete=models.CASCADE, related_name="items")
    item_type = models.ForeignKey(DataItemType, on_delete=models.PROTECT, related_name="+")
    justification = models.TextField(blank=True)
    essential = models.BooleanField(null=True)

    class Meta:
        ordering = ["item_type__sort_order", "item_type__name"]
        constraints = [models.UniqueConstraint(fields=["request", "item_type"], name="request_item_unique")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.item_type_id}"


class Assessment(models.Model):
    """The answers and the engine's result, frozen at submission with the rules version used.

    Never changed after it is written: a resubmission makes a new one, and the history keeps all.
    """

    request = models.ForeignKey(SharingRequest, on_delete=models.CASCADE, related_name="assessments")
    number = models.PositiveSmallIntegerField()
    answers = models.JSONField()
    result = models.JSONField()
    rules_version = models.CharField(max_length=20)
    # The organisation policy version the engine was given; null for assessments made before policies
    # were versioned (rules version 1), which used the defaults and the consent age of the time.
    # Keyed on the version number, so ``policy_id`` is the version a page can show without a query.
    policy = models.ForeignKey(
        "requests_app.OrganisationPolicy",
        to_field="version",
        db_column="policy_version",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(max_length=32)
    risk = models.CharField(max_length=10)
    dpia_required = models.BooleanField()
    isa_required = models.BooleanField()
    required_signoffs = models.JSONField()
    assessed_on = models.DateField(
        help_text="The 'today' the engine was run for (consent age depends on it)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["request", "-number"]
        constraints = [models.UniqueConstraint(fields=["request", "number"], name="assessment_number_unique")]

    def __str__(self) -> str:
        return f"{self.request_id} assessment {self.number}"


class RequestHistory(models.Model):
    """One row per state change of a request: append-only, written only by the transition service."""

    request = models.ForeignKey(SharingRequest, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=32, choices=RequestStatus.choices)
    to_status = models.CharField(max_length=32, choices=RequestStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    occurred_at = models.DateTimeField(auto_now_add=True)
    # Claimed by the notification task with a conditional update, so each change is announced once.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "occurred_at", "id"]
        verbose_name_plural = "request history"
        indexes = [
            # The delivery sweep finds events whose announcement task was lost; few rows are ever unclaimed.
            models.Index(
                fields=["occurred_at"],
                condition=models.Q(notified_at__isnull=True),
                name="history_unannounced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} -> {self.to_status}"

    @property
    def action_label(self) -> str:
        """What was done, in the words of the button that did it ("Start the IG review")."""
        # Imported here: the workflow table is built on these models.
        from requests_app.workflow import TRANSITIONS

        spec = TRANSITIONS.get(self.action)
        if spec is not None:
            return spec.label
        return _ROUTING_ACTIONS.get(self.action, self.action.replace("_", " ").capitalize())


class SignOffStage(models.TextChoices):
    IAO = "iao", "Information asset owner"
    IG_DPO = "ig_dpo", "IG / Data Protection Officer"
    CALDICOTT_GUARDIAN = "caldicott_guardian", "Caldicott Guardian"
    SIRO = "siro", "SIRO"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Approve with conditions"
    REQUEST_CHANGES = "request_changes", "Request changes"
    REJECT = "reject", "Reject"


class OverrideKind(models.TextChoices):
    """How a sign-off departs from the engine's advice; each needs a reason of real length."""

    APPROVED_DO_NOT_SHARE = "approved_do_not_share", "Approved what the engine advised not to share"
    DROPPED_CONDITIONS = "dropped_conditions", "Approved without conditions the engine set"
    REFUSED_SHARE = "refused_share", "Refused what the engine advised to share"


class SignOff(models.Model):
    """One decision at one stage of one assessment round, with its reasons."""

    request = models.ForeignKey(SharingRequest, on_delete=models.CASCADE, related_name="signoffs")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="signoffs")
    stage = models.CharField(max_length=32, choices=SignOffStage.choices)
    decision = models.CharField(max_length=32, choices=Decision.choices)
    conditions = models.TextField(blank=True)
    reasons = models.TextField(blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The officer whose sign-off the signer holds by delegation (requests_app.models.delegations); the
    # signature is theirs, given by the signer on their behalf. Empty when signers sign in their own role.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    # What the engine advised for the assessment signed, kept beside the decision so an override is
    # visible without re-reading the frozen result (and stays so if the result's shape ever changes).
    # Database defaults as well, so rows written outside the ORM (the benchmark's COPY) stay valid.
    engine_outcome = models.CharField(max_length=32, blank=True, default="", db_default="")
    override = models.CharField(
        max_length=32, choices=OverrideKind.choices, blank=True, default="", db_default=""
    )
    # The approval's conditions as data, for the disclosure and flow forms: the engine's conditions the
    # signer kept ({"code", "text", "item_codes"}) and a transfer method the signer named.
    kept_conditions = models.JSONField(default=list, blank=True, db_default=Value([], JSONField()))
    dropped_conditions = models.JSONField(default=list, blank=True, db_default=Value([], JSONField()))
    required_method = models.CharField(max_length=40, blank=True, default="", db_default="")

    class Meta:
        ordering = ["request", "signed_at", "id"]
        indexes = [
            # The DPO's decision log lists overrides only, newest first.
            models.Index(
                fields=["-signed_at"], condition=~models.Q(override=""), name="signoff_override_idx"
            ),
        ]
        constraints = [
            # One signature per stage per assessment round: a second is impossible, not just unlikely.
            models.UniqueConstraint(fields=["assessment", "stage"], name="signoff_one_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.stage}: {self.decision}"

    @property
    def is_override(self) -> bool:
        return bool(self.override)


class RequestComment(models.Model):
    """A note on a request, visible to everyone who can see the request."""

    request = models.ForeignKey(SharingRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} comment {self.pk}"


class DecisionRecord(models.Model):
    """A decision record rendered to PDF when a request is decided: stored once, with its content hash."""

    request = models.ForeignKey(SharingRequest, on_delete=models.PROTECT, related_name="decision_records")
    # The decision it records; one document per decision, so a second render of the same event is a no-op.
    decided_by_event = models.OneToOneField(RequestHistory, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200, help_text="The file name, by the record naming convention.")
    file = models.FileField(upload_to="decision-records/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="decision_record_version_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SupportingDocument(models.Model):
    """A file attached to a request (a police request form), to an information sharing agreement (a signed
    copy, an annex) or to a processor (its data processing contract): checked, stored under a new name. It
    belongs to exactly one of them."""

    request = models.ForeignKey(
        SharingRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    agreement = models.ForeignKey(
        "requests_app.SharingAgreement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    # A processor's signed data processing contract [UK GDPR Art 28(3)].
    processor = models.ForeignKey(
        "requests_app.Processor",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Shown to people only; the file on disk is named by the portal, never by the uploader.
    original_name = models.CharField(max_length=200)
    file = models.FileField(upload_to="supporting-documents/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(request__isnull=False, agreement__isnull=True, processor__isnull=True)
                | models.Q(request__isnull=True, agreement__isnull=False, processor__isnull=True)
                | models.Q(request__isnull=True, agreement__isnull=True, processor__isnull=False),
                name="supporting_document_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
