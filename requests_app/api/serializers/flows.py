"""The data flow register: each regular flow, its agreement and its reviews."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from requests_app.api.serializers.common import OrganisationRefSerializer, PersonSerializer, blank_choice
from requests_app.models import DataFlow, DataFlowReview, DataItemType, SharingRequest
from requests_app.selectors.flows import REVIEWED_STATUSES


class AgreementRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    title = serializers.CharField()


class DataFlowSerializer(serializers.ModelSerializer):
    """A row of the register."""

    recipient = OrganisationRefSerializer()
    asset_owner = PersonSerializer()
    agreement = AgreementRefSerializer(allow_null=True)
    overdue = serializers.BooleanField(help_text="Its review is overdue.")

    class Meta:
        model = DataFlow
        fields = [
            "id",
            "reference",
            "name",
            "status",
            "source_asset",
            "asset_owner",
            "recipient",
            "purpose_category",
            "schedule",
            "agreement",
            "next_review_on",
            "overdue",
            "needs_reassessment",
        ]
        read_only_fields = fields


class DataFlowReviewSerializer(serializers.ModelSerializer):
    reviewed_by = PersonSerializer()

    class Meta:
        model = DataFlowReview
        fields = ["reviewed_by", "reviewed_at", "note", "cleared_reassessment", "next_review_on"]
        read_only_fields = fields


class DataFlowDetailSerializer(DataFlowSerializer):
    """The whole flow as its page shows it."""

    request: serializers.SlugRelatedField[SharingRequest] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True
    )
    data_items: serializers.SlugRelatedField[DataItemType] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    overdue = serializers.SerializerMethodField()  # type: ignore[assignment]
    reviews = DataFlowReviewSerializer(many=True)
    art9 = blank_choice(DataFlow, "art9")

    class Meta(DataFlowSerializer.Meta):
        fields = [
            *DataFlowSerializer.Meta.fields,
            "request",
            "purpose",
            "data_form",
            "data_items",
            "transfer_method",
            "frequency",
            "art6",
            "art9",
            "confidentiality_basis",
            "reassessment_reason",
            "notes",
            "reviews",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: DataFlow) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        # As on the flow's page: internal notes are for the IG team, not the requester whose flow it is.
        if not self.context.get("show_internal_notes", False):
            data["notes"] = ""
        return data

    def get_overdue(self, flow: DataFlow) -> bool:
        return flow.status in REVIEWED_STATUSES and flow.next_review_on < timezone.localdate()
