"""The feature files' own rules: every scenario bound to a test, one When, a description."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from pytest_bdd.feature import get_features
from pytest_bdd.parser import Feature, ScenarioTemplate
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.utils import registry_get_safe

HERE = Path(__file__).parent
FEATURES: list[Feature] = get_features([str(HERE)])
SCENARIOS: list[ScenarioTemplate] = [s for f in FEATURES for s in f.scenarios.values()]


def scenario_id(scenario: ScenarioTemplate) -> str:
    return f"{Path(scenario.feature.filename).name}: {scenario.name}"


def bound_scenarios() -> set[tuple[str, str]]:
    """(feature file, scenario) of every scenario a test module of features/ binds."""
    bound: set[tuple[str, str]] = set()
    for path in sorted(HERE.glob("test_*.py")):
        module = importlib.import_module(f"features.{path.stem}")
        for value in vars(module).values():
            template = registry_get_safe(scenario_wrapper_template_registry, value)
            if template is not None:
                bound.add((template.feature.filename, template.name))
    return bound


def test_the_features_cover_every_capability() -> None:
    names = {Path(f.filename).stem for f in FEATURES}
    assert {
        "contact_information",
        "additional_information",
        "account_contacts",
        "account_preferences",
        "password",
        "credit_card",
        "social_media",
        "newsletters",
        "audit_trail",
        "history",
        "concurrency_and_idempotency",
    } <= names


def test_every_scenario_of_every_feature_file_is_bound_to_a_test() -> None:
    declared = {(s.feature.filename, s.name) for s in SCENARIOS}
    unbound = sorted(name for _, name in declared - bound_scenarios())
    assert not unbound, f"scenarios bound to no test: {unbound}"


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: Path(f.filename).name)
def test_every_feature_says_in_one_line_what_it_is_about(feature: Feature) -> None:
    assert feature.name
    lines = [line for line in feature.description.splitlines() if line.strip()]
    assert len(lines) == 1, "one line of description under Feature:"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=scenario_id)
def test_every_scenario_has_givens_then_one_when_then_thens(scenario: ScenarioTemplate) -> None:
    kinds = [step.type for step in scenario.steps]
    assert kinds.count("when") == 1, "exactly one When per scenario"
    when = kinds.index("when")
    assert set(kinds[:when]) <= {"given"}, "only Givens before the When"
    assert kinds[when + 1 :] and set(kinds[when + 1 :]) == {"then"}, "Thens after the When"
