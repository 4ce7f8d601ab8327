"""Writes: every change to the foundation objects goes through one of these."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from igportal.roles import Role, has_role
from requests_app.models import Organisation, OrganisationPolicy, OrganisationSettings, PartnerSignatory
from requests_app.permissions import can_edit_organisation_settings, can_manage_organisations
from requests_app.services.audit import audit_record
from requests_app.signers import STAGE_ROLE_FIELDS, stage_role_problems

# What the organisations page edits; its form takes the same list.
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "ods_code",
    "contact_name",
    "contact_email",
    "dspt_status",
    "dspt_published_on",
    "ico_registration",
    "ico_expires_on",
    "assurance_contact",
    "active",
)
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
    _apply(organisation, ORGANISATION_FIELDS, data)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, **data: Any) -> Organisation:
    if not can_manage_organisations(actor):
        raise PermissionDenied("Only the IG team can change partner organisations.")
    _apply(organisation, ORGANISATION_FIELDS, data)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def signatory_add(
    *, organisation: Organisation, actor: User, name: str, role: str, email: str
) -> PartnerSignatory:
    """A person who signs agreements for the partner; their email receives the signing links."""
    if not can_manage_organisations(actor):
        raise PermissionDenied("Only the IG team can name a partner's signatories.")
    signatory = PartnerSignatory(organisation=organisation, name=name.strip(), role=role, email=email.strip())
    signatory.full_clean()
    signatory.save()
    audit_record(
        action="organisation.signatory_add",
        actor=actor,
        target=organisation,
        detail={"signatory": signatory.pk, "role": role},
    )
    return signatory


@transaction.atomic
def signatory_remove(*, signatory: PartnerSignatory, actor: User) -> None:
    """No longer asked to sign; the signatures they gave stand."""
    if not can_manage_organisations(actor):
        raise PermissionDenied("Only the IG team can name a partner's signatories.")
    PartnerSignatory.objects.filter(pk=signatory.pk).update(active=False)
    audit_record(
        action="organisation.signatory_remove",
        actor=actor,
        target=signatory.organisation,
        detail={"signatory": signatory.pk},
    )


@transaction.atomic
def organisation_settings_update(*, actor: User, **data: Any) -> OrganisationSettings:
    if not can_edit_organisation_settings(actor):
        raise PermissionDenied("Only the Data Protection Officer can change the organisation's settings.")
    current = OrganisationSettings.objects.select_for_update().get(pk=OrganisationSettings.load().pk)
    fields = ("name", "ods_code", "nation", "foi_regime", *(name for name, _ in _NAMED_OFFICERS))
    _apply(current, fields, data)
    errors = {
        field: f"{person} does not hold the {role.label} role; grant the role first."
        for field, role in _NAMED_OFFICERS
        if (person := getattr(current, field)) is not None and not has_role(person, role)
    }
    if current.dpo is None:
        # Escalations, overdue reviews and the decision log all go to the named DPO [004 5.7].
        errors["dpo"] = "Name the Data Protection Officer: escalations and overdue reviews go to them."
    # The consent age is the policy's now (OrganisationPolicy), whose validators keep it usable.
    if errors:
        raise ValidationError(errors)
    current.full_clean()
    current.save()
    return current


POLICY_FIELDS = (
    "consent_max_age_days",
    "large_scale_subject_count",
    "screen_one_off_requests",
    "siro_signs",
    *STAGE_ROLE_FIELDS.values(),
)


@transaction.atomic
def organisation_policy_update(*, actor: User, reason: str, **values: Any) -> OrganisationPolicy:
    """Write the next version of the organisation's rules policy; earlier versions stay as they were.

    Raises ``ValidationError`` when nothing changed, when no reason is given, or when the values would
    leave the engine unusable. Two people saving at once are serialised on the current version's row, so
    each gets their own version number and neither overwrites the other.
    """
    if not can_edit_organisation_settings(actor):
        raise PermissionDenied("Only the Data Protection Officer can change the organisation's rules policy.")
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    current = OrganisationPolicy.objects.select_for_update().get(pk=OrganisationPolicy.current().pk)
    # Someone may have saved a version while we waited for the lock: build on theirs, not on ours.
    while (
        newer := OrganisationPolicy.objects.filter(version__gt=current.version).order_by("-version").first()
    ):
        current = OrganisationPolicy.objects.select_for_update().get(pk=newer.pk)
    proposed = OrganisationPolicy(version=current.version + 1, reason=reason.strip(), created_by=actor)
    for name in POLICY_FIELDS:
        setattr(proposed, name, values.get(name, getattr(current, name)))
    for name in STAGE_ROLE_FIELDS.values():
        # One spelling of each set of roles (the order of ``Role``), so that "no change" is seen as such.
        chosen = {str(value) for value in getattr(proposed, name)}
        ordered = [role.value for role in Role if role.value in chosen]
        setattr(proposed, name, ordered + sorted(chosen - set(ordered)))
    if all(getattr(proposed, name) == getattr(current, name) for name in POLICY_FIELDS):
        raise ValidationError(f"Nothing changed: version {current.version} already says this.")
    problems = dict(proposed.policy.problems()) | stage_role_problems(
        {name: getattr(proposed, name) for name in STAGE_ROLE_FIELDS.values()}
    )
    if problems:
        raise ValidationError(problems)
    proposed.full_clean()
    proposed.save()
    audit_record(
        action="organisation.policy_changed",
        actor=actor,
        target=proposed,
        detail={
            "version": proposed.version,
            "previous": current.version,
            "changed": {
                name: [_json(getattr(current, name)), _json(getattr(proposed, name))]
                for name in POLICY_FIELDS
                if getattr(current, name) != getattr(proposed, name)
            },
        },
    )
    return proposed


def _json(value: object) -> object:
    return value if isinstance(value, bool | int | list) else str(value)
