"""The bridge between saved wizard steps and the pure engine."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from necessity.rules import Answers, Result, answers_from_dict, assess
from necessity.steps import STEPS_BY_NAME, assemble_answers
from requests_app.models import DataItemType, Organisation, OrganisationPolicy


def organisation_policy() -> OrganisationPolicy:
    """The organisation's rules policy in force: its ``policy`` is what the engine is given."""
    return OrganisationPolicy.current()


def assess_saved(
    saved: Mapping[str, Any],
    item_types: Sequence[DataItemType],
    *,
    today: datetime.date,
    recipient: Organisation | None = None,
) -> tuple[Answers, Result, OrganisationPolicy]:
    """Assemble, validate and assess under the policy in force, which is returned with the result.

    The recipient's assurance, as its record stands today, is handed to the engine beside the answers.
    Raises ``AnswersError`` when the answers do not hold together.
    """
    answers = answers_from_dict(assemble_answers(saved, item_types))
    in_force = organisation_policy()
    lapsed = recipient is not None and bool(recipient.assurance_lapses(today))
    result = assess(answers, today=today, policy=in_force.policy, recipient_assurance_lapsed=lapsed)
    return answers, result, in_force


# The engine reports problems by JSON path; the first component names the wizard step to go back to.
_PATH_STEPS = {
    "purpose": "purpose",
    "safeguarding": "safeguarding",
    "police": "police",
    "data": "data",
    "lawful_basis": "lawful_basis",
    "legal_duty": "legal_duty",
    "best_interests": "best_interests",
    "legitimate_relationship": "legitimate_relationship",
    "necessity": "necessity",
    "proportionality": "proportionality",
    "transfer": "transfer",
    "dpia_screening": "dpia_screening",
    "caldicott": "caldicott",
}


def step_for_path(path: str) -> str:
    """The wizard step a problem at ``path`` (e.g. ``$.data.items[2].justification``) belongs to."""
    first = path.removeprefix("$.").split(".", 1)[0].split("[", 1)[0]
    if first == "data" and ".items[" in path:
        return "items"
    if first == "lawful_basis" and path.endswith(".art9"):
        return "special_category"
    step = _PATH_STEPS.get(first, "purpose")
    assert step in STEPS_BY_NAME
    return step
