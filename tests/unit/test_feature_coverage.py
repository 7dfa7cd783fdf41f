"""Every error code of domain.md (and of the domain's code) appears in a scenario of features/."""

from __future__ import annotations

import re
from pathlib import Path

from domain.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "spec" / "domain.md"
FEATURES = ROOT / "features"
# Labels whose colon introduces a list of names, not of error codes.
NOT_CODES = ("Fields", "Input", "Networks")
AFTER_COLON = re.compile(r"([^\n:`]*):\s+(`[a-z_]+`(?:,\s*`[a-z_]+`)*)")
# "(`cannot_remove_holder`)", "further attempts get `too_many_attempts`"
ALONE = re.compile(r"\(`([a-z_]+)`\)|\bget\s+`([a-z_]+)`")
CODE = re.compile(r"`([a-z_]+)`")
RAISED = re.compile(r'RuleViolation\(\s*"([a-z_]+)"')


def spec_codes(spec: str) -> set[str]:
    """Codes in `code font` after a colon or alone in brackets, and those of the Errors section."""
    rules, _, errors = spec.partition("## Errors")
    codes = {
        code
        for label, run in AFTER_COLON.findall(rules)
        if label.strip().split(" ")[-1] not in NOT_CODES
        for code in CODE.findall(run)
    }
    codes.update(code for pair in ALONE.findall(rules) for code in pair if code)
    codes.update(code for code in CODE.findall(errors) if code != "code")
    return codes


def domain_codes() -> set[str]:
    """Every code the domain and application raise: rule violations and error classes."""
    sources = [*ROOT.glob("domain/*.py"), *ROOT.glob("application/*.py")]
    raised = {code for path in sources for code in RAISED.findall(path.read_text())}
    classes, pending = set(), list(DomainError.__subclasses__())
    while pending:
        error = pending.pop()
        classes.add(error.code)
        pending.extend(error.__subclasses__())
    return raised | classes - {"rule_violation"}


def scenarios_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(FEATURES.glob("*.feature")))


def missing_from_scenarios(codes: set[str]) -> list[str]:
    text = scenarios_text()
    return sorted(code for code in codes if not re.search(rf"\b{code}\b", text))


def test_reads_the_thirty_error_codes_of_the_spec_and_no_field_name() -> None:
    codes = spec_codes(SPEC.read_text(encoding="utf-8"))
    assert {"immutable_field", "cannot_remove_holder", "too_many_attempts", "no_card"} <= codes
    assert {"profile_not_found", "version_conflict", "idempotency_key_reused"} <= codes
    assert not {"first_name", "holder_name", "facebook", "email", "billing", "code"} & codes
    assert len(codes) == 30


def test_every_error_code_of_the_spec_appears_in_a_scenario() -> None:
    missing = missing_from_scenarios(spec_codes(SPEC.read_text(encoding="utf-8")))
    assert not missing, f"error codes of domain.md in no scenario: {missing}"


def test_every_error_code_the_domain_raises_appears_in_a_scenario() -> None:
    codes = domain_codes()
    assert {"weak_password", "version_not_found", "validation_error"} <= codes
    missing = missing_from_scenarios(codes)
    assert not missing, f"error codes raised in the code but in no scenario: {missing}"
