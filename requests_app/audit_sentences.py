"""How an audit event reads to a person: a sentence, with the dotted code kept beside it for searching.

The trail stores codes (``request.answers_saved``) so that filters and exports stay stable; the page
says what happened ("Saved the answers to a step: purpose"). A code without a sentence here is shown
as a sentence made from the code itself, so a new event is never hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_SENTENCES: Mapping[str, str] = {
    "access.denied": "Was refused access",
    "api.token_created": "Created an API token",
    "api.token_refused": "Was refused with an API token",
    "api.token_revoked": "Revoked an API token",
    "api.write": "Changed a record through the API",
    "auth.email_changed": "Changed their email address",
    "auth.lockout": "Was locked out after repeated failed sign-ins",
    "auth.login": "Signed in",
    "auth.login_failed": "Failed to sign in",
    "auth.logout": "Signed out",
    "auth.mfa_enrolled": "Set up two-step verification",
    "auth.mfa_enrolment_failed": "Failed to set up two-step verification",
    "auth.mfa_failed": "Entered a wrong security code",
    "auth.mfa_verified": "Confirmed a security code",
    "auth.password_changed": "Changed their password",
    "auth.password_reset_requested": "Asked for a password reset link",
    "auth.password_reset": "Set a new password from a reset link",
    "auth.reauthenticated": "Confirmed who they are again",
    "auth.sso_reauth_refused": "Failed to confirm who they are with their organisation's sign-in",
    "auth.recovery_codes_issued": "Were given new recovery codes",
    "auth.session_expired": "Were signed out after a period of inactivity",
    "consent_withdrawal.create": "Recorded a withdrawal of consent",
    "consent_withdrawal.told": "Recorded that a recipient was told of a withdrawal of consent",
    "consent_withdrawal.view": "Viewed a withdrawal of consent",
    "data_flow.create": "Added a data flow to the register",
    "data_flow.review": "Reviewed a data flow",
    "data_flow.transition": "Changed the status of a data flow",
    "data_flow.view": "Viewed a data flow",
    "disclosure.create": "Logged a disclosure or refusal",
    "disclosure.view": "Viewed a disclosure",
    "dpia.create": "Started a DPIA",
    "dpia.risk_add": "Added a risk to a DPIA",
    "dpia.risk_remove": "Removed a risk from a DPIA",
    "dpia.transition": "Changed the status of a DPIA",
    "dpia.update": "Changed a DPIA",
    "dpia.view": "Viewed a DPIA",
    "incident.create": "Recorded an incident",
    "incident.transition": "Changed the status of an incident",
    "incident.update": "Changed an incident",
    "incident.view": "Viewed an incident",
    "isa.create": "Started an information sharing agreement",
    "isa.document_added": "Added a document to an information sharing agreement",
    "isa.document_download": "Downloaded a document of an information sharing agreement",
    "isa.export": "Exported an information sharing agreement",
    "isa.new_version": "Started a new version of an information sharing agreement",
    "isa.transition": "Changed the status of an information sharing agreement",
    "isa.update": "Changed an information sharing agreement",
    "isa.view": "Viewed an information sharing agreement",
    "register.view": "Viewed a register",
    "request.answers_kept": "Kept unsaved answers to a step",
    "request.answers_saved": "Saved the answers to a step",
    "request.assessed": "Had the request assessed by the rules",
    "request.comment": "Commented on a sharing request",
    "request.create": "Started a sharing request",
    "request.delete_draft": "Deleted a draft sharing request",
    "request.document_added": "Added a document to a sharing request",
    "request.document_download": "Downloaded a document of a sharing request",
    "request.export": "Exported a sharing request",
    "request.transition": "Moved a sharing request on",
    "request.view": "Viewed a sharing request",
    "request.view_assessment": "Viewed an earlier assessment",
    "request.view_record": "Viewed a decision record",
}


def _from_code(action: str) -> str:
    words = action.replace(".", " ").replace("_", " ").strip()
    return f"{words[0].upper()}{words[1:]}" if words else action


def _particulars(action: str, detail: Mapping[str, Any]) -> str:
    if action in {"request.answers_saved", "request.answers_kept"} and detail.get("step"):
        return f": {str(detail['step']).replace('_', ' ')}"
    if action.endswith(".transition") and detail.get("to"):
        return f" to “{str(detail['to']).replace('_', ' ')}”"
    if action == "access.denied" and detail.get("wanted"):
        return f" (wanted to {detail['wanted']})"
    return ""


def event_sentence(action: str, detail: Mapping[str, Any] | None = None) -> str:
    """``request.answers_saved`` with ``{"step": "purpose"}`` reads "Saved the answers to a step: purpose"."""
    base = _SENTENCES.get(action) or _from_code(action)
    return f"{base}{_particulars(action, detail or {})}"
