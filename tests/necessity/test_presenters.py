"""The answers summary lists questions in the order the wizard asks them, however the JSON was stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from necessity.presenters import Section, summarise_answers
from requests_app.models import RequestStatus
from tests.factories import example_assessment, make_request


def _labels(sections: list[Section], key: str) -> list[str]:
    return [row.label for row in next(section for section in sections if section.key == key).rows]


def _keys_reversed(answers: dict[str, Any]) -> dict[str, Any]:
    return {
        section: dict(reversed(values.items())) if isinstance(values, dict) else values
        for section, values in answers.items()
    }


def test_the_summary_keeps_the_wizards_order_when_stored_keys_come_back_in_another_order() -> None:
    answers, _, _ = example_assessment("police_admission_dates")
    assert summarise_answers(_keys_reversed(answers)) == summarise_answers(answers)
    labels = _labels(summarise_answers(_keys_reversed(answers)), "caldicott")
    assert [label.split(":")[0] for label in labels] == [f"Principle {n}" for n in range(1, 9)]
    dpia = _labels(summarise_answers(_keys_reversed(answers)), "dpia_screening")
    assert [label.split(".")[0] for label in dpia] == [str(n) for n in range(1, 11)]


@pytest.mark.django_db
def test_a_frozen_assessment_read_back_from_the_database_lists_principles_in_order(requester: User) -> None:
    # PostgreSQL's jsonb hands keys back shortest first: p4_need_to_know before p1_justify_purpose.
    sharing_request = make_request(requester=requester, status=RequestStatus.SUBMITTED)
    stored = sharing_request.assessments.get().answers
    labels = _labels(summarise_answers(stored), "caldicott")
    assert [label.split(":")[0] for label in labels] == [f"Principle {n}" for n in range(1, 9)]
    lawful_basis = _labels(summarise_answers(stored), "lawful_basis")
    assert lawful_basis[0] == "Which UK GDPR Article 6 condition applies?"
