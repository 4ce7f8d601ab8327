"""The incident log: breaches and near misses, graded, with the ICO's 72 hours."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from requests_app.api.serializers.common import PersonSerializer
from requests_app.incident_grading import ICO_DEADLINE
from requests_app.models import DataFlow, Incident, SharingRequest


class IncidentSerializer(serializers.ModelSerializer):
    """A row of the log."""

    request: serializers.SlugRelatedField[SharingRequest] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    flow: serializers.SlugRelatedField[DataFlow] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    overdue = serializers.BooleanField(
        help_text="Reportable to the ICO, not yet reported, and past 72 hours."
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "kind",
            "category",
            "title",
            "status",
            "occurred_at",
            "aware_at",
            "likelihood",
            "severity",
            "ico_reportable",
            "reported_to_ico_at",
            "overdue",
            "request",
            "flow",
        ]
        read_only_fields = fields


class IncidentDetailSerializer(IncidentSerializer):
    """The whole incident as its page shows it."""

    overdue = serializers.SerializerMethodField()  # type: ignore[assignment]
    reported_by = PersonSerializer()

    class Meta(IncidentSerializer.Meta):
        fields = [
            *IncidentSerializer.Meta.fields,
            "description",
            "people_affected",
            "reportability_reason",
            "ico_reference",
            "actions",
            "person_informed_on",
            "explanation",
            "apology_given",
            "not_informed_reason",
            "reported_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_overdue(self, incident: Incident) -> bool:
        # The selector's ico_overdue, for one incident.
        return (
            incident.ico_reportable
            and incident.reported_to_ico_at is None
            and incident.aware_at < timezone.now() - ICO_DEADLINE
        )
