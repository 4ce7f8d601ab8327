"""The bridge between saved wizard steps and the pure engine."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from necessity.rules import Answers, Policy, Result, answers_from_dict, assess
from necessity.steps import STEPS_BY_NAME, assemble_answers
from requests_app.models import DataItemType, OrganisationSettings


def organisation_policy() -> Policy:
    return Policy(consent_max_age_days=OrganisationSettings.load().consent_max_age_days)


def assess_saved(
    saved: Mapping[str, Any], item_types: Sequence[DataItemType], *, today: datetime.date
) -> tuple[Answers, Result]:
    """Assemble, validate and assess; raises ``AnswersError`` when the answers do not hold together."""
    answers = answers_from_dict(assemble_answers(saved, item_types))
    return answers, assess(answers, today=today, policy=organisation_policy())


# The engine reports problems by JSON path; the first component names the wizard step to go back to.
_PATH_STEPS = {
    "purpose": "purpose",
    "safeguarding": "safeguarding",
    "police": "police",
    "data": "data",
    "lawful_basis": "lawful_basis",
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
