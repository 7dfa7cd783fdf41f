"""Every error code the domain declares appears in a scenario of features/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.errors import DomainError, RuleViolation

FEATURES = Path(__file__).resolve().parents[2] / "features"


def declared_codes() -> set[str]:
    """The codes of the domain's error classes and those a RuleViolation may carry."""
    classes, pending = set(), list(DomainError.__subclasses__())
    while pending:
        error = pending.pop()
        classes.add(error.code)
        pending.extend(error.__subclasses__())
    return (classes - {RuleViolation.code}) | RuleViolation.CODES


def scenarios_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(FEATURES.glob("*.feature")))


def test_a_rule_violation_carries_only_a_declared_code() -> None:
    with pytest.raises(ValueError, match="not an error code"):
        RuleViolation("no_such_code", "A code nobody declared.")
    assert RuleViolation("no_card", "There is no card.", "card").code == "no_card"


def test_the_declared_codes_are_error_codes_and_no_field_name() -> None:
    codes = declared_codes()
    assert {"immutable_field", "cannot_remove_holder", "too_many_attempts", "no_card"} <= codes
    assert {"profile_not_found", "version_conflict", "idempotency_key_reused"} <= codes
    assert not {"first_name", "holder_name", "facebook", "email", "billing", "code"} & codes


def test_every_error_code_the_domain_declares_appears_in_a_scenario() -> None:
    text = scenarios_text()
    missing = sorted(code for code in declared_codes() if not re.search(rf"\b{code}\b", text))
    assert not missing, f"error codes of the domain in no scenario: {missing}"
