"""`audit verify` from the command line on both stores, and the tree among the projections:
`projections run` keeps it, `status` shows its lag, `rebuild integrity_tree` hashes it again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from adapters.integrity.model import TREE_NAME
from tests.e2e.cli_support import Cli, cli_env
from tests.integration.integrity_support import (
    EventTable,
    built_and_signed,
    own_store,
    record_events,
)


@pytest.fixture
def container(store, tmp_path):
    with own_store(store, tmp_path) as built:
        yield built


@pytest.fixture
def cli(container):
    return Cli(container.settings)


@pytest.fixture
def signed(container):
    integrity = container.integrity()
    record_events(container, 2)
    built_and_signed(integrity)
    record_events(container, 1)
    built_and_signed(integrity)
    return integrity


def test_an_untouched_log_passes_with_a_one_line_summary(cli, signed):
    result = cli.ok("audit", "verify")
    root = signed.store.latest_checkpoint().root_hash
    assert result.stdout.splitlines() == [
        f"Verified 9 events (positions 1 to 9) and 2 checkpoints: root {root} at tree size 9."
    ]


def test_an_edited_event_fails_with_one_line_naming_its_position(cli, container, signed):
    EventTable(container).flip_byte(4)
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "profile-service: audit verify failed at position 4: the event differs from the one "
        "recorded"
    ]


def test_a_checkpoint_file_as_the_api_answered_it_is_checked_instead(cli, signed, tmp_path):
    saved = tmp_path / "checkpoint.json"
    first = signed.store.checkpoints()[0]
    saved.write_text(json.dumps(first.as_json()))
    assert "and 1 checkpoints: root" in cli.ok("audit", "verify", "--checkpoint", str(saved)).stdout
    forged = {**first.as_json(), "timestamp": "2030-01-01T00:00:00.000Z"}
    saved.write_text(json.dumps(forged))
    result = cli("audit", "verify", "--checkpoint", str(saved))
    assert result.exit_code == 1
    assert "position 6: the checkpoint of 6 events signed at 2030" in result.stderr
    assert "its signature does not verify" in result.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "cannot be read"), ("{}", "not a checkpoint as the API answers it")],
)
def test_an_unusable_checkpoint_file_is_refused_with_status_2(cli, signed, tmp_path, content,
                                                              reason):
    path = tmp_path / "checkpoint.json"
    if content is not None:
        path.write_text(content)
    result = cli("audit", "verify", "--checkpoint", str(path))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and reason in result.stderr


def test_rebuilding_the_tree_alone_hashes_every_event_again_and_keeps_its_checkpoints(
    cli, signed
):
    result = cli.ok("projections", "rebuild", TREE_NAME)
    assert result.stdout.strip() == f"Rebuilt {TREE_NAME}: 9 events replayed."
    rows = {r["name"]: r for r in json.loads(cli.ok("projections", "status", "--format",
                                                    "json").stdout)}
    assert rows[TREE_NAME]["lag"] == 0 and rows[TREE_NAME]["signed_tree_size"] == 9
    assert rows["profile_view"]["lag"] == 9
    assert len(signed.store.checkpoints()) == 2


def test_a_rebuild_over_an_edited_log_warns_and_signs_nothing(cli, container, signed):
    EventTable(container).flip_byte(2)
    record_events(container, 1)
    result = cli.ok("projections", "rebuild", TREE_NAME)
    assert "warning: the tree's first 9 events no longer give the root signed" in result.stderr
    assert signed.store.latest_checkpoint().tree_size == 9


@pytest.mark.slow
def test_projections_run_keeps_the_tree_up_to_date_and_signed(container):
    record_events(container, 2)
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.entrypoints.cli.main", "projections", "run"],
        env={**os.environ, **cli_env(container.settings)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        integrity = container.integrity()
        integrity.wait_for_checkpoint(6, timeout=30)
        record_events(container, 1)
        integrity.wait_for_position(integrity.head(), timeout=30)
        assert integrity.status()["lag"] == 0
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert TREE_NAME in stderr
