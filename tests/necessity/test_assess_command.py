from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from necessity.rules import RULES_VERSION

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _run(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("assess", *args, stdout=out)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_assess_prints_the_expected_outcome_of_each_worked_example(example: Path) -> None:
    expected = json.loads(example.read_text())["expected"]
    result = _run(str(example))
    assert result["outcome"] == expected["outcome"]
    assert result["required_signoffs"] == expected["required_signoffs"]
    assert [rule["rule_id"] for rule in result["rules_fired"]] == expected["rules_fired"]  # type: ignore[attr-defined]
    assert [condition["code"] for condition in result["conditions"]] == expected.get(  # type: ignore[attr-defined]
        "conditions",
        [condition["code"] for condition in result["conditions"]],  # type: ignore[attr-defined]
    )
    assert result["rules_version"] == RULES_VERSION


def test_a_discharge_to_a_care_home_keeps_the_names_that_make_care_safe() -> None:
    result = _run(str(EXAMPLES / "discharge_to_care_home.json"))

    assert result["outcome"] == "share"
    assert result["conditions"] == []
    fired = {rule["rule_id"] for rule in result["rules_fired"]}  # type: ignore[attr-defined]
    assert not fired & {"R-NEC-PSEUDONYMISED", "R-MIN-ALTERNATIVE", "R-CONF-IMPLIED-INVALID"}
    assert "R-DIRECT-CARE-IDENTIFIERS" in fired


def test_assess_reads_a_bare_answers_file(tmp_path: Path) -> None:
    example = json.loads((EXAMPLES / "safeguarding_referral.json").read_text())
    bare = tmp_path / "answers.json"
    bare.write_text(json.dumps(example["answers"]))
    result = _run(str(bare), "--today", example["today"])
    assert result["share_now"] is True


def test_assess_reports_invalid_answers_by_path(tmp_path: Path) -> None:
    example = json.loads((EXAMPLES / "safeguarding_referral.json").read_text())
    example["answers"]["purpose"]["category"] = "gossip"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(example))
    with pytest.raises(CommandError, match=r"purpose\.category"):
        _run(str(broken))


def test_assess_explains_a_file_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="is not valid JSON"):
        _run(str(bad))


def test_assess_refuses_a_malformed_date() -> None:
    with pytest.raises(CommandError, match="--today must be a date"):
        _run(str(EXAMPLES / "safeguarding_referral.json"), "--today", "21/11/2026")
