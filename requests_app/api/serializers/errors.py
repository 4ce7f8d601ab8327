from __future__ import annotations

from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(
        help_text="A stable machine-readable code, such as `invalid` or `not_found`."
    )
    message = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    # DRF's metaclass takes declared fields off the class, so this does not shadow Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field, keyed by the field's (dotted) name; empty when no field is at fault.",
    )


class ErrorSerializer(serializers.Serializer):
    """Every API error has this shape."""

    error = ErrorDetailSerializer()
