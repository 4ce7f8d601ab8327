"""Writes: every change to the foundation objects goes through one of these."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from igportal.roles import Role, has_role
from requests_app.models import Organisation, OrganisationSettings
from requests_app.permissions import can_edit_organisation_settings, can_manage_organisations

_ORGANISATION_FIELDS = ("name", "kind", "ods_code", "contact_name", "contact_email", "active")
_NAMED_OFFICERS: tuple[tuple[str, Role], ...] = (
    ("caldicott_guardian", Role.CALDICOTT_GUARDIAN),
    ("dpo", Role.DPO),
    ("siro", Role.SIRO),
)


def _apply(obj: Any, fields: tuple[str, ...], data: dict[str, Any]) -> None:
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(obj, name, value)


@transaction.atomic
def organisation_create(*, actor: User, **data: Any) -> Organisation:
    if not can_manage_organisations(actor):
        raise PermissionDenied("Only the IG team can add partner organisations.")
    organisation = Organisation()
    _apply(organisation, _ORGANISATION_FIELDS, data)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, **data: Any) -> Organisation:
    if not can_manage_organisations(actor):
        raise PermissionDenied("Only the IG team can change partner organisations.")
    _apply(organisation, _ORGANISATION_FIELDS, data)
    organisation.full_clean()
    organisation.save()
    return organisation


# A month to ten years: settings outside these leave the consent rules unusable either way [001].
CONSENT_MAX_AGE_BOUNDS = (30, 3650)


@transaction.atomic
def organisation_settings_update(*, actor: User, **data: Any) -> OrganisationSettings:
    if not can_edit_organisation_settings(actor):
        raise PermissionDenied("Only the Data Protection Officer can change the organisation's settings.")
    current = OrganisationSettings.objects.select_for_update().get(pk=OrganisationSettings.load().pk)
    fields = ("name", "ods_code", "nation", "consent_max_age_days", *(name for name, _ in _NAMED_OFFICERS))
    _apply(current, fields, data)
    errors = {
        field: f"{person} does not hold the {role.label} role; grant the role first."
        for field, role in _NAMED_OFFICERS
        if (person := getattr(current, field)) is not None and not has_role(person, role)
    }
    if current.dpo is None:
        # Escalations, overdue reviews and the decision log all go to the named DPO [004 5.7].
        errors["dpo"] = "Name the Data Protection Officer: escalations and overdue reviews go to them."
    low, high = CONSENT_MAX_AGE_BOUNDS
    if not low <= int(current.consent_max_age_days or 0) <= high:
        errors["consent_max_age_days"] = (
            f"Re-check consent older than between {low} and {high} days: a shorter age would send "
            "every request back for a re-check, a longer one would rely on consent long out of date."
        )
    if errors:
        raise ValidationError(errors)
    current.full_clean()
    current.save()
    return current
