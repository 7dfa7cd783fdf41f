from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from uuid import UUID

import pytest

from adapters.bootstrap import build
from adapters.integrity.model import TREE_NAME
from adapters.readside.model import VIEW_NAMES
from adapters.settings import Settings
from tests.e2e.cli_support import Cli, cli_env
from tests.support import TEST_VAULT_KEY, ctx, private_postgres_url, store_settings


def status(cli):
    return {
        row["name"]: row
        for row in json.loads(cli.ok("projections", "status", "--format", "json").stdout)
    }


@pytest.fixture
def fresh_postgres():
    """A PostgreSQL database of this test's own: its views are dropped and rebuilt."""
    with private_postgres_url() as url:
        yield Settings(database_url=url, vault_key=TEST_VAULT_KEY)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo_store(request, tmp_path):
    if request.param == "postgres":
        return request.getfixturevalue("fresh_postgres")
    return store_settings("sqlite", tmp_path)


def test_status_shows_zero_lag_after_a_rebuild(demo_store):
    cli = Cli(demo_store)
    cli.ok("demo", "--profiles", "2", "--seed", "11")
    before = status(cli)
    head = before["profile_view"]["head"]
    assert head > 2
    assert {row["lag"] for row in before.values()} == {head}
    result = cli.ok("projections", "rebuild")
    names = (*VIEW_NAMES, TREE_NAME)
    views, claims = result.stdout.strip().splitlines()
    assert views == f"Rebuilt {', '.join(names)}: {head * len(names)} events replayed."
    assert claims.startswith("Rebuilt email_claims: 2 addresses held, from ")
    after = status(cli)
    assert set(after) == set(names)
    assert all(row["lag"] == 0 and row["position"] == head for row in after.values())
    table = cli.ok("projections", "status").stdout
    assert all(name in table for name in names)


def test_rebuilding_one_projection_replays_every_event_into_it(tmp_path):
    cli = Cli(store_settings("sqlite", tmp_path))
    cli.ok("demo", "--profiles", "1", "--seed", "2")
    head = status(cli)["audit_trail"]["head"]
    result = cli.ok("projections", "rebuild", "audit_trail")
    assert result.stdout.strip() == f"Rebuilt audit_trail: {head} events replayed."
    rows = status(cli)
    assert rows["audit_trail"]["lag"] == 0
    assert rows["profile_view"]["lag"] == head


def test_rebuilding_the_email_claims_names_the_profiles_sharing_an_address(tmp_path):
    settings = store_settings("sqlite", tmp_path)
    cli = Cli(settings)
    cli.ok("demo", "--profiles", "2", "--seed", "5")
    container = build(settings)
    try:
        rows = container.sql.dump("email_claims")
        holder, other = (row["profile_id"] for row in rows)
        mine = container.service.get_profile(UUID(holder)).state["email"]
        container.sql.execute("DELETE FROM email_claims")  # as a version without the rule
        container.service.change_contact(UUID(other), {"email": mine.upper()}, ctx())
    finally:
        container.close()
    result = cli.ok("projections", "rebuild", "email_claims")
    assert result.stdout.strip().startswith("Rebuilt email_claims: 1 addresses held, from ")
    assert result.stderr.strip() == (
        f"profile-service: warning: profile {holder} holds an e-mail address that {other} "
        "also has; change or erase theirs (README: one email, one profile)"
    )
    assert mine not in result.stdout + result.stderr


def test_rebuild_refuses_an_unknown_projection(tmp_path):
    result = Cli(store_settings("sqlite", tmp_path))("projections", "rebuild", "nope")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "unknown projection 'nope'" in result.stderr


@pytest.mark.slow
def test_projections_run_keeps_the_views_up_to_date_until_stopped(tmp_path):
    settings = store_settings("sqlite", tmp_path)
    Cli(settings).ok("demo", "--profiles", "1", "--seed", "4", "--spread-days", "0")
    env = {**os.environ, **cli_env(settings)}
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.entrypoints.cli.main", "projections", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    container = build(settings)
    try:
        read_side = container.read_side()
        head = read_side.head()
        read_side.wait_for_position(head, timeout=20)
        assert all(row["lag"] == 0 for row in read_side.status())
    finally:
        container.close()
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "Projections running" in stderr
