"""The disposal review workflow as a table: the DPO destroys, extends or holds a record past its period.

``requests_app.services.workflow.transition`` applies it like every other table. A legal hold blocks
destruction simply by not being a source of ``destroy``: a held record can only be released
(``lift_hold``, with reasons) back to review. An extended record comes back to review by itself once its
new date has passed (``resurface``, fired only by the sweep, which picks those whose date is past).
``destroy``'s consequence is the destruction itself (``services.retention.carry_out_destruction``),
inside the move's transaction: if it fails, nothing moved.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from igportal.roles import Role, has_role
from requests_app.models import DisposalReview, DisposalReviewHistory, DisposalStatus, LegalHoldKind
from requests_app.transitions import Firer, Move, Workflow, move, table

_D = DisposalStatus


def _dpo(user: User, review: DisposalReview) -> bool:
    return has_role(user, Role.DPO)


def _extension(move: Move[DisposalReview]) -> None:
    until = move.inputs.get("extended_until")
    if until is None:
        move.add_error("extended_until", "Enter the date to keep the record until.")
    elif until <= move.today:
        move.add_error("extended_until", "The new date must be after today.")
    else:
        move.set(extended_until=until)


def _hold(move: Move[DisposalReview]) -> None:
    kind = move.inputs.get("hold_kind") or ""
    if kind not in LegalHoldKind.values:
        move.add_error("hold_kind", "Choose what the legal hold is for.")
    else:
        move.set(hold_kind=kind)


def _lift(move: Move[DisposalReview]) -> None:
    move.set(hold_kind="")


def _destroy(move: Move[DisposalReview]) -> None:
    from requests_app.services.retention import carry_out_destruction

    assert move.actor is not None
    carry_out_destruction(review=move.entry, actor=move.actor, http_request=move.http_request)


_BY_DPO = Firer(_dpo, "the DPO")
# fmt: off
DISPOSAL_WORKFLOW: Workflow[DisposalReview] = Workflow(
    model=DisposalReview,
    history_model=DisposalReviewHistory,
    history_field="review",
    audit_verb="disposal",
    inputs=frozenset({"extended_until", "hold_kind"}),
    transitions=table(
        move("destroy", "Approve destruction",
             _BY_DPO, {_D.PENDING}, _D.DESTROYED,
             consequences=_destroy, done="destroyed", warning=True),
        move("extend", "Extend retention",
             _BY_DPO, {_D.PENDING}, _D.EXTENDED,
             reason_required=True, reason_prompt="Say why the record must be kept longer.",
             prepare=_extension, done="extended"),
        move("hold", "Place a legal hold",
             _BY_DPO, {_D.PENDING, _D.EXTENDED}, _D.HELD,
             reason_required=True,
             reason_prompt="Say which proceedings, investigation or inquiry the record is held for.",
             prepare=_hold, done="placed on legal hold"),
        move("lift_hold", "Lift the legal hold",
             _BY_DPO, {_D.HELD}, _D.PENDING,
             reason_required=True, reason_prompt="Say why the hold is no longer needed.",
             prepare=_lift, done="released from its legal hold"),
        move("resurface", "Return to review",
             Firer(lambda user, review: False, "the portal"), {_D.EXTENDED}, _D.PENDING,
             system=True, done="returned to review"),
    ),
)
# fmt: on
