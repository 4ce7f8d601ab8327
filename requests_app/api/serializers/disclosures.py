"""The disclosure log: each sharing or refusal, with the law it relied on."""

from __future__ import annotations

from rest_framework import serializers

from requests_app.api.serializers.common import OrganisationRefSerializer, PersonSerializer, blank_choice
from requests_app.models import Disclosure, SharingRequest
from requests_app.models.disclosures import ENTRY_FIELDS


class DisclosureSerializer(serializers.ModelSerializer):
    """A row of the log."""

    request: serializers.SlugRelatedField[SharingRequest] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    recipient = OrganisationRefSerializer()
    disclosed_by = PersonSerializer()
    transfer_method = blank_choice(Disclosure, "transfer_method")

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "reference",
            "kind",
            "request",
            "recipient",
            "purpose_category",
            "disclosed_on",
            "disclosed_by",
            "transfer_method",
            "recorded_at",
        ]
        read_only_fields = fields


class DisclosureDetailSerializer(DisclosureSerializer):
    """The whole entry as its page shows it."""

    recorded_by = PersonSerializer()
    art6 = blank_choice(Disclosure, "art6")
    art9 = blank_choice(Disclosure, "art9")
    confidentiality_basis = blank_choice(Disclosure, "confidentiality_basis")

    class Meta(DisclosureSerializer.Meta):
        fields = [
            *DisclosureSerializer.Meta.fields,
            *(name for name in ENTRY_FIELDS if name not in DisclosureSerializer.Meta.fields),
            "recorded_by",
        ]
        read_only_fields = fields
