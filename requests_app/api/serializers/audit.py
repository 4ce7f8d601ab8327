"""Audit events, read-only, for the DPO and auditors."""

from __future__ import annotations

from rest_framework import serializers

from requests_app.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    detail = serializers.DictField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "ip_address",
            "user_agent",
            "detail",
            "previous_hash",
            "hash",
        ]
        read_only_fields = fields
