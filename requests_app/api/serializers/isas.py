"""The ISA register: each agreement, the version shown (the one in force, or else the latest) and its
versions, each with its stored PDF once it came into force."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from requests_app.api.serializers.common import OrganisationRefSerializer, PersonSerializer, blank_choice
from requests_app.models import AgreementStatus, AgreementVersion, DataItemType, SharingAgreement
from requests_app.services.isas import CONTENT_FIELDS


class AgreementVersionSerializer(serializers.ModelSerializer):
    """One version of the agreement, as the agreement's page shows it."""

    parties = OrganisationRefSerializer(many=True)
    data_items: serializers.SlugRelatedField[DataItemType] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    approved_by = PersonSerializer(allow_null=True)
    art6 = blank_choice(AgreementVersion, "art6")
    art9 = blank_choice(AgreementVersion, "art9")
    confidentiality_basis = blank_choice(AgreementVersion, "confidentiality_basis")
    data_form = blank_choice(AgreementVersion, "data_form")
    transfer_method = blank_choice(AgreementVersion, "transfer_method")
    pdf = serializers.SerializerMethodField(
        help_text="The stored PDF's path, once the version came into force."
    )

    class Meta:
        model = AgreementVersion
        fields = [
            "number",
            "status",
            "parties",
            "data_items",
            *CONTENT_FIELDS,
            "approved_by",
            "approved_at",
            "created_at",
            "updated_at",
            "pdf",
        ]
        read_only_fields = fields

    def get_pdf(self, version: AgreementVersion) -> str | None:
        if not hasattr(version, "document"):
            return None
        return f"/api/v1/agreements/{version.agreement_id}/v{version.number}.pdf"


class AgreementVersionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementVersion
        fields = ["number", "status", "start_on", "end_on", "review_on", "approved_at"]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    """A row of the register: the agreement with its shown version's status, dates and partners."""

    version = serializers.IntegerField(source="shown.number", help_text="The number of the version shown.")
    status = serializers.ChoiceField(source="shown_status", choices=AgreementStatus.choices)
    parties = OrganisationRefSerializer(source="shown.parties.all", many=True)
    start_on = serializers.DateField(source="shown.start_on", allow_null=True)
    end_on = serializers.DateField(allow_null=True)
    review_on = serializers.DateField(allow_null=True, help_text="The version in force's review date.")
    overdue = serializers.BooleanField(help_text="The version in force is past its review date.")
    flow_count = serializers.IntegerField(help_text="Data flows under the agreement that have not ended.")

    class Meta:
        model = SharingAgreement
        fields = [
            "id",
            "reference",
            "title",
            "version",
            "status",
            "parties",
            "start_on",
            "end_on",
            "review_on",
            "overdue",
            "flow_count",
            "created_at",
        ]
        read_only_fields = fields


class AgreementDetailSerializer(serializers.ModelSerializer):
    """The agreement, its shown version in full and the list of its versions."""

    created_by = PersonSerializer()
    shown = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    class Meta:
        model = SharingAgreement
        fields = ["id", "reference", "title", "created_by", "created_at", "shown", "versions"]
        read_only_fields = fields

    @extend_schema_field(AgreementVersionSerializer)
    def get_shown(self, agreement: SharingAgreement) -> dict[str, Any]:
        return AgreementVersionSerializer(self.context["shown"]).data

    @extend_schema_field(AgreementVersionRefSerializer(many=True))
    def get_versions(self, agreement: SharingAgreement) -> list[dict[str, Any]]:
        versions = agreement.versions.order_by("-number")
        return list(AgreementVersionRefSerializer(versions, many=True).data)
