"""How the register pages show a status: one NHS.UK tag colour per status, the same on every page."""

from __future__ import annotations

from django import template

from requests_app.models import AgreementStatus

register = template.Library()

_GREEN = {"active", "signed_off", "not_required", "closed", "disclosure"}
_BLUE = {"awaiting_caldicott", "awaiting_dpo", "awaiting_siro", "awaiting_isa", "open"}
_GREY = {"draft", "superseded", "ended"}
_ORANGE = {"suspended", "expired"}
_RED = {"terminated", "refusal"}


@register.filter
def tag_colour(status: str) -> str:
    """The NHS.UK tag modifier class for a register status, e.g. ``nhsuk-tag--green``."""
    for colour, statuses in (
        ("green", _GREEN),
        ("blue", _BLUE),
        ("grey", _GREY),
        ("orange", _ORANGE),
        ("red", _RED),
    ):
        if status in statuses:
            return f"nhsuk-tag--{colour}"
    return ""


@register.filter
def agreement_status(status: str) -> str:
    """The label of an ISA version status read from an annotation, e.g. "Awaiting Caldicott Guardian"."""
    return str(AgreementStatus(status).label) if status in AgreementStatus.values else status
