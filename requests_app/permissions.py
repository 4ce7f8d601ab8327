"""Who may do what, as plain predicates; views and services both ask these."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from igportal.roles import IG_TEAM, REVIEWING_ROLES, Role, has_role, is_ig_team

User = AbstractBaseUser | AnonymousUser


def can_manage_organisations(user: User) -> bool:
    return is_ig_team(user)


def can_edit_organisation_settings(user: User) -> bool:
    return has_role(user, Role.DPO)


def can_view_access_requests(user: User) -> bool:
    # Need-to-know: the cases hold requesters' and data subjects' personal data.
    return has_role(user, *IG_TEAM, Role.AUDITOR)


def can_change_access_requests(user: User) -> bool:
    return is_ig_team(user)


def can_read_audit_trail(user: User) -> bool:
    return has_role(user, Role.DPO, Role.AUDITOR)


def can_view_chaser_health(user: User) -> bool:
    # Operators' page: the DPO answers for reminders being sent, superusers run the servers.
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.DPO)


# --- the DPO's registers --------------------------------------------------------------------------------
# The DPO and the auditor read every register; the IG team keeps them. Requesters see the disclosures and
# data flows of their own requests (``selectors.disclosures`` and ``selectors.flows`` apply that), the
# Caldicott Guardian reads the ISAs they approve, and the SIRO the DPIAs they sign off.


def can_read_registers(user: User) -> bool:
    return has_role(user, *IG_TEAM, Role.AUDITOR)


def can_change_registers(user: User) -> bool:
    return is_ig_team(user)


def can_read_agreements(user: User) -> bool:
    return has_role(user, *IG_TEAM, Role.AUDITOR, Role.CALDICOTT_GUARDIAN)


def can_read_dpias(user: User) -> bool:
    return has_role(user, *IG_TEAM, Role.AUDITOR, Role.SIRO)


def can_see_own_disclosures_and_flows(user: User) -> bool:
    return has_role(user, Role.REQUESTER)


# --- the information asset register ---------------------------------------------------------------------
# The register is the organisation's own list of systems and record sets: the IG team keeps it, the asset
# owners keep their own entries in it, the SIRO they answer to and the auditor read it [004 5.9].


def can_read_assets(user: User) -> bool:
    return has_role(user, *IG_TEAM, Role.AUDITOR, Role.SIRO, Role.INFORMATION_ASSET_OWNER)


def can_register_assets(user: User) -> bool:
    return has_role(user, *IG_TEAM, Role.INFORMATION_ASSET_OWNER)


def can_change_asset(user: User, owner_id: int, administrator_id: int | None) -> bool:
    """The IG team, or the asset's owner or administrator."""
    return (
        is_ig_team(user)
        or (has_role(user, Role.INFORMATION_ASSET_OWNER) and user.pk == owner_id)
        or (administrator_id is not None and user.pk == administrator_id)
    )


def can_read_ropa(user: User) -> bool:
    """The record of processing is the DPO's evidence to the ICO [UK GDPR Art 30(4)]."""
    return has_role(user, *IG_TEAM, Role.AUDITOR, Role.SIRO)


# --- sharing requests ----------------------------------------------------------------------------------


def can_comment_on_request(user: User, requester_id: int) -> bool:
    """The requester and the reviewers discuss a request; the auditor reads it and changes nothing."""
    return requester_id == user.pk or has_role(user, *REVIEWING_ROLES)


def can_browse_requests(user: User) -> bool:
    """Everyone who reads every submitted request browses them all, with the IG team's filters."""
    return has_role(user, Role.IG_OFFICER, Role.DPO, Role.AUDITOR)


def can_read_override_log(user: User) -> bool:
    """The Caldicott Guardian's decision log: the DPO reviews it, the Guardian keeps it, auditors read it."""
    return has_role(user, Role.DPO, Role.CALDICOTT_GUARDIAN, Role.AUDITOR)
