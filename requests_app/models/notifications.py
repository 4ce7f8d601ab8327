"""What each person was told, in the portal and by email, and how the email fared."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from requests_app.models.disclosures import ConsentWithdrawalNotice
from requests_app.models.isas import AgreementHistory
from requests_app.models.reminders import ReminderMilestone
from requests_app.models.sharing import RequestHistory


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be emailed"
    SENDING = "sending", "Being emailed"
    SENT = "sent", "Emailed"
    RETRYING = "retrying", "Email failed, will try again"
    FAILED = "failed", "Email failed"
    NOT_EMAILED = "not_emailed", "In the portal only (no email address)"


# The states in which an email is still owed; the delivery sweep looks only at these.
OWED_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.RETRYING)


class Notification(models.Model):
    """One message to one person: shown in their notification list and, if they have an address, emailed.

    Or one message to another organisation (a withdrawal of consent, [001 s6]): no person in the portal
    receives it, so it has no recipient and is only emailed, through the same send window and retries.

    Written only by ``requests_app.services.notifications``. ``message_id`` is fixed when the row is
    made, so an email sent again after a crash in the send window carries the same Message-ID.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # What it is about: a reminder milestone, a workflow event (a request's, or an ISA version's such as a
    # partner's question) or a notice of withdrawn consent (one).
    milestone = models.ForeignKey(
        ReminderMilestone, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    history = models.ForeignKey(
        RequestHistory, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    agreement_history = models.ForeignKey(
        AgreementHistory, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    consent_notice = models.OneToOneField(
        ConsentWithdrawalNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="notification"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    email = models.EmailField(blank=True, help_text="The address at the time the notification was made.")
    message_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When the delivery sweep should look at it again: a retry's backoff, a lost queue message's grace
    # or, while sending, the end of the send lease.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The Celery task holding the send lease; its own redelivery may take the lease back at once.
    sending_task_id = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "recipient"],
                condition=models.Q(milestone__isnull=False),
                name="notification_once_per_milestone",
            ),
            models.UniqueConstraint(
                fields=["history", "recipient"],
                condition=models.Q(history__isnull=False),
                name="notification_once_per_history",
            ),
            models.UniqueConstraint(
                fields=["agreement_history", "recipient"],
                condition=models.Q(agreement_history__isnull=False),
                name="notification_once_per_agreement_history",
            ),
            # With the next constraint: about one thing at most.
            models.CheckConstraint(
                condition=models.Q(agreement_history__isnull=True)
                | models.Q(milestone__isnull=True, history__isnull=True, consent_notice__isnull=True),
                name="notification_agreement_history_alone",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(milestone__isnull=True, history__isnull=True)
                    | models.Q(milestone__isnull=True, consent_notice__isnull=True)
                    | models.Q(history__isnull=True, consent_notice__isnull=True)
                ),
                name="notification_one_subject",
            ),
            # A person in the portal receives everything but a notice to another organisation.
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, consent_notice__isnull=True)
                | models.Q(recipient__isnull=True, consent_notice__isnull=False),
                name="notification_recipient_or_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=OWED_STATUSES),
                name="notification_owed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.subject}"
