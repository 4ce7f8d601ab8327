"""The information asset register, the processors and the record of processing (UK GDPR Art 30)."""

from __future__ import annotations

from rest_framework import serializers

from requests_app.api.serializers.common import PersonSerializer
from requests_app.models import DataFlow, InformationAsset, Processor
from requests_app.services.assets import PROCESSOR_FIELDS


class ProcessorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Processor
        fields = ["id", *PROCESSOR_FIELDS]
        read_only_fields = fields


class AssetSerializer(serializers.ModelSerializer):
    """A row of the register."""

    owner = PersonSerializer()

    class Meta:
        model = InformationAsset
        fields = [
            "id",
            "reference",
            "name",
            "status",
            "owner",
            "business_area",
            "asset_format",
            "special_category",
            "sensitivity",
            "dspt_critical",
            "next_review_on",
        ]
        read_only_fields = fields


class AssetDetailSerializer(AssetSerializer):
    """The whole entry as its page shows it."""

    administrator = PersonSerializer(allow_null=True)
    delegate = PersonSerializer(allow_null=True)
    processors = ProcessorSerializer(many=True)
    flows: serializers.SlugRelatedField[DataFlow] = serializers.SlugRelatedField(
        slug_field="reference", many=True, read_only=True
    )

    class Meta(AssetSerializer.Meta):
        fields = [
            *AssetSerializer.Meta.fields,
            "description",
            "administrator",
            "delegate",
            "location",
            "data_subjects",
            "data_categories",
            "art6",
            "art9",
            "confidentiality_basis",
            "retention_period",
            "retention_authority",
            "security_measures",
            "processors",
            "flows",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RopaRowSerializer(serializers.Serializer):
    """One processing activity of the record: an asset held for its purposes, or a flow sharing from it."""

    reference = serializers.CharField()
    activity = serializers.CharField()
    kind = serializers.CharField(help_text="Holding or Sharing.")
    asset = serializers.CharField()
    owner = serializers.CharField()
    purpose = serializers.CharField()
    data_subjects = serializers.CharField()
    personal_data = serializers.CharField()
    special_category = serializers.BooleanField()
    art6 = serializers.CharField()
    art9 = serializers.CharField()
    confidentiality = serializers.CharField()
    recipients = serializers.CharField()
    processors = serializers.CharField()
    retention = serializers.CharField()
    security_measures = serializers.CharField()
    agreement = serializers.CharField()
    agreement_ends = serializers.DateField(allow_null=True)
