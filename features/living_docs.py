"""Living documentation: run the feature files, then render every scenario's last result as HTML."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from gherkin.parser import Parser

FEATURES = Path("features")
REPORTS = Path("reports")
RESULTS = REPORTS / "cucumber.json"
PAGE = REPORTS / "features.html"
ICONS = {"passed": "✔", "failed": "✘", "skipped": "○", "not run": "?"}
STYLE = """
body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2.5rem} h3{margin:1.2rem 0 .3rem;font-size:1rem}
.passed{color:#176c2c} .failed{color:#b00020} .skipped,.not-run{color:#8a6d00}
.steps{margin:.2rem 0 .2rem 1.2rem;padding:0;list-style:none} .kw{font-weight:600}
table{border-collapse:collapse;margin:.3rem 0 .3rem 1.2rem;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.15rem .5rem;text-align:left} th{background:#f4f4f4}
.tag{background:#eef;border-radius:.3rem;padding:0 .3rem;font-size:.8rem;margin-right:.3rem}
pre{background:#fff4f4;padding:.5rem;overflow:auto;font-size:.8rem;max-height:20rem}
.desc{color:#555;margin-top:-.5rem} nav li{margin:.1rem 0}
"""


@dataclass(frozen=True)
class Run:
    """One run of a scenario (one example row of an outline), as the cucumber JSON tells it."""

    example: str
    status: str
    error: str


@dataclass(frozen=True)
class Step:
    keyword: str  # as written: Given, When, Then, And, But
    kind: str  # what the step is: given, when or then (an And or a But is the one before it)
    text: str
    table: list[list[str]] | None = None


@dataclass(frozen=True)
class Examples:
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Scenario:
    keyword: str
    name: str
    tags: frozenset[str]
    steps: list[Step]  # its own, without the background's
    examples: list[Examples]


@dataclass(frozen=True)
class Feature:
    path: Path
    name: str
    description: str
    background: list[Step]
    scenarios: list[Scenario]


KINDS = {"Context": "given", "Action": "when", "Outcome": "then"}


def _cells(row: dict[str, Any]) -> list[str]:
    return [str(cell["value"]) for cell in row["cells"]]


def _steps(nodes: list[dict[str, Any]], kind: str = "given") -> list[Step]:
    steps = []
    for node in nodes:
        kind = KINDS.get(node.get("keywordType", ""), kind)
        table = node.get("dataTable")
        rows = [_cells(row) for row in table["rows"]] if table else None
        steps.append(Step(node["keyword"].strip(), kind, node["text"], rows))
    return steps


def _scenario(node: dict[str, Any], background: list[Step]) -> Scenario:
    examples = [
        Examples(_cells(block["tableHeader"]), [_cells(row) for row in block["tableBody"]])
        for block in node["examples"]
        if block.get("tableHeader")
    ]
    return Scenario(
        node["keyword"],
        node["name"],
        frozenset(tag["name"].removeprefix("@") for tag in node["tags"]),
        _steps(node["steps"], background[-1].kind if background else "given"),
        examples,
    )


def read_feature(path: Path) -> Feature:
    """A feature file as the public gherkin parser (the one pytest-bdd uses) reads it."""
    feature = Parser().parse(path.read_text(encoding="utf-8"))["feature"]
    background: list[Step] = []
    scenarios: list[Scenario] = []
    children = list(feature["children"])
    while children:
        child = children.pop(0)
        if "background" in child:
            background = _steps(child["background"]["steps"])
        elif "scenario" in child:
            scenarios.append(_scenario(child["scenario"], background))
        elif "rule" in child:
            children[:0] = child["rule"]["children"]
    description = "\n".join(line.strip() for line in feature["description"].splitlines())
    return Feature(path, feature["name"], description.strip(), background, scenarios)


def read_features(directory: Path) -> list[Feature]:
    return [read_feature(path) for path in sorted(directory.glob("*.feature"))]


def run_features(driver: str, extra: list[str]) -> int:
    """Run pytest on features/ with the cucumber JSON report; its exit status."""
    REPORTS.mkdir(exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        str(FEATURES),
        f"--driver={driver}",
        f"--cucumberjson={RESULTS}",
        *extra,
    ]
    return subprocess.run(command, check=False).returncode


def load_results(path: Path) -> dict[tuple[str, str], list[Run]]:
    """(feature file name, scenario name) -> its runs, from pytest-bdd's cucumber JSON."""
    runs: dict[tuple[str, str], list[Run]] = defaultdict(list)
    if not path.exists():
        return runs
    features: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    for feature in features:
        for element in feature["elements"]:
            statuses = [step["result"]["status"] for step in element["steps"]]
            status = next((s for s in ("failed", "skipped") if s in statuses), "passed")
            errors = [s["result"].get("error_message", "") for s in element["steps"]]
            example = element["id"].partition("[")[2].removesuffix("]")
            key = (Path(feature["uri"]).name, element["name"])
            runs[key].append(Run(example, status, "".join(errors).strip()))
    return runs


def overall(runs: list[Run]) -> str:
    if not runs:
        return "not run"
    return next((s for s in ("failed", "skipped") if any(r.status == s for r in runs)), "passed")


def badge(status: str) -> str:
    return f'<span class="{status.replace(" ", "-")}">{ICONS[status]} {status}</span>'


def table(rows: list[list[str]], extra: list[str] | None = None) -> str:
    head, *body = rows
    cells = "".join(f"<th>{escape(c)}</th>" for c in head) + ("<th>result</th>" if extra else "")
    lines = [f"<tr>{cells}</tr>"]
    for index, row in enumerate(body):
        result = f"<td>{extra[index]}</td>" if extra else ""
        lines.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + result + "</tr>")
    return "<table>" + "".join(lines) + "</table>"


def render_steps(steps: list[Step]) -> str:
    items = []
    for step in steps:
        text = f'<span class="kw">{escape(step.keyword)}</span> {escape(step.text)}'
        if step.table is not None:
            text += table(step.table)
        items.append(f"<li>{text}</li>")
    return f'<ul class="steps">{"".join(items)}</ul>'


def render_scenario(scenario: Scenario, runs: list[Run]) -> str:
    status = overall(runs)
    tags = "".join(f'<span class="tag">@{escape(t)}</span>' for t in sorted(scenario.tags))
    parts = [
        f"<h3>{badge(status)} {escape(scenario.keyword)}: {escape(scenario.name)} {tags}</h3>",
        render_steps(scenario.steps),
    ]
    by_example = {run.example: run for run in runs}
    for examples in scenario.examples:
        results = []
        for row in examples.rows:
            run = by_example.get("-".join(row))
            results.append(badge(run.status if run else "not run"))
        parts.append(table([examples.header, *examples.rows], results))
    for run in runs:
        if run.status == "failed" and run.error:
            parts.append(f"<pre>{escape(run.example)}\n{escape(run.error[:3000])}</pre>")
    return "\n".join(parts)


def render(features: list[Feature], results: dict[tuple[str, str], list[Run]], note: str) -> str:
    counts: dict[str, int] = defaultdict(int)
    sections, contents = [], []
    for number, feature in enumerate(features, 1):
        name = feature.path.name
        background, scenarios = feature.background, feature.scenarios
        statuses = [overall(results.get((name, s.name), [])) for s in scenarios]
        for status in statuses:
            counts[status] += 1
        status = next((s for s in ("failed", "not run", "skipped") if s in statuses), "passed")
        contents.append(f'<li>{badge(status)} <a href="#f{number}">{escape(feature.name)}</a></li>')
        body = [
            f'<h2 id="f{number}">{escape(feature.name)}</h2>',
            f'<p class="desc">{escape(feature.description)} <small>({escape(name)})</small></p>',
        ]
        if background:
            body.append("<h3>Background</h3>" + render_steps(background))
        body.extend(
            render_scenario(s, results.get((name, s.name), [])) for s in scenarios
        )
        sections.append("\n".join(body))
    summary = ", ".join(f"{counts[s]} {s}" for s in ICONS if counts[s])
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Customer profile service: features</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>Customer profile service: what it does</h1>"
        f"<p>Every feature and scenario with its last result: {escape(summary)} scenarios. "
        f"{escape(note)}</p><nav><ul>{''.join(contents)}</ul></nav>"
        + "\n".join(sections)
        + "</body></html>"
    )


def write_page(driver: str) -> Path:
    features = read_features(FEATURES)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    note = f"Run through the {driver} driver; page generated {generated}."
    PAGE.write_text(render(features, load_results(RESULTS), note), encoding="utf-8")
    return PAGE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--driver", choices=("app", "http"), default="app")
    parser.add_argument("--no-run", action="store_true", help="Render the last results only.")
    args, extra = parser.parse_known_args(argv)
    status = 0 if args.no_run else run_features(args.driver, extra)
    page = write_page(args.driver)
    print(f"Living documentation: {page}")
    return status


if __name__ == "__main__":
    sys.exit(main())
