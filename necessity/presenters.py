"""Turn engine answers and results (as stored JSON) into rows a person reads.

Works on the engine's dict format, so the same code shows the live review and a frozen snapshot
years later, labelled with the wording the wizard asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms

from necessity.rules import CALDICOTT_PRINCIPLES, ConditionCode, Effect, Outcome, Risk, Stage, label
from necessity.steps import STEPS_BY_NAME

_SECTIONS = (
    "purpose",
    "safeguarding",
    "police",
    "data",
    "lawful_basis",
    "legal_duty",
    "best_interests",
    "legitimate_relationship",
    "necessity",
    "proportionality",
    "transfer",
    "dpia_screening",
    "caldicott",
)
_PRINCIPLE_TEXT = {entry.id: f"Principle {entry.number}: {entry.text}" for entry in CALDICOTT_PRINCIPLES}


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list[Row]


def _display(field: forms.Field | None, value: Any) -> str:
    if value is None or value == "":
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if (
        field is not None
        and isinstance(field, forms.ChoiceField)
        and not isinstance(field, forms.TypedChoiceField)
    ):
        return str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
    return str(value)


def _form_fields(step: str) -> dict[str, forms.Field]:
    step_spec = STEPS_BY_NAME.get(step)
    if step_spec is None:
        return {}
    return dict(step_spec.form_class.base_fields)


def _in_order(values: Mapping[str, Any], names: Iterable[str]) -> list[tuple[str, Any]]:
    """The answers in the order the wizard asks them, whatever order the stored JSON has.

    PostgreSQL's jsonb does not keep the order keys were saved in (it puts shorter keys first), so a
    summary in stored order would list "principle 4" before "principle 1". Keys the wizard does not
    ask about go last, alphabetically.
    """
    rank = {name: index for index, name in enumerate(names)}
    return sorted(values.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def summarise_answers(answers: Mapping[str, Any]) -> list[Section]:
    sections = []
    for key in _SECTIONS:
        values = answers.get(key)
        if values is None:
            continue
        fields = _form_fields(key)
        rows: list[Row] = []
        if key == "data":
            rows = [
                Row(str(fields[name].label or name), _display(fields.get(name), value))
                for name, value in _in_order(values, fields)
                if name != "items" and name in fields
            ]
            rows += [
                Row(
                    item["name"],
                    f"{'Essential' if item['essential'] else 'Not essential'}: {item['justification']}",
                )
                for item in values["items"]
            ]
        elif key == "caldicott":
            rows = [
                Row(
                    _PRINCIPLE_TEXT.get(name, name),
                    f"{'Confirmed' if check['confirmed'] else 'Not met'}: {check['evidence']}",
                )
                for name, check in _in_order(values, _PRINCIPLE_TEXT)
            ]
        elif key == "police":
            rows = [
                Row(str(fields[name].label or name), _display(fields.get(name), value))
                for name, value in _in_order(values, fields)
                if name in fields
            ]
            rows += [
                Row(
                    f"Needed for the enquiry: {entry['item_code']}",
                    "Yes" if entry["necessary_for_enquiry"] else "No",
                )
                for entry in values["item_necessity"]
            ]
        else:
            special = _form_fields("special_category") if key == "lawful_basis" else {}
            for name, value in _in_order(values, [*fields, *special]):
                field = fields.get(name) or special.get(name)
                rows.append(
                    Row(
                        str(field.label) if field is not None else name.replace("_", " ").capitalize(),
                        _display(field, value),
                    )
                )
        title = STEPS_BY_NAME[key].title if key in STEPS_BY_NAME else key
        sections.append(Section(key, title, rows))
    return sections


@dataclass(frozen=True)
class Reason:
    rule_id: str
    message: str
    citation: str
    effect: str
    overridden: bool


@dataclass(frozen=True)
class ConditionView:
    code: str
    label: str
    text: str
    items: list[str]


@dataclass(frozen=True)
class ResultView:
    outcome: str
    outcome_label: str
    reasons: list[Reason]
    conditions: list[ConditionView]
    signoffs: list[str]
    dpia_required: bool
    isa_required: bool
    risk: str
    risk_label: str
    risk_reasons: list[str]
    short_path: bool
    share_now: bool
    rules_version: str


def present_result(result: Mapping[str, Any]) -> ResultView:
    return ResultView(
        outcome=result["outcome"],
        outcome_label=label(Outcome(result["outcome"])),
        reasons=[
            Reason(
                rule_id=rule["rule_id"],
                message=rule["message"],
                citation=rule["citation"],
                effect=label(Effect(rule["effect"])),
                overridden=rule.get("overridden", False),
            )
            for rule in result["rules_fired"]
        ],
        conditions=[
            ConditionView(
                code=condition["code"],
                label=label(ConditionCode(condition["code"])),
                text=condition["text"],
                items=list(condition["item_codes"]),
            )
            for condition in result["conditions"]
        ],
        signoffs=[label(Stage(stage)) for stage in result["required_signoffs"]],
        dpia_required=result["dpia_required"],
        isa_required=result["isa_required"],
        risk=result["risk"],
        risk_label=label(Risk(result["risk"])),
        risk_reasons=list(result["risk_reasons"]),
        short_path=result["short_path"],
        share_now=result["share_now"],
        rules_version=result["rules_version"],
    )
