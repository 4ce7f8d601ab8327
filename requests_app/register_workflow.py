"""The lifecycles of the registers as tables: ISA versions, data flows, DPIAs and incidents.

Each table is a ``requests_app.transitions.Workflow`` with what its moves bring with them declared
beside it: an ISA version signed by every party (the Caldicott Guardian's approval is our signature)
supersedes the one before it, starts the flows waiting for it and is rendered to PDF; an ended one
suspends its flows; the DPO's advice and the SIRO's sign-off are written onto the DPIA.
``requests_app.services.workflow.transition`` applies every table the same way.

A guard returns the reasons a move cannot happen now (empty when it can); it may read the entry's
related rows. ``system`` moves may also be made by the portal itself: by a scheduled task, with no
person, or as the consequence of another person's move.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

from igportal.roles import IG_TEAM, Role, roles_of
from necessity.rules import Art6Condition, ConfidentialityBasis
from requests_app.models import (
    AgreementHistory,
    AgreementSignature,
    AgreementStatus,
    AgreementVersion,
    AssetStatus,
    DataFlow,
    DataFlowHistory,
    DataFlowStatus,
    Dpia,
    DpiaHistory,
    DpiaStatus,
    Incident,
    IncidentHistory,
    IncidentKind,
    IncidentStatus,
    InformationAsset,
    InformationAssetHistory,
    PartnerSignatory,
    SignatureStatus,
)
from requests_app.services.outbox import outbox_enqueue
from requests_app.signing_links import issue_link
from requests_app.tasks import render_agreement_document, send_signature_requests
from requests_app.transitions import Firer, Move, Workflow, move, table

RegisterEntry = AgreementVersion | DataFlow | Dpia | Incident | InformationAsset

# A year between reviews unless the owner sets otherwise [001 s13].
REVIEW_INTERVAL = datetime.timedelta(days=365)


def _ig_team(user: User, entry: models.Model) -> bool:
    return bool(roles_of(user) & IG_TEAM)


def _dpo(user: User, entry: models.Model) -> bool:
    return Role.DPO in roles_of(user)


def _nobody(user: User, entry: models.Model) -> bool:
    """Only the portal makes this move, as the consequence of another."""
    return False


# Who fires the moves; a table row names one of these (or its own) after the move's label.
IG_OFFICERS = Firer(_ig_team, "an IG officer or the DPO")
DPO = Firer(_dpo, "the DPO")


def _portal(when: str) -> Firer[Any]:
    """A move nobody makes by hand: the portal makes it ``when`` something else happens."""
    return Firer(_nobody, f"the portal, {when},")


# --- ISA versions ---------------------------------------------------------------------------------------


def _unless_none(value: str, none: str) -> str:
    """A basis of "none" is no basis: it leaves the field as missing as an empty one."""
    return "" if value == none else value


def _agreement_incomplete(version: AgreementVersion, today: datetime.date) -> list[str]:
    """What the standard template needs before the Caldicott Guardian is asked to approve [002 Rec 20]."""
    missing = [
        label
        for label, value in (
            ("the purpose", version.purpose),
            ("the Article 6 condition", _unless_none(version.art6, Art6Condition.NONE)),
            ("the common law basis", _unless_none(version.confidentiality_basis, ConfidentialityBasis.NONE)),
            ("whose information is shared", version.data_subjects),
            ("the form of the information", version.data_form),
            ("the transfer method", version.transfer_method),
            ("the security measures", version.security_measures),
            ("retention and destruction", version.retention),
            ("how data subjects' rights are met", version.subject_rights),
            ("breach handling", version.breach_handling),
            ("the start date", version.start_on),
            ("the review date", version.review_on),
        )
        if not value
    ]
    problems = [f"Add {', '.join(missing)}."] if missing else []
    if not version.parties.exists():
        problems.append("Name at least one partner organisation.")
    if not version.data_items.exists() and version.data_form != "non_personal":
        problems.append("Choose the data items shared.")
    if version.number > 1 and not version.change_summary.strip():
        problems.append("Say what changed in this version.")
    if version.start_on and version.end_on and version.end_on <= version.start_on:
        problems.append("The end date must come after the start date.")
    if version.end_on and version.end_on < today:
        problems.append("The end date has passed: set a later one.")
    if version.start_on and version.review_on and version.review_on <= version.start_on:
        problems.append("The review date must come after the start date.")
    return problems


def _caldicott_not_author(user: User, version: AgreementVersion) -> bool:
    """Every ISA is approved by the Caldicott Guardian [004 6.9.3], never by whoever drafted or sent it."""
    if Role.CALDICOTT_GUARDIAN not in roles_of(user) or version.created_by_id == user.pk:
        return False
    return not version.history.filter(action="submit_for_approval", actor=user).exists()


def _caldicott_or_ig_team(user: User, version: AgreementVersion) -> bool:
    return bool(roles_of(user) & (IG_TEAM | {Role.CALDICOTT_GUARDIAN}))


def _end_date_passed(version: AgreementVersion, today: datetime.date) -> list[str]:
    if version.end_on is None or version.end_on >= today:
        return ["It has not reached its end date; terminate it instead, giving the reason."]
    return []


def _supersede_earlier_versions(move: Move[AgreementVersion]) -> None:
    """Before the update: the database allows one version in force per agreement at a time."""
    version = move.entry
    earlier = (
        AgreementVersion.objects.select_for_update()
        .select_related("agreement")
        .filter(agreement_id=version.agreement_id, status=AgreementStatus.ACTIVE)
        .exclude(pk=version.pk)
    )
    for previous in earlier:
        move.then(previous, "supersede", f"Replaced by version {version.number}.")


def _came_into_force(move: Move[AgreementVersion]) -> None:
    """The flows waiting for the agreement start, and the version is rendered to PDF."""
    version = move.entry
    waiting = DataFlow.objects.select_for_update().filter(
        agreement_id=version.agreement_id, status=DataFlowStatus.AWAITING_ISA
    )
    for flow in waiting.select_related("agreement"):
        move.then(flow, "activate", f"{version.audit_label} came into force.")
    outbox_enqueue(render_agreement_document, version.pk)


def _agreement_ended(move: Move[AgreementVersion]) -> None:
    """No flow runs without an agreement in force: the flows it covered are suspended, saying why."""
    version = move.entry
    ended = "expired" if move.spec.name == "expire" else "was terminated"
    reason = f"{version.audit_label} {ended}" + (f": {move.comment}" if move.comment else ".")
    running = DataFlow.objects.select_for_update().filter(
        agreement_id=version.agreement_id, status=DataFlowStatus.ACTIVE
    )
    for flow in running:
        move.then(flow, "suspend", reason)


def _signatories_missing(version: AgreementVersion, today: datetime.date) -> list[str]:
    """Every partner needs someone to sign for it before the agreement is sent for signature."""
    problems = _agreement_incomplete(version, today)
    unsigned = version.parties.exclude(signatories__active=True).order_by("name")
    if unsigned:
        names = ", ".join(party.name for party in unsigned)
        problems.append(f"Add a signatory for {names} on the organisations page.")
    return problems


def _ask_for_signatures(move: Move[AgreementVersion]) -> None:
    """One signature asked of each party and of us; the links are emailed once the signing copy exists."""
    version = move.entry
    asks = [AgreementSignature(version=version, organisation=None)]
    for party in version.parties.order_by("name"):
        signatory = PartnerSignatory.objects.filter(organisation=party, active=True).order_by("id").first()
        asks.append(AgreementSignature(version=version, organisation=party, signatory=signatory))
    for ask in asks:
        ask.save()
        if ask.organisation_id is not None:
            issue_link(ask)
    outbox_enqueue(send_signature_requests, version.pk)


def _approved_as_our_signature(move: Move[AgreementVersion]) -> None:
    """The Caldicott Guardian's approval [004 6.9.3] is our organisation's signature: every party is asked
    as by "send for signature", the copy they will sign is rendered now, and our ask is signed by the
    approver against that copy's hash. The version comes into force only when every partner has signed
    too, since an ISA is an agreement between the organisations that share [004 6.9.1] and binds each of
    them (issue 19: "the ISA comes into force only when every party has signed")."""
    from requests_app.services.isas import agreement_approval_sign

    _ask_for_signatures(move)
    assert move.actor is not None
    agreement_approval_sign(version=move.entry, actor=move.actor, http_request=move.http_request)


def _withdraw_signatures(move: Move[AgreementVersion]) -> None:
    """Signatures of a version that will not come into force no longer count; their links die (the
    link's hash stays, so a later use of it is recognised in the audit trail)."""
    move.entry.signatures.exclude(status=SignatureStatus.SUPERSEDED).update(status=SignatureStatus.SUPERSEDED)


def _every_party_signed(version: AgreementVersion, today: datetime.date) -> list[str]:
    waiting = version.signatures.exclude(status__in=[SignatureStatus.SIGNED, SignatureStatus.SUPERSEDED])
    if not version.signatures.filter(status=SignatureStatus.SIGNED).exists() or waiting.exists():
        return ["Every party has not signed this version yet."]
    return []


def _into_force_when_signed(move: Move[AgreementVersion]) -> None:
    """As an approval: earlier versions are superseded, and our Caldicott Guardian's signature approves."""
    _supersede_earlier_versions(move)
    ours = move.entry.signatures.filter(organisation=None, status=SignatureStatus.SIGNED).first()
    assert ours is not None
    move.set(approved_by=ours.signed_by, approved_at=timezone.now())


A = AgreementStatus
_CALDICOTT_OR_IG_TEAM = Firer(_caldicott_or_ig_team, "the Caldicott Guardian or the IG team")
# fmt: off
ISA_WORKFLOW: Workflow[AgreementVersion] = Workflow(
    model=AgreementVersion,
    history_model=AgreementHistory,
    history_field="version",
    audit_verb="isa",
    transitions=table(
        # The approval asks the partners to sign at once: each needs a signatory before it is sent.
        move("submit_for_approval", "Send to the Caldicott Guardian",
             IG_OFFICERS, {A.DRAFT}, A.AWAITING_CALDICOTT,
             guard=_signatories_missing, done="sent for approval"),
        # Approval signs for us and sends to the partners; it never brings the version into force alone.
        move("approve", "Approve and sign for us",
             Firer(_caldicott_not_author, "the Caldicott Guardian, who did not draft or send it,"),
             {A.AWAITING_CALDICOTT}, A.AWAITING_SIGNATURES,
             guard=_signatories_missing, consequences=_approved_as_our_signature,
             done="approved and signed for us, and sent to every partner for signature"),
        move("send_for_signature", "Send to every party for signature",
             IG_OFFICERS, {A.DRAFT}, A.AWAITING_SIGNATURES,
             guard=_signatories_missing, consequences=_ask_for_signatures, done="sent for signature"),
        move("come_into_force", "Bring into force",
             _portal("when the last party signs"), {A.AWAITING_SIGNATURES}, A.ACTIVE,
             guard=_every_party_signed, system=True, prepare=_into_force_when_signed,
             consequences=_came_into_force, done="came into force"),
        move("return_to_draft", "Return to draft",
             _CALDICOTT_OR_IG_TEAM, {A.AWAITING_CALDICOTT, A.AWAITING_SIGNATURES}, A.DRAFT,
             reason_required=True, consequences=_withdraw_signatures, done="returned to draft"),
        move("withdraw", "Withdraw for a later version",
             _portal("when a later version is drafted"), {A.AWAITING_SIGNATURES}, A.SUPERSEDED,
             system=True, consequences=_withdraw_signatures, done="withdrawn for a later version"),
        move("expire", "Mark as expired",
             DPO, {A.ACTIVE}, A.EXPIRED,
             guard=_end_date_passed, system=True, consequences=_agreement_ended, done="marked expired",
             warning=True, offered_only_when_ready=True),
        move("terminate", "Terminate the agreement",
             IG_OFFICERS, {A.ACTIVE}, A.TERMINATED,
             reason_required=True, consequences=_agreement_ended, done="terminated", warning=True),
        move("supersede", "Replace by the next version",
             _portal("when the next version is approved"), {A.ACTIVE}, A.SUPERSEDED,
             system=True, done="replaced by a later version"),
    ),
)
# fmt: on


# --- data flows ---------------------------------------------------------------------------------------


def _needs_active_agreement(flow: DataFlow, today: datetime.date) -> list[str]:
    if flow.agreement is None:
        return ["Choose the information sharing agreement that covers this flow first."]
    if not flow.agreement.versions.filter(status=AgreementStatus.ACTIVE).exists():
        return [f"{flow.agreement.reference} is not in force: a flow runs only under an active ISA."]
    return []


F = DataFlowStatus
# fmt: off
FLOW_WORKFLOW: Workflow[DataFlow] = Workflow(
    model=DataFlow,
    history_model=DataFlowHistory,
    history_field="flow",
    audit_verb="data_flow",
    transitions=table(
        move("activate", "Start the flow",
             IG_OFFICERS, {F.AWAITING_ISA}, F.ACTIVE,
             guard=_needs_active_agreement, system=True, done="started", offered_only_when_ready=True),
        move("suspend", "Suspend the flow",
             IG_OFFICERS, {F.ACTIVE}, F.SUSPENDED,
             reason_required=True, system=True, done="suspended", warning=True),
        move("resume", "Resume the flow",
             IG_OFFICERS, {F.SUSPENDED}, F.ACTIVE,
             guard=_needs_active_agreement, done="resumed", offered_only_when_ready=True),
        move("end", "End the flow",
             IG_OFFICERS, {F.AWAITING_ISA, F.ACTIVE, F.SUSPENDED}, F.ENDED,
             reason_required=True, done="ended", warning=True),
    ),
)
# fmt: on


# --- DPIAs -------------------------------------------------------------------------------------------


def _screened_no(dpia: Dpia, today: datetime.date) -> list[str]:
    if dpia.full_required:
        numbers = ", ".join(str(n) for n in dpia.screening_yes)
        return [f"Screening question {numbers} is answered yes, so a full DPIA is required [004 Appendix 2]."]
    return []


def _full_dpia_ready(dpia: Dpia, today: datetime.date) -> list[str]:
    problems = []
    if not dpia.full_required:
        problems.append("Every screening answer is no: record that a full DPIA is not required instead.")
    if not dpia.processing_description.strip():
        problems.append("Describe the processing.")
    if not dpia.necessity_assessment.strip():
        problems.append("Explain why the processing is necessary and proportionate.")
    if not dpia.risks.exists():
        problems.append("Add at least one risk, with the measures that reduce it.")
    return problems


def _dpo_not_author(user: User, dpia: Dpia) -> bool:
    return Role.DPO in roles_of(user) and dpia.created_by_id != user.pk


def _siro_independent(user: User, dpia: Dpia) -> bool:
    """The SIRO signs off [000 5.vi], never a DPIA they wrote or advised on."""
    return Role.SIRO in roles_of(user) and user.pk not in {dpia.created_by_id, dpia.dpo_advice_by_id}


def _dpo_or_siro(user: User, dpia: Dpia) -> bool:
    return bool(roles_of(user) & {Role.DPO, Role.SIRO})


def _record_advice(move: Move[Dpia]) -> None:
    move.set(dpo_advice=move.comment, dpo_advice_by=move.actor, dpo_advice_at=timezone.now())


def _record_sign_off(move: Move[Dpia]) -> None:
    """The SIRO's sign-off starts the review clock: a year unless a later review is already set."""
    changes: dict[str, Any] = {
        "siro_signed_by": move.actor,
        "siro_signed_at": timezone.now(),
        "siro_comment": move.comment,
    }
    if move.entry.next_review_on is None or move.entry.next_review_on <= move.today:
        changes["next_review_on"] = move.today + REVIEW_INTERVAL
    move.set(**changes)


D = DpiaStatus
# fmt: off
DPIA_WORKFLOW: Workflow[Dpia] = Workflow(
    model=Dpia,
    history_model=DpiaHistory,
    history_field="dpia",
    audit_verb="dpia",
    transitions=table(
        move("screen_out", "Record that a full DPIA is not required",
             IG_OFFICERS, {D.DRAFT}, D.NOT_REQUIRED,
             guard=_screened_no, done="screened out"),
        move("submit_for_advice", "Send to the DPO for advice",
             IG_OFFICERS, {D.DRAFT}, D.AWAITING_DPO,
             guard=_full_dpia_ready, done="sent to the DPO"),
        move("give_advice", "Give DPO advice and send to the SIRO",
             Firer(_dpo_not_author, "the DPO, on a DPIA someone else wrote,"),
             {D.AWAITING_DPO}, D.AWAITING_SIRO,
             reason_required=True, prepare=_record_advice, done="advised on"),
        # The SIRO accepts the residual risk on the organisation's behalf [000 5.vi]: say why.
        move("sign_off", "Sign off the DPIA",
             Firer(_siro_independent, "the SIRO, who neither wrote nor advised on it,"),
             {D.AWAITING_SIRO}, D.SIGNED_OFF,
             reason_required=True, prepare=_record_sign_off, done="signed off"),
        move("return_to_draft", "Return to draft",
             Firer(_dpo_or_siro, "the DPO or the SIRO"), {D.AWAITING_DPO, D.AWAITING_SIRO}, D.DRAFT,
             reason_required=True, done="returned to draft"),
        move("reopen", "Reopen for review",
             IG_OFFICERS, {D.SIGNED_OFF, D.NOT_REQUIRED}, D.DRAFT,
             reason_required=True, done="reopened"),
    ),
)
# fmt: on


# --- incidents -------------------------------------------------------------------------------------------


def _incident_closable(incident: Incident, today: datetime.date) -> list[str]:
    problems = []
    if not incident.actions.strip():
        problems.append("Record the containment and remedial actions taken.")
    if incident.kind == IncidentKind.BREACH:
        told = incident.person_informed_on is not None and incident.explanation.strip()
        if not told and not incident.not_informed_reason.strip():
            problems.append(
                "Record the explanation given to the person affected, or why they were not told [002 Rec 5]."
            )
    if incident.ico_reportable and incident.reported_to_ico_at is None:
        problems.append("Record when the incident was reported to the ICO.")
    return problems


INC = IncidentStatus
# fmt: off
INCIDENT_WORKFLOW: Workflow[Incident] = Workflow(
    model=Incident,
    history_model=IncidentHistory,
    history_field="incident",
    audit_verb="incident",
    transitions=table(
        move("close", "Close the incident",
             IG_OFFICERS, {INC.OPEN}, INC.CLOSED,
             guard=_incident_closable, done="closed"),
        move("reopen", "Reopen the incident",
             IG_OFFICERS, {INC.CLOSED}, INC.OPEN,
             reason_required=True, done="reopened"),
    ),
)
# fmt: on

# --- information assets -----------------------------------------------------------------------------


def _owner_or_ig_team(user: User, asset: InformationAsset) -> bool:
    """The asset's owner answers for it [004 5.9]; the IG team keeps the register."""
    return asset.owner_id == user.pk or bool(roles_of(user) & IG_TEAM)


def _asset_complete(asset: InformationAsset, today: datetime.date) -> list[str]:
    """What the register needs before an asset is in use [000 3.iv, 5.v]."""
    problems = []
    if asset.next_review_on <= today:
        problems.append("Set a review date after today.")
    if Role.INFORMATION_ASSET_OWNER not in roles_of(asset.owner):
        problems.append("The owner must hold the Information Asset Owner role.")
    return problems


IA = AssetStatus
_OWNER_OR_IG_TEAM = Firer(_owner_or_ig_team, "the asset's owner or the IG team")
# fmt: off
ASSET_WORKFLOW: Workflow[InformationAsset] = Workflow(
    model=InformationAsset,
    history_model=InformationAssetHistory,
    history_field="asset",
    audit_verb="asset",
    transitions=table(
        move("activate", "Mark the asset as in use",
             _OWNER_OR_IG_TEAM, {IA.DRAFT}, IA.ACTIVE,
             guard=_asset_complete, done="marked in use"),
        move("retire", "Retire the asset",
             _OWNER_OR_IG_TEAM, {IA.DRAFT, IA.ACTIVE}, IA.RETIRED,
             reason_required=True, done="retired", warning=True),
    ),
)
# fmt: on

REGISTER_WORKFLOWS: tuple[Workflow[Any], ...] = (
    ISA_WORKFLOW,
    FLOW_WORKFLOW,
    DPIA_WORKFLOW,
    INCIDENT_WORKFLOW,
    ASSET_WORKFLOW,
)
