"""The lifecycles of the registers as tables: ISA versions, data flows, DPIAs and incidents.

Data and predicates only, like ``requests_app.workflow`` for sharing requests. The same
``requests_app.services.workflow.transition`` applies every table: it checks who may fire, the source
state and the guard, changes the state with a conditional update, writes one history row and one audit
event, and then does what the move brings with it (an approved ISA supersedes the version before it,
starts the flows waiting for it and is rendered to PDF, for example).

A guard returns the reasons a move cannot happen now (empty when it can); it may read the entry's
related rows. ``system`` moves may also be made by the portal itself: by a scheduled task, with no
person, or as the consequence of another person's move.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import User
from django.db import models

from igportal.roles import Role, roles_of
from necessity.rules import Art6Condition, ConfidentialityBasis
from requests_app.models import (
    AgreementHistory,
    AgreementStatus,
    AgreementVersion,
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
)
from requests_app.models.history import StateHistory

Entry = TypeVar("Entry", AgreementVersion, DataFlow, Dpia, Incident)
RegisterEntry = AgreementVersion | DataFlow | Dpia | Incident

IG_TEAM = frozenset({Role.IG_OFFICER, Role.DPO})


@dataclass(frozen=True)
class RegisterTransition(Generic[Entry]):
    name: str
    label: str
    sources: frozenset[str]
    target: str
    may_fire: Callable[[User, Entry], bool]
    who: str
    comment_required: bool = False
    guard: Callable[[Entry, datetime.date], list[str]] | None = None
    system: bool = False
    # How conflict messages say it was done: "already approved by Clare Evans at 10:02".
    done: str = ""
    # Shown as a warning button: the move ends or stops something.
    warning: bool = False
    # Offered on the page only when its guard passes (expiring before the end date is never the answer);
    # other moves are offered anyway, and pressing them explains what is missing.
    offered_only_when_ready: bool = False


@dataclass(frozen=True)
class RegisterWorkflow(Generic[Entry]):
    model: type[Entry]
    history_model: type[StateHistory]
    # The history row's foreign key to the entry.
    history_field: str
    audit_type: str
    transitions: dict[str, RegisterTransition[Entry]]

    def available(self, user: User, entry: Entry, *, today: datetime.date) -> list[RegisterTransition[Entry]]:
        """What the user may do to the entry now, for the buttons on its page."""
        return [
            t
            for t in self.transitions.values()
            if entry.status in t.sources
            and t.may_fire(user, entry)
            and not (t.offered_only_when_ready and t.guard is not None and t.guard(entry, today))
        ]


def _table(*transitions: RegisterTransition[Any]) -> dict[str, RegisterTransition[Any]]:
    return {t.name: t for t in transitions}


def _ig_team(user: User, entry: models.Model) -> bool:
    return bool(roles_of(user) & IG_TEAM)


def _dpo(user: User, entry: models.Model) -> bool:
    return Role.DPO in roles_of(user)


def _nobody(user: User, entry: models.Model) -> bool:
    """Only the portal makes this move, as the consequence of another."""
    return False


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


A = AgreementStatus
ISA_WORKFLOW: RegisterWorkflow[AgreementVersion] = RegisterWorkflow(
    model=AgreementVersion,
    history_model=AgreementHistory,
    history_field="version",
    audit_type="isa",
    transitions=_table(
        RegisterTransition(
            "submit_for_approval",
            "Send to the Caldicott Guardian",
            frozenset({A.DRAFT}),
            A.AWAITING_CALDICOTT,
            _ig_team,
            "an IG officer or the DPO",
            guard=_agreement_incomplete,
            done="sent for approval",
        ),
        RegisterTransition(
            "approve",
            "Approve the agreement",
            frozenset({A.AWAITING_CALDICOTT}),
            A.ACTIVE,
            _caldicott_not_author,
            "the Caldicott Guardian, who did not draft or send it,",
            guard=_agreement_incomplete,
            done="approved",
        ),
        RegisterTransition(
            "return_to_draft",
            "Return to draft",
            frozenset({A.AWAITING_CALDICOTT}),
            A.DRAFT,
            _caldicott_or_ig_team,
            "the Caldicott Guardian or the IG team",
            comment_required=True,
            done="returned to draft",
        ),
        RegisterTransition(
            "expire",
            "Mark as expired",
            frozenset({A.ACTIVE}),
            A.EXPIRED,
            _dpo,
            "the DPO",
            guard=_end_date_passed,
            system=True,
            done="marked expired",
            warning=True,
            offered_only_when_ready=True,
        ),
        RegisterTransition(
            "terminate",
            "Terminate the agreement",
            frozenset({A.ACTIVE}),
            A.TERMINATED,
            _ig_team,
            "an IG officer or the DPO",
            comment_required=True,
            done="terminated",
            warning=True,
        ),
        RegisterTransition(
            "supersede",
            "Replace by the next version",
            frozenset({A.ACTIVE}),
            A.SUPERSEDED,
            _nobody,
            "the portal, when the next version is approved,",
            system=True,
            done="replaced by a later version",
        ),
    ),
)


# --- data flows ---------------------------------------------------------------------------------------


def _needs_active_agreement(flow: DataFlow, today: datetime.date) -> list[str]:
    if flow.agreement is None:
        return ["Choose the information sharing agreement that covers this flow first."]
    if not flow.agreement.versions.filter(status=AgreementStatus.ACTIVE).exists():
        return [f"{flow.agreement.reference} is not in force: a flow runs only under an active ISA."]
    return []


F = DataFlowStatus
FLOW_WORKFLOW: RegisterWorkflow[DataFlow] = RegisterWorkflow(
    model=DataFlow,
    history_model=DataFlowHistory,
    history_field="flow",
    audit_type="data_flow",
    transitions=_table(
        RegisterTransition(
            "activate",
            "Start the flow",
            frozenset({F.AWAITING_ISA}),
            F.ACTIVE,
            _ig_team,
            "an IG officer or the DPO",
            guard=_needs_active_agreement,
            system=True,
            done="started",
            offered_only_when_ready=True,
        ),
        RegisterTransition(
            "suspend",
            "Suspend the flow",
            frozenset({F.ACTIVE}),
            F.SUSPENDED,
            _ig_team,
            "an IG officer or the DPO",
            comment_required=True,
            system=True,
            done="suspended",
            warning=True,
        ),
        RegisterTransition(
            "resume",
            "Resume the flow",
            frozenset({F.SUSPENDED}),
            F.ACTIVE,
            _ig_team,
            "an IG officer or the DPO",
            guard=_needs_active_agreement,
            done="resumed",
            offered_only_when_ready=True,
        ),
        RegisterTransition(
            "end",
            "End the flow",
            frozenset({F.AWAITING_ISA, F.ACTIVE, F.SUSPENDED}),
            F.ENDED,
            _ig_team,
            "an IG officer or the DPO",
            comment_required=True,
            done="ended",
            warning=True,
        ),
    ),
)


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


D = DpiaStatus
DPIA_WORKFLOW: RegisterWorkflow[Dpia] = RegisterWorkflow(
    model=Dpia,
    history_model=DpiaHistory,
    history_field="dpia",
    audit_type="dpia",
    transitions=_table(
        RegisterTransition(
            "screen_out",
            "Record that a full DPIA is not required",
            frozenset({D.DRAFT}),
            D.NOT_REQUIRED,
            _ig_team,
            "an IG officer or the DPO",
            guard=_screened_no,
            done="screened out",
        ),
        RegisterTransition(
            "submit_for_advice",
            "Send to the DPO for advice",
            frozenset({D.DRAFT}),
            D.AWAITING_DPO,
            _ig_team,
            "an IG officer or the DPO",
            guard=_full_dpia_ready,
            done="sent to the DPO",
        ),
        RegisterTransition(
            "give_advice",
            "Give DPO advice and send to the SIRO",
            frozenset({D.AWAITING_DPO}),
            D.AWAITING_SIRO,
            _dpo_not_author,
            "the DPO, on a DPIA someone else wrote,",
            comment_required=True,
            done="advised on",
        ),
        RegisterTransition(
            "sign_off",
            "Sign off the DPIA",
            frozenset({D.AWAITING_SIRO}),
            D.SIGNED_OFF,
            _siro_independent,
            "the SIRO, who neither wrote nor advised on it,",
            # The SIRO accepts the residual risk on the organisation's behalf [000 5.vi]: say why.
            comment_required=True,
            done="signed off",
        ),
        RegisterTransition(
            "return_to_draft",
            "Return to draft",
            frozenset({D.AWAITING_DPO, D.AWAITING_SIRO}),
            D.DRAFT,
            _dpo_or_siro,
            "the DPO or the SIRO",
            comment_required=True,
            done="returned to draft",
        ),
        RegisterTransition(
            "reopen",
            "Reopen for review",
            frozenset({D.SIGNED_OFF, D.NOT_REQUIRED}),
            D.DRAFT,
            _ig_team,
            "an IG officer or the DPO",
            comment_required=True,
            done="reopened",
        ),
    ),
)


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
INCIDENT_WORKFLOW: RegisterWorkflow[Incident] = RegisterWorkflow(
    model=Incident,
    history_model=IncidentHistory,
    history_field="incident",
    audit_type="incident",
    transitions=_table(
        RegisterTransition(
            "close",
            "Close the incident",
            frozenset({INC.OPEN}),
            INC.CLOSED,
            _ig_team,
            "an IG officer or the DPO",
            guard=_incident_closable,
            done="closed",
        ),
        RegisterTransition(
            "reopen",
            "Reopen the incident",
            frozenset({INC.CLOSED}),
            INC.OPEN,
            _ig_team,
            "an IG officer or the DPO",
            comment_required=True,
            done="reopened",
        ),
    ),
)


REGISTER_WORKFLOWS: dict[type[models.Model], RegisterWorkflow[Any]] = {
    workflow.model: workflow for workflow in (ISA_WORKFLOW, FLOW_WORKFLOW, DPIA_WORKFLOW, INCIDENT_WORKFLOW)
}


def workflow_for(entry: RegisterEntry) -> RegisterWorkflow[Any]:
    return REGISTER_WORKFLOWS[type(entry)]
