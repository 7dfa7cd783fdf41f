"""The feature files' own rules: every scenario bound to a test, one When, a description.

The files are read with the public gherkin parser (the one pytest-bdd uses); which tests bind
them is asked of pytest itself (`--collect-only`), never of pytest-bdd's internals."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from features.living_docs import Feature, Scenario, read_features

HERE = Path(__file__).parent
ROOT = HERE.parent
FEATURES: list[Feature] = read_features(HERE)
SCENARIOS: list[tuple[Feature, Scenario]] = [(f, s) for f in FEATURES for s in f.scenarios]


def scenario_id(bound: tuple[Feature, Scenario]) -> str:
    return f"{bound[0].path.name}: {bound[1].name}"


def bound_test_name(scenario: Scenario) -> str:
    """The test function pytest-bdd's scenarios() names after a scenario (as reports show)."""
    python_name = re.sub(r"\W", "", scenario.name.replace(" ", "_"))
    return "test_" + re.sub(r"^\d+_*", "", python_name).lower()


@cache
def collected() -> Counter[tuple[str, str]]:
    """(test module, test function) -> how many tests pytest collects for it in features/."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         str(HERE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    tests: Counter[tuple[str, str]] = Counter()
    for line in done.stdout.splitlines():
        path, _, name = line.partition("::")
        if name:
            tests[Path(path).name, name.partition("[")[0]] += 1
    return tests


def test_the_features_cover_every_capability() -> None:
    names = {f.path.stem for f in FEATURES}
    assert {
        "registration",
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


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.path.name)
def test_every_feature_file_has_its_test_module_binding_its_scenarios(feature: Feature) -> None:
    module = HERE / f"test_{feature.path.stem}.py"
    assert module.exists(), f"{feature.path.name} has no {module.name}"
    assert f'scenarios("{feature.path.name}")' in module.read_text(encoding="utf-8")


def test_every_scenario_of_every_feature_file_is_bound_to_a_test() -> None:
    tests = collected()
    unbound = [
        scenario_id((feature, scenario))
        for feature, scenario in SCENARIOS
        if tests[f"test_{feature.path.stem}.py", bound_test_name(scenario)]
        != max(1, sum(len(examples.rows) for examples in scenario.examples))
    ]
    assert not unbound, f"scenarios bound to no test (or not once per example): {unbound}"


def test_the_binding_check_finds_a_scenario_no_test_binds() -> None:
    feature, scenario = SCENARIOS[0]
    tests = collected()
    assert tests[f"test_{feature.path.stem}.py", bound_test_name(scenario)] >= 1
    assert tests[f"test_{feature.path.stem}.py", "test_a_scenario_nobody_wrote"] == 0


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.path.name)
def test_every_feature_says_in_one_line_what_it_is_about(feature: Feature) -> None:
    assert feature.name
    lines = [line for line in feature.description.splitlines() if line.strip()]
    assert len(lines) == 1, "one line of description under Feature:"


@pytest.mark.parametrize("bound", SCENARIOS, ids=scenario_id)
def test_every_scenario_has_givens_then_one_when_then_thens(
    bound: tuple[Feature, Scenario],
) -> None:
    feature, scenario = bound
    kinds = [step.kind for step in (*feature.background, *scenario.steps)]
    assert kinds.count("when") == 1, "exactly one When per scenario"
    when = kinds.index("when")
    assert set(kinds[:when]) <= {"given"}, "only Givens before the When"
    assert kinds[when + 1 :] and set(kinds[when + 1 :]) == {"then"}, "Thens after the When"
