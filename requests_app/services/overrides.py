"""Overrides and the conditions of an approval: what a sign-off decided against what the engine advised.

A sign-off that departs from the engine's outcome is an override: approving what the engine said not to
share, approving without conditions the engine set, or refusing what it said to share. An override needs
a reason of real length and stays visible: on the sign-off row (``SignOff.override``), the request page,
the queues, the decision record and the audit trail (``request.override``). The DPO's list of overrides
is the Caldicott Guardian's decision log (``selectors.overrides``).

The conditions a signer keeps travel as data (``SignOff.kept_conditions``, ``required_method``) to the
disclosure and flow forms through ``approved_terms``.

The state change itself is the workflow service's; ``sharing_request_decide`` checks and previews the
decision, calls ``transition`` once, and writes what the sign-off departed from beside it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from necessity.rules import ConditionCode, Outcome, TransferMethod, label
from requests_app.models import (
    Assessment,
    Decision,
    OverrideKind,
    RequestHistory,
    SharingRequest,
    SignOff,
)
from requests_app.services.audit import audit_record
from requests_app.workflow import TRANSITIONS

# A reason someone could read years later and follow: a sentence, not "ok" or "see email".
MIN_REASON_CHARS = 40
MIN_REASON_WORDS = 7
APPROVALS = frozenset({Decision.APPROVE, Decision.APPROVE_WITH_CONDITIONS})
# Rules whose "do not share" finding means the stated basis is not one the disclosure may rely on.
_INVALID_BASIS_RULES: dict[str, str] = {
    "R-LAWFUL-ART6": "art6",
    "R-LAWFUL-ART9": "art9",
    "R-CONF-NO-BASIS": "confidentiality_basis",
    "R-CONF-IMPLIED-INVALID": "confidentiality_basis",
    "R-SECONDARY-USE": "confidentiality_basis",
    "R-CONSENT-WITHDRAWN": "confidentiality_basis",
    "R-CONSENT-REFUSED": "confidentiality_basis",
    "R-CONSENT-MISSING": "confidentiality_basis",
}


def reason_is_substantial(text: str) -> bool:
    words = re.findall(r"[^\W\d_]{2,}", text)
    return len(text.strip()) >= MIN_REASON_CHARS and len(words) >= MIN_REASON_WORDS


def engine_conditions(assessment: Assessment) -> list[dict[str, Any]]:
    """The engine's conditions for the assessment, keyed by the rule that set each (one per rule)."""
    return [
        {
            "key": condition["rule_id"],
            "code": condition["code"],
            "label": label(ConditionCode(condition["code"])),
            "text": condition["text"],
            "item_codes": list(condition["item_codes"]),
        }
        for condition in assessment.result.get("conditions", [])
    ]


def override_kind(
    *, engine_outcome: str, decision: str, dropped: Sequence[Mapping[str, Any]]
) -> OverrideKind | None:
    """How ``decision`` departs from the engine's outcome, or None when it follows it.

    "Decision by the Caldicott Guardian" leaves the decision open, so only its conditions can be dropped.
    Sending a request back for changes decides nothing, so it overrides nothing.
    """
    if decision in APPROVALS:
        if engine_outcome == Outcome.DO_NOT_SHARE:
            return OverrideKind.APPROVED_DO_NOT_SHARE
        if dropped:
            return OverrideKind.DROPPED_CONDITIONS
        return None
    if decision == Decision.REJECT and engine_outcome in {Outcome.SHARE, Outcome.SHARE_WITH_CONDITIONS}:
        return OverrideKind.REFUSED_SHARE
    return None


@dataclass(frozen=True)
class DecisionTerms:
    """What a signer is about to sign, as the confirmation step shows it and the sign-off stores it."""

    decision: str
    engine_outcome: str
    kept: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    extra_conditions: str = ""
    required_method: str = ""
    reasons: str = ""
    override: OverrideKind | None = None

    @property
    def engine_outcome_label(self) -> str:
        return label(Outcome(self.engine_outcome)) if self.engine_outcome else ""

    @property
    def decision_label(self) -> str:
        return Decision(self.decision).label

    @property
    def override_label(self) -> str:
        return self.override.label if self.override else ""

    @property
    def required_method_label(self) -> str:
        return label(TransferMethod(self.required_method)) if self.required_method else ""

    @property
    def conditions_text(self) -> str:
        """The approval's conditions in words, for the sign-off's ``conditions`` and the history."""
        lines = [condition["text"] for condition in self.kept]
        if self.required_method:
            # The method's short name: the label's explanation in brackets keeps its capitals out.
            lines.append(f"Share by {self.required_method_label.split(' (', 1)[0].lower()} only.")
        if self.extra_conditions.strip():
            lines.append(self.extra_conditions.strip())
        return "\n".join(lines)


def _previous_kept(assessment: Assessment, signoffs: Iterable[SignOff] | None = None) -> list[str] | None:
    """The conditions the last approving stage kept, which the next stage starts from.

    ``signoffs``: every sign-off of ``assessment``, when the caller has them already (the request page
    reads them for its stage rows); the last approving one is then found among them, not asked for.
    """
    if signoffs is None:
        last = assessment.signoffs.filter(decision__in=APPROVALS).order_by("-signed_at", "-id").first()
    else:
        approving = [signoff for signoff in signoffs if signoff.decision in APPROVALS]
        last = max(approving, key=lambda signoff: (signoff.signed_at, signoff.pk), default=None)
    return [condition["key"] for condition in last.kept_conditions] if last is not None else None


def starting_conditions(assessment: Assessment, signoffs: Iterable[SignOff] | None = None) -> list[str]:
    """The condition keys a decision form starts ticked: all the engine's, or what the last stage kept."""
    previous = _previous_kept(assessment, signoffs)
    return previous if previous is not None else [c["key"] for c in engine_conditions(assessment)]


def decision_terms(
    *,
    assessment: Assessment,
    decision: str,
    kept_keys: Collection[str] | None,
    extra_conditions: str = "",
    required_method: str = "",
    reasons: str = "",
) -> DecisionTerms:
    """Check a decision against the engine's advice; raise ``ValidationError`` a signer can act on.

    ``kept_keys`` None keeps every condition the engine set (a caller that offers no choice drops none).
    """
    conditions = engine_conditions(assessment)
    approving = decision in APPROVALS
    keys = {c["key"] for c in conditions} if kept_keys is None else set(kept_keys)
    kept = [c for c in conditions if c["key"] in keys] if approving else []
    dropped = [c for c in conditions if c["key"] not in keys] if approving else []
    kind = override_kind(engine_outcome=assessment.outcome, decision=decision, dropped=dropped)
    terms = DecisionTerms(
        decision=decision,
        engine_outcome=assessment.outcome,
        kept=kept,
        dropped=dropped,
        extra_conditions=extra_conditions.strip() if approving else "",
        required_method=required_method if approving else "",
        reasons=reasons.strip(),
        override=kind,
    )
    errors: dict[str, str] = {}
    spec = TRANSITIONS[decision]
    if spec.reason_required and not terms.reasons:
        errors["comment"] = f"Give your reasons: they are required to {spec.label.lower()}."
    if decision == Decision.APPROVE and (kept or terms.extra_conditions or terms.required_method):
        errors["decision"] = (
            "You kept or set conditions: choose 'Approve with conditions', or untick the engine's "
            "conditions and say why you are dropping them."
        )
    if decision == Decision.APPROVE_WITH_CONDITIONS and not terms.conditions_text:
        errors["conditions"] = "Keep at least one of the engine's conditions, or set out your own."
    if kind is not None and not reason_is_substantial(reasons) and "comment" not in errors:
        errors["comment"] = (
            f"This decision overrides the engine ({kind.label.lower()}): give your reasons in at least "
            f"{MIN_REASON_CHARS} characters and {MIN_REASON_WORDS} words, so the decision can be "
            "understood later."
        )
    if errors:
        raise ValidationError(errors)
    return terms


def check_transition_decision(assessment: Assessment, decision: str, reasons: str) -> None:
    """The guard the workflow service runs on every decision, however it was made: an override that
    keeps every condition (approving "do not share", refusing "share") still needs its reason."""
    kind = override_kind(engine_outcome=assessment.outcome, decision=decision, dropped=())
    if kind is not None and not reason_is_substantial(reasons):
        raise ValidationError(
            {
                "comment": f"This decision overrides the engine ({kind.label.lower()}): give your reasons "
                f"in at least {MIN_REASON_CHARS} characters and {MIN_REASON_WORDS} words."
            }
        )


def signoff_override_fields(assessment: Assessment, decision: str) -> dict[str, Any]:
    """What the workflow service writes on a new sign-off before ``sharing_request_decide`` adds the
    signer's choice of conditions: the engine's outcome and the override that follows from it alone."""
    kind = override_kind(engine_outcome=assessment.outcome, decision=decision, dropped=())
    kept = engine_conditions(assessment) if decision in APPROVALS else []
    return {"engine_outcome": assessment.outcome, "override": kind or "", "kept_conditions": kept}


def record_override(signoff: SignOff, *, http_request: HttpRequest | None = None) -> None:
    """The override in the audit trail, once, with what the engine advised and under which rules."""
    if not signoff.override:
        return
    audit_record(
        action="request.override",
        actor=signoff.signer,
        target=signoff.request,
        request=http_request,
        detail={
            "override": signoff.override,
            "engine_outcome": signoff.engine_outcome,
            "decision": signoff.decision,
            "dropped": [condition["key"] for condition in signoff.dropped_conditions],
            "rules": signoff.assessment.rules_version,
            "signoff_id": signoff.pk,
        },
    )


@transaction.atomic
def sharing_request_decide(
    *,
    sharing_request: SharingRequest,
    actor: User,
    decision: str,
    kept_keys: Collection[str] | None,
    extra_conditions: str = "",
    required_method: str = "",
    reasons: str = "",
    http_request: HttpRequest | None = None,
) -> RequestHistory:
    """Sign the stage under way with the conditions the signer kept; an override is recorded as one."""
    # Imported here: the workflow service imports this module for its guard.
    from requests_app.services.workflow import transition

    assessment = sharing_request.assessments.order_by("-number").first()
    if assessment is None:
        raise ValidationError(f"{sharing_request.reference} has no submitted assessment to sign.")
    terms = decision_terms(
        assessment=assessment,
        decision=decision,
        kept_keys=kept_keys,
        extra_conditions=extra_conditions,
        required_method=required_method,
        reasons=reasons,
    )
    history = transition(
        sharing_request,
        decision,
        actor=actor,
        comment=reasons,
        conditions=terms.conditions_text,
        http_request=http_request,
    )
    signoff = SignOff.objects.get(assessment=assessment, signer=actor, decision=decision)
    already_recorded = bool(signoff.override)
    signoff.kept_conditions = terms.kept
    signoff.dropped_conditions = terms.dropped
    signoff.required_method = terms.required_method
    signoff.override = terms.override or ""
    signoff.engine_outcome = terms.engine_outcome
    signoff.save(
        update_fields=[
            "kept_conditions",
            "dropped_conditions",
            "required_method",
            "override",
            "engine_outcome",
        ]
    )
    if not already_recorded:
        # Dropping a condition is known only here; an override the decision alone makes was
        # recorded by the workflow service when it wrote the sign-off.
        record_override(signoff, http_request=http_request)
    return history


# --- the conditions that travel ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovedTerms:
    """What the approval allows, as the disclosure and flow forms need it."""

    removed_items: frozenset[str] = frozenset()
    pseudonymise_items: frozenset[str] = frozenset()
    alternative_items: frozenset[str] = frozenset()
    anonymise: bool = False
    encrypt: bool = False
    method: str = ""
    invalid_bases: frozenset[str] = frozenset()
    texts: tuple[str, ...] = ()

    @property
    def method_label(self) -> str:
        return label(TransferMethod(self.method)) if self.method else ""


def approved_terms(sharing_request: SharingRequest, *, latest: Assessment | None = None) -> ApprovedTerms:
    """The conditions of the request's approval: those the last approving stage kept, every signer's
    own conditions and method; before any sign-off (safeguarding shared now) the engine's in full."""
    assessment = latest or sharing_request.assessments.order_by("-number").first()
    if assessment is None:
        return ApprovedTerms()
    approvals = list(assessment.signoffs.filter(decision__in=APPROVALS).order_by("signed_at", "id"))
    kept = approvals[-1].kept_conditions if approvals else engine_conditions(assessment)
    texts = [condition["text"] for condition in kept]
    method = ""
    for signoff in approvals:
        method = signoff.required_method or method
        own = signoff.conditions
        for line in own.splitlines():
            if line.strip() and line.strip() not in texts:
                texts.append(line.strip())

    def items(code: ConditionCode) -> frozenset[str]:
        return frozenset(item for c in kept if c["code"] == code for item in c["item_codes"])

    invalid = frozenset(
        _INVALID_BASIS_RULES[rule["rule_id"]]
        for rule in assessment.result.get("rules_fired", [])
        if rule["rule_id"] in _INVALID_BASIS_RULES and rule["effect"] == "do_not_share"
    )
    return ApprovedTerms(
        removed_items=items(ConditionCode.REMOVE_ITEMS),
        pseudonymise_items=items(ConditionCode.SEND_PSEUDONYMISED),
        alternative_items=items(ConditionCode.USE_ALTERNATIVE),
        anonymise=any(c["code"] == ConditionCode.SEND_ANONYMISED for c in kept),
        # Encryption is required for every method [004 6.4.2], condition or not.
        encrypt=True,
        method=method,
        invalid_bases=invalid,
        texts=tuple(texts),
    )
