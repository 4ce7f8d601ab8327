"""Sharing requests as the API shows them: the list row, the full record, and its workflow events."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from necessity.steps import STEPS, applicable_steps
from requests_app.api.serializers.assess import ConditionSerializer, FiredRuleSerializer
from requests_app.api.serializers.common import OrganisationRefSerializer, PersonSerializer
from requests_app.models import (
    Assessment,
    Decision,
    RequestComment,
    RequestHistory,
    RequestStatus,
    SharingRequest,
    SignOff,
    SignOffStage,
)
from requests_app.services.sharing import can_edit_answers
from requests_app.workflow import TRANSITIONS, available_transitions, current_stage

STEP_NAMES = [step.name for step in STEPS]
TRANSITION_NAMES = list(TRANSITIONS)
# Submitting freezes an assessment, so it has its own endpoint.
API_TRANSITIONS = [name for name in TRANSITIONS if name != "submit"]


class SharingRequestSerializer(serializers.ModelSerializer):
    """A row of the list: what the register pages show."""

    requester = PersonSerializer()
    recipient = OrganisationRefSerializer(allow_null=True)
    purpose_category = serializers.CharField(help_text="Blank until the purpose step is saved.")
    urgency = serializers.CharField(help_text="Blank until the purpose step is saved.")
    frequency = serializers.CharField(help_text="Blank until the purpose step is saved.")
    direction = serializers.CharField(help_text="Blank until the purpose step is saved.")
    data_form = serializers.CharField(help_text="Blank until the data step is saved.")

    class Meta:
        model = SharingRequest
        fields = [
            "reference",
            "status",
            "title",
            "requester",
            "recipient",
            "purpose_category",
            "urgency",
            "frequency",
            "direction",
            "data_form",
            "created_at",
            "updated_at",
            "submitted_at",
        ]
        read_only_fields = fields


class SignOffSerializer(serializers.ModelSerializer):
    signer = PersonSerializer()
    stage = serializers.ChoiceField(choices=SignOffStage.choices)
    decision = serializers.ChoiceField(choices=Decision.choices)

    class Meta:
        model = SignOff
        fields = ["stage", "decision", "conditions", "reasons", "signer", "signed_at"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    """A frozen assessment: the engine's outcome with its reasons and conditions, and the sign-offs so far."""

    reasons = FiredRuleSerializer(many=True, source="result.rules_fired")
    conditions = ConditionSerializer(many=True, source="result.conditions")
    risk_reasons = serializers.ListField(child=serializers.CharField(), source="result.risk_reasons")
    share_now = serializers.BooleanField(source="result.share_now")
    required_signoffs = serializers.ListField(child=serializers.ChoiceField(choices=SignOffStage.choices))
    signoffs = SignOffSerializer(many=True)

    class Meta:
        model = Assessment
        fields = [
            "number",
            "rules_version",
            "outcome",
            "risk",
            "dpia_required",
            "isa_required",
            "required_signoffs",
            "reasons",
            "conditions",
            "risk_reasons",
            "share_now",
            "assessed_on",
            "created_at",
            "signoffs",
        ]
        read_only_fields = fields


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=TRANSITION_NAMES)
    # Declared fields are taken off the class by DRF's metaclass: this does not shadow Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    comment_required = serializers.BooleanField()
    is_decision = serializers.BooleanField()


class StepStateSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=STEP_NAMES)
    title = serializers.CharField()
    saved = serializers.BooleanField(help_text="Valid answers for this step are saved.")
    unsaved_input = serializers.BooleanField(help_text="Input was kept that is not (yet) valid.")


class SharingRequestDetailSerializer(SharingRequestSerializer):
    """The whole record as its page shows it, with the latest assessment and what the caller may do."""

    current_step = serializers.CharField()
    stages = serializers.ListField(child=serializers.ChoiceField(choices=SignOffStage.choices))
    current_stage = serializers.SerializerMethodField()
    assigned_to = PersonSerializer(allow_null=True)
    can_edit_answers = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()

    class Meta(SharingRequestSerializer.Meta):
        fields = [
            *SharingRequestSerializer.Meta.fields,
            "current_step",
            "stages",
            "current_stage",
            "assigned_to",
            "can_edit_answers",
            "available_transitions",
            "steps",
            "assessment",
        ]
        read_only_fields = fields

    def _user(self) -> User:
        user = self.context["request"].user
        assert isinstance(user, User)
        return user

    @extend_schema_field(serializers.ChoiceField(choices=SignOffStage.choices, allow_null=True))
    def get_current_stage(self, obj: SharingRequest) -> str | None:
        return current_stage(obj)

    def get_can_edit_answers(self, obj: SharingRequest) -> bool:
        return can_edit_answers(self._user(), obj)

    @extend_schema_field(TransitionOptionSerializer(many=True))
    def get_available_transitions(self, obj: SharingRequest) -> list[dict[str, Any]]:
        return [
            {
                "name": t.name,
                "label": t.label,
                "comment_required": t.reason_required,
                "is_decision": t.is_decision,
            }
            for t in available_transitions(self._user(), obj)
        ]

    @extend_schema_field(StepStateSerializer(many=True))
    def get_steps(self, obj: SharingRequest) -> list[dict[str, Any]]:
        special = any(item.item_type.special_category for item in obj.items.select_related("item_type"))
        return [
            {
                "name": step.name,
                "title": step.title,
                "saved": step.name in obj.answers,
                "unsaved_input": step.name in obj.draft_input,
            }
            for step in applicable_steps(obj.answers, special_category=special)
        ]

    @extend_schema_field(AssessmentSerializer(allow_null=True))
    def get_assessment(self, obj: SharingRequest) -> dict[str, Any] | None:
        latest = obj.assessments.prefetch_related("signoffs__signer").order_by("-number").first()
        return None if latest is None else AssessmentSerializer(latest).data


class HistorySerializer(serializers.ModelSerializer):
    actor = PersonSerializer()
    from_status = serializers.ChoiceField(choices=RequestStatus.choices)
    to_status = serializers.ChoiceField(choices=RequestStatus.choices)

    class Meta:
        model = RequestHistory
        fields = ["action", "from_status", "to_status", "actor", "comment", "occurred_at"]
        read_only_fields = fields


class CommentSerializer(serializers.ModelSerializer):
    author = PersonSerializer()

    class Meta:
        model = RequestComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = fields


class TransitionInputSerializer(serializers.Serializer):
    """Fire one workflow transition; the workflow service decides who may and what it needs."""

    name = serializers.ChoiceField(choices=API_TRANSITIONS, help_text="Submit has its own endpoint.")
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Reasons; required for all but a plain approval.",
    )
    conditions = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="Required to approve with conditions."
    )


class StepAnswersSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=STEP_NAMES)
    title = serializers.CharField()
    applies = serializers.BooleanField(help_text="False when earlier answers make this step unnecessary.")
    answers = serializers.DictField(
        allow_null=True, help_text="The saved answers, or null if none are saved."
    )
    unsaved_input = serializers.DictField(
        allow_null=True, help_text="What was typed on the page but is not (yet) valid, or null."
    )
