"""Access request cases (SAR, FOI, EIR, deceased person's records) with their computed deadline."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from requests_app.access_workflow import PERSON_MOVES, clock
from requests_app.api.serializers.common import PersonSerializer
from requests_app.deadlines import Working
from requests_app.deadlines_deceased import DeceasedWorking
from requests_app.models import (
    AccessRequest,
    AccessRequestClarification,
    AccessRequestOutcome,
    IdentityMethod,
)
from requests_app.models.access import CaseDeadline, ClockState
from requests_app.selectors.access import access_request_actions

ACCESS_TRANSITION_NAMES = list(PERSON_MOVES)


class SkippedDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    reason = serializers.CharField()


class PauseSerializer(serializers.Serializer):
    asked = serializers.DateField()
    answered = serializers.DateField(allow_null=True)
    explanation = serializers.CharField()


class WorkingSerializer(serializers.Serializer):
    """How the due date was worked out, step by step, as the case page shows it."""

    received = serializers.DateField()
    start = serializers.DateField()
    start_reason = serializers.CharField()
    rule = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())
    skipped = SkippedDaySerializer(many=True, help_text="Days not counted (weekends, bank holidays).")
    pauses = PauseSerializer(many=True)
    clock_stopped = serializers.CharField(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())
    due = serializers.DateField()


def working_data(working: Working | DeceasedWorking) -> dict[str, Any]:
    clock_stopped = working.clock_stopped if isinstance(working, Working) else None
    return {
        "received": working.received,
        "start": working.start,
        "start_reason": working.start_reason,
        "rule": working.rule,
        "steps": list(working.steps),
        "skipped": [{"day": skipped.day, "reason": skipped.reason} for skipped in working.skipped],
        "pauses": [
            {"asked": pause.asked, "answered": pause.answered, "explanation": pause.explanation}
            for pause in working.pauses
        ],
        "clock_stopped": str(clock_stopped) if clock_stopped is not None else None,
        "notes": list(working.notes),
        "due": working.due,
    }


class DeadlineSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=[state.value for state in ClockState])
    due = serializers.DateField(allow_null=True, help_text="Null while the clock is not running.")
    projected = serializers.DateField(
        help_text="The statutory date, or what it would be if the awaited item arrived today."
    )
    overdue = serializers.BooleanField()
    headline = serializers.CharField()
    notes = serializers.ListField(child=serializers.CharField())
    working = WorkingSerializer()


def deadline_data(deadline: CaseDeadline) -> dict[str, Any]:
    return {
        "state": deadline.state.value,
        "due": deadline.due,
        "projected": deadline.projected,
        "overdue": deadline.overdue,
        "headline": deadline.headline,
        "notes": list(deadline.notes),
        "working": working_data(deadline.working),
    }


class ClarificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessRequestClarification
        fields = ["asked_on", "question", "answered_on"]
        read_only_fields = fields


class AccessRequestSerializer(serializers.ModelSerializer):
    """A row of the register."""

    handler = PersonSerializer(allow_null=True)
    overdue = serializers.BooleanField(help_text="Open and past its due date.")
    outcome = serializers.ChoiceField(choices=AccessRequestOutcome.choices, allow_blank=True)

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "reference",
            "kind",
            "status",
            "received_on",
            "channel",
            "requester_name",
            "subject_name",
            "handler",
            "due_on",
            "overdue",
            "responded_on",
            "outcome",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AccessRequestDetailSerializer(AccessRequestSerializer):
    """The whole case as its page shows it: details, dated events, the deadline with its working."""

    # Worked out from the deadline here; the list reads the selector's annotation instead.
    overdue = serializers.SerializerMethodField()  # type: ignore[assignment]
    identity_method = serializers.ChoiceField(choices=IdentityMethod.choices, allow_blank=True)
    deadline = serializers.SerializerMethodField()
    clarifications = ClarificationSerializer(many=True)
    available_actions = serializers.SerializerMethodField()

    class Meta(AccessRequestSerializer.Meta):
        fields = [
            *AccessRequestSerializer.Meta.fields,
            "requester_email",
            "requester_phone",
            "requester_address",
            "description",
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
            "withdrawn_on",
            "outcome_notes",
            "deadline",
            "clarifications",
            "available_actions",
        ]
        read_only_fields = fields

    def _deadline(self, case: AccessRequest) -> CaseDeadline:
        cached: CaseDeadline | None = getattr(case, "_api_deadline", None)
        if cached is None:
            cached = case.deadline(today=timezone.localdate(), **self._clock())
            case._api_deadline = cached  # type: ignore[attr-defined]
        return cached

    def _clock(self) -> dict[str, str]:
        """Read once per response: a list serialises many cases."""
        if "clock" not in self.context:
            self.context["clock"] = clock()
        value: dict[str, str] = self.context["clock"]
        return value

    def get_overdue(self, case: AccessRequest) -> bool:
        return self._deadline(case).overdue

    @extend_schema_field(DeadlineSerializer)
    def get_deadline(self, case: AccessRequest) -> dict[str, Any]:
        return DeadlineSerializer(deadline_data(self._deadline(case))).data

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=ACCESS_TRANSITION_NAMES))
    )
    def get_available_actions(self, case: AccessRequest) -> list[str]:
        return [action.name for action in access_request_actions(case)]


class AccessTransitionInputSerializer(serializers.Serializer):
    """One move of the case. Which other fields a move takes is the page's form for it: the move's
    form names any field it does not take."""

    name = serializers.ChoiceField(choices=ACCESS_TRANSITION_NAMES)
    on = serializers.DateField(required=False, help_text="The day the event happened.")
    method = serializers.ChoiceField(choices=IdentityMethod.choices, required=False)
    details = serializers.CharField(required=False, allow_blank=True)
    told_on = serializers.DateField(required=False, allow_null=True)
    extended_until = serializers.DateField(required=False, allow_null=True)
    outcome = serializers.ChoiceField(choices=AccessRequestOutcome.choices, required=False)
