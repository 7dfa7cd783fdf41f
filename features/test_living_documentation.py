"""make docs: the page lists every feature and scenario with its last result."""

from __future__ import annotations

import json
from pathlib import Path

from features.living_docs import load_results, read_features, render

FEATURE = """Feature: Greeting
  Says hello.

  Scenario Outline: Greeting someone
    When she greets <name>
    Then she hears <answer>

    Examples:
      | name | answer |
      | Luc  | hi     |
      | Paul | hello  |

  Scenario: Shouting
    When she shouts
    Then the neighbours <complain>

  Scenario: Whispering
    When she whispers
    Then nobody hears
"""


def element(name: str, test_id: str, status: str, error: str = "") -> dict[str, object]:
    result: dict[str, object] = {"status": status, "duration": 1}
    if error:
        result["error_message"] = error
    step = {"keyword": "When", "name": "x", "line": 5, "match": {"location": ""}, "result": result}
    return {"keyword": "Scenario", "id": test_id, "name": name, "line": 4, "steps": [step]}


def test_the_page_shows_each_scenario_and_example_with_its_last_result(tmp_path: Path) -> None:
    (tmp_path / "greeting.feature").write_text(FEATURE, encoding="utf-8")
    report = tmp_path / "cucumber.json"
    elements = [
        element("Greeting someone", "test_greeting_someone[Luc-hi]", "passed"),
        element("Greeting someone", "test_greeting_someone[Paul-hello]", "failed", "Boom <b>"),
        element("Shouting", "test_shouting", "passed"),
    ]
    report.write_text(json.dumps([{"uri": "features/greeting.feature", "elements": elements}]))

    page = render(read_features(tmp_path), load_results(report), "note")

    assert "Greeting" in page and "Says hello." in page
    assert '<td>Luc</td><td>hi</td><td><span class="passed">' in page
    assert '<td>Paul</td><td>hello</td><td><span class="failed">' in page
    assert "Boom &lt;b&gt;" in page
    assert "✘ failed</span> Scenario Outline: Greeting someone" in page
    assert "✔ passed</span> Scenario: Shouting" in page
    assert "? not run</span> Scenario: Whispering" in page
    assert "1 passed, 1 failed, 1 not run scenarios" in page
