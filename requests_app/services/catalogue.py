from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from requests_app.models import DataItemType
from requests_app.permissions import can_manage_organisations

CATALOGUE_FIELDS = (
    "code",
    "name",
    "description",
    "identifying",
    "special_category",
    "less_identifying_alternative",
    "active",
    "sort_order",
)


@transaction.atomic
def data_item_type_save(*, actor: User, item_type: DataItemType | None = None, **data: Any) -> DataItemType:
    """Add a catalogue entry or change one; requests already assessed keep their frozen copy."""
    if not can_manage_organisations(actor):
        raise PermissionDenied("Only the IG team can change the data item catalogue.")
    unknown = set(data) - set(CATALOGUE_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    target = item_type or DataItemType()
    for name, value in data.items():
        setattr(target, name, value)
    target.full_clean()
    target.save()
    return target
