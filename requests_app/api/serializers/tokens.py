"""Personal API tokens: the list never shows a secret; creation shows the token once."""

from __future__ import annotations

from rest_framework import serializers

from requests_app.models import ApiToken, ApiTokenScope
from requests_app.services.api_tokens import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS


class ApiTokenSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scope",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "active",
        ]
        read_only_fields = fields


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    """A new token; ``context["plaintext"]`` is the token, which exists nowhere else."""

    token = serializers.SerializerMethodField(
        help_text="The token itself. It is shown only now: store it somewhere safe."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields

    def get_token(self, token: ApiToken) -> str:
        plaintext: str = self.context["plaintext"]
        return plaintext


class ApiTokenInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="What the token is for.")
    scope = serializers.ChoiceField(
        choices=ApiTokenScope.choices,
        help_text=(
            "read: GET only. write: everything the owner may do (MFA roles: only from a verified session)."
        ),
    )
    expires_in_days = serializers.IntegerField(
        min_value=1, max_value=MAX_LIFETIME_DAYS, default=DEFAULT_LIFETIME_DAYS, required=False
    )
