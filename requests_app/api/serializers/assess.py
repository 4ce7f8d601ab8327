"""The rules engine's result, as ``necessity.rules.result_to_dict`` writes it."""

from __future__ import annotations

from rest_framework import serializers

from necessity.rules import ConditionCode, Effect, Outcome, Risk, Stage, choices


class FiredRuleSerializer(serializers.Serializer):
    rule_id = serializers.CharField()
    effect = serializers.ChoiceField(choices=choices(Effect))
    message = serializers.CharField()
    citation = serializers.CharField(
        help_text="The principle, policy paragraph or legal condition relied on."
    )
    overridden = serializers.BooleanField(
        help_text="Set aside by a safeguarding 'share now' decision; kept for the retrospective review."
    )


class ConditionSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=choices(ConditionCode))
    text = serializers.CharField()
    item_codes = serializers.ListField(child=serializers.CharField())
    rule_id = serializers.CharField()


class AssessResultSerializer(serializers.Serializer):
    """The engine's decision: the outcome, every rule that fired with its reason, and the routing."""

    outcome = serializers.ChoiceField(choices=choices(Outcome))
    rules_fired = FiredRuleSerializer(many=True)
    conditions = ConditionSerializer(many=True)
    required_signoffs = serializers.ListField(child=serializers.ChoiceField(choices=choices(Stage)))
    dpia_required = serializers.BooleanField()
    isa_required = serializers.BooleanField()
    risk = serializers.ChoiceField(choices=choices(Risk))
    risk_reasons = serializers.ListField(child=serializers.CharField())
    short_path = serializers.BooleanField()
    share_now = serializers.BooleanField()
    rules_version = serializers.CharField()
