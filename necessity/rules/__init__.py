"""IG Portal necessity test and Caldicott rules engine: pure Python, no Django.

Answers in (a frozen dataclass), a ``Result`` out. See docs/rules.md for the rule set, precedence,
routing and versioning, and docs/answers.schema.json for the answers format.
"""

from necessity.rules.answers import (
    Answers,
    CaldicottConfirmations,
    Data,
    DataItem,
    DpiaScreening,
    LawfulBasis,
    LegitimateRelationship,
    Necessity,
    PoliceItemNecessity,
    PoliceRequest,
    PrincipleCheck,
    Proportionality,
    Purpose,
    Safeguarding,
    Transfer,
)
from necessity.rules.catalogue import (
    CALDICOTT_PRINCIPLES,
    DPIA_SCREENING_QUESTIONS,
    LEGITIMATE_RELATIONSHIP_CRITERIA,
    CatalogueEntry,
)
from necessity.rules.codec import answers_from_dict, answers_to_dict, result_from_dict, result_to_dict
from necessity.rules.engine import assess
from necessity.rules.enums import (
    Art6Condition,
    Art9Condition,
    ConditionCode,
    ConfidentialityBasis,
    ConsentState,
    DataForm,
    Direction,
    Effect,
    Frequency,
    Outcome,
    PoliceExemption,
    PurposeCategory,
    RecipientKind,
    Risk,
    Stage,
    TransferMethod,
    Urgency,
    choices,
    label,
)
from necessity.rules.errors import AnswersError, DecodeError
from necessity.rules.fields import field_help
from necessity.rules.policy import DEFAULT_POLICY, Policy
from necessity.rules.result import Condition, FiredRule, Result
from necessity.rules.schema import answers_json_schema
from necessity.rules.validation import answer_errors, validate_answers
from necessity.rules.version import RULES_VERSION

__all__ = [
    "CALDICOTT_PRINCIPLES",
    "DEFAULT_POLICY",
    "DPIA_SCREENING_QUESTIONS",
    "LEGITIMATE_RELATIONSHIP_CRITERIA",
    "RULES_VERSION",
    "Answers",
    "AnswersError",
    "Art6Condition",
    "Art9Condition",
    "CaldicottConfirmations",
    "CatalogueEntry",
    "Condition",
    "ConditionCode",
    "ConfidentialityBasis",
    "ConsentState",
    "Data",
    "DataForm",
    "DataItem",
    "DecodeError",
    "Direction",
    "DpiaScreening",
    "Effect",
    "FiredRule",
    "Frequency",
    "LawfulBasis",
    "LegitimateRelationship",
    "Necessity",
    "Outcome",
    "PoliceExemption",
    "PoliceItemNecessity",
    "PoliceRequest",
    "Policy",
    "PrincipleCheck",
    "Proportionality",
    "Purpose",
    "PurposeCategory",
    "RecipientKind",
    "Result",
    "Risk",
    "Safeguarding",
    "Stage",
    "Transfer",
    "TransferMethod",
    "Urgency",
    "answer_errors",
    "answers_from_dict",
    "answers_json_schema",
    "answers_to_dict",
    "assess",
    "choices",
    "field_help",
    "label",
    "result_from_dict",
    "result_to_dict",
    "validate_answers",
]
