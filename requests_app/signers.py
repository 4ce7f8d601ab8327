"""Who signs each stage of a sharing request: the organisation's own choice, within what the policies allow.

The policies name the officer of two stages: the Caldicott Guardian decides on the use of information
about people [000 5.vi, 004 5.5] and the SIRO signs off the risk [000 5.vi, 004 5.6]; the IG department
receives and checks every request [004 5.8]. Organisations differ in who else may sign: one lets only its
DPO sign the IG stage, another has its DPO sign as deputy Caldicott Guardian. So each stage's roles are
part of the versioned ``OrganisationPolicy``, with these limits:

- the IG/DPO stage is signed from the IG team (IG officers, the DPO), by at least one of its roles;
- the Caldicott Guardian stage always admits the Caldicott Guardian, the SIRO stage always the SIRO:
  the organisation may add reviewing roles beside them, never take the named officer away;
- one person still signs one stage only (``workflow._prepare_decision``), whatever roles they hold.

Pure apart from ``stage_roles``, which reads the version in force once per user object (a page asks the
signer predicate for several moves).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from igportal.roles import IG_TEAM, REVIEWING_ROLES, Role
from requests_app.models.sharing import SignOffStage

# The policy field that holds each stage's roles, in the order of review.
STAGE_ROLE_FIELDS: dict[str, str] = {
    SignOffStage.IG_DPO: "ig_stage_roles",
    SignOffStage.CALDICOTT_GUARDIAN: "caldicott_stage_roles",
    SignOffStage.SIRO: "siro_stage_roles",
}
DEFAULT_STAGE_ROLES: dict[str, tuple[Role, ...]] = {
    SignOffStage.IG_DPO: (Role.IG_OFFICER, Role.DPO),
    SignOffStage.CALDICOTT_GUARDIAN: (Role.CALDICOTT_GUARDIAN,),
    SignOffStage.SIRO: (Role.SIRO,),
}
# Which roles each stage may offer, and the officer it can never lose.
STAGE_ROLE_CHOICES: dict[str, frozenset[Role]] = {
    SignOffStage.IG_DPO: IG_TEAM,
    SignOffStage.CALDICOTT_GUARDIAN: REVIEWING_ROLES,
    SignOffStage.SIRO: REVIEWING_ROLES,
}
STAGE_OFFICER: dict[str, Role] = {
    SignOffStage.CALDICOTT_GUARDIAN: Role.CALDICOTT_GUARDIAN,
    SignOffStage.SIRO: Role.SIRO,
}
_CACHE_ATTRIBUTE = "_igportal_stage_roles"
_ROLE_VALUES = frozenset(role.value for role in Role)


def default_stage_role_values(stage: str) -> list[str]:
    return [role.value for role in DEFAULT_STAGE_ROLES[stage]]


def role_label(value: str) -> str:
    """A role's name for people; an unknown value (a hand-made post) is shown as it came."""
    return Role(value).label if value in _ROLE_VALUES else value


def stage_role_problems(chosen: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Each stage's roles checked against the limits above; keyed by the policy field, worded for the DPO."""
    problems: dict[str, str] = {}
    for stage, field in STAGE_ROLE_FIELDS.items():
        label = SignOffStage(stage).label
        values = set(chosen.get(field, ()))
        allowed = {role.value for role in STAGE_ROLE_CHOICES[stage]}
        if not values:
            problems[field] = f"Choose who signs the {label} stage."
        elif values - allowed:
            names = ", ".join(sorted(role_label(value) for value in values - allowed))
            problems[field] = f"The {label} stage cannot be signed by {names}."
        elif (officer := STAGE_OFFICER.get(stage)) is not None and officer.value not in values:
            problems[field] = (
                f"The {officer.label} always signs the {label} stage [000 5.vi]; "
                "you may add roles beside them."
            )
    return problems


def policy_stage_roles(policy: object) -> dict[str, frozenset[Role]]:
    """The stage -> roles map of one ``OrganisationPolicy`` version."""
    return {
        stage: frozenset(Role(value) for value in getattr(policy, field))
        for stage, field in STAGE_ROLE_FIELDS.items()
    }


def stage_roles(stage: str, user: AbstractBaseUser | AnonymousUser | None = None) -> frozenset[Role]:
    """The roles that sign ``stage`` under the policy in force, kept on ``user`` for its request."""
    cached: dict[str, frozenset[Role]] | None = getattr(user, _CACHE_ATTRIBUTE, None) if user else None
    if cached is None:
        from requests_app.models import OrganisationPolicy

        cached = policy_stage_roles(OrganisationPolicy.current())
        if user is not None:
            setattr(user, _CACHE_ATTRIBUTE, cached)
    # A stage signed by particular people, not by role (the asset owner's), has no roles here.
    return cached.get(stage, frozenset())


def may_sign(stage: str, user: AbstractBaseUser | AnonymousUser, roles: frozenset[Role]) -> bool:
    """Whether someone holding ``roles`` signs ``stage``; reads the policy only when it could matter."""
    officer = STAGE_OFFICER.get(stage)
    if officer is not None and officer in roles:
        return True  # the stage's officer always signs it
    if not roles & STAGE_ROLE_CHOICES.get(stage, frozenset()):
        return False  # no role the policy could give this stage
    return bool(roles & stage_roles(stage, user))
