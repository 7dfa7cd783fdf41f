from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest

import adapters.entrypoints.cli.audit
from adapters.readside.views.audit import SqlAuditView
from tests.e2e.cli_support import Cli
from tests.e2e.support import ROOT
from tests.support import ctx, registration, store_settings

FORMULA = '=HYPERLINK("https://evil.example.com","click")'


@pytest.fixture
def settings(tmp_path):
    return store_settings("sqlite", tmp_path)


@pytest.fixture
def cli(settings):
    return Cli(settings)


@pytest.fixture
def profiles(service, clock, cli):
    """Two profiles, the second a day later with a job title a spreadsheet would run."""
    first = service.register(registration(first_name="Zoë"), ctx()).profile_id
    clock.advance(days=1)
    second = service.register(registration(), ctx()).profile_id
    service.change_additional_info(second, {"job_title": FORMULA}, ctx())
    cli.ok("projections", "rebuild", "audit_trail")
    return first, second


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_export_has_one_row_per_change_and_parses_back(cli, profiles, tmp_path):
    out = tmp_path / "audit.csv"
    result = cli.ok("audit", "export", "--format", "csv", "--output", str(out))
    rows = read_csv(out)
    entries = [
        json.loads(line)
        for line in cli.ok("audit", "export", "--format", "jsonl").stdout.splitlines()
    ]
    assert len(rows) == sum(len(e["changes"]) for e in entries)
    assert [r["position"] for r in rows] == sorted((r["position"] for r in rows), key=int)
    assert {r["event"] for r in rows} == {"ProfileRegistered", "AdditionalInfoChanged"}
    assert any(r["after"] == "Zoë" for r in rows)
    assert f"Exported {len(rows)} rows" in result.stderr
    assert not out.with_name("audit.csv.partial").exists()


def test_csv_export_defuses_cells_a_spreadsheet_would_run(cli, profiles, tmp_path):
    out = tmp_path / "audit.csv"
    cli.ok("audit", "export", "--format", "csv", "--output", str(out))
    rows = read_csv(out)
    job = next(r for r in rows if r["field"] == "additional_info.job_title")
    phone = next(r for r in rows if r["field"] == "phone")
    assert job["after"] == "'" + FORMULA
    assert phone["after"] == "'+15145550123"
    cells = [value for row in rows for value in row.values()]
    assert not any(value.startswith(("=", "+", "-", "@")) for value in cells)


def test_jsonl_export_filters_by_profile(cli, profiles):
    _, second = profiles
    result = cli.ok("audit", "export", "--format", "jsonl", "--profile", second)
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["profile_id"], e["version"]) for e in entries] == [(second, 1), (second, 2)]
    assert entries[1]["changes"] == [
        {"field": "additional_info.job_title", "before": None, "after": FORMULA}
    ]


def test_jsonl_export_filters_by_time_range(cli, profiles, clock):
    first, second = profiles
    second_day = clock.now()
    since = (second_day - timedelta(hours=1)).isoformat()
    only_first = cli.ok("audit", "export", "--format", "jsonl", "--until", since)
    only_second = cli.ok("audit", "export", "--format", "jsonl", "--since", since)
    assert {json.loads(line)["profile_id"] for line in only_first.stdout.splitlines()} == {first}
    assert {json.loads(line)["profile_id"] for line in only_second.stdout.splitlines()} == {second}


def test_export_streams_page_by_page(cli, profiles, monkeypatch):
    pages = []
    entries = SqlAuditView.entries

    def counted(self, **kwargs):
        page = entries(self, **kwargs)
        pages.append(len(page))
        return page

    monkeypatch.setattr(adapters.entrypoints.cli.audit, "PAGE_SIZE", 1)
    monkeypatch.setattr(SqlAuditView, "entries", counted)
    result = cli.ok("audit", "export", "--format", "jsonl")
    assert len(result.stdout.splitlines()) == 3
    assert pages == [1, 1, 1, 0]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--format", "xml"], "--format must be jsonl or csv"),
        (["--format", "csv", "--since", "yesterday"], "--since must be an ISO 8601"),
        (["--format", "csv", "--profile", "42"], "--profile must be a profile id"),
        (
            ["--format", "csv", "--since", "2026-03-02", "--until", "2026-03-01"],
            "--until must be later than --since",
        ),
    ],
)
def test_export_refuses_bad_options_with_a_one_line_reason(cli, args, reason):
    result = cli("audit", "export", *args)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert reason in result.stderr


def test_export_warns_when_the_audit_trail_lags_behind(cli, profiles, service):
    service.register(registration(), ctx())
    result = cli.ok("audit", "export", "--format", "jsonl")
    assert "the audit trail is 1 events behind" in result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_an_export_piped_into_head_stops_quietly_with_success(cli, service):
    for _ in range(200):  # more than a pipe holds, so that the export meets a closed pipe
        service.register(registration(), ctx())
    cli.ok("projections", "rebuild", "audit_trail")
    command = (
        "set -o pipefail; "
        f"{sys.executable} -m adapters.entrypoints.cli.main audit export --format jsonl | head -1"
    )
    done = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, env={**os.environ, **cli.env, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr == ""
