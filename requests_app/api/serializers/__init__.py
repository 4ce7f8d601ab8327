"""Serializers of the API: one module per object kind, plus the shared error shape."""
