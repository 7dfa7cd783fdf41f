"""A runner process killed with SIGKILL mid-stream, then restarted, leaves the views exact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.bootstrap import Container
from tests.integration.readside_support import head, many_events, new_readside, snapshot
from tests.support import TEST_VAULT_KEY

pytestmark = pytest.mark.slow

# Small batches, each event slowed down: the kill lands mid-stream, most likely mid-batch.
RUNNER = """
import sys, time
import projections.profiles
from adapters.bootstrap import build
from adapters.readside.model import ReadSide
from adapters.settings import Settings

audit_step = projections.profiles.audit_step

def slow_audit_step(*args):
    time.sleep(0.002)
    return audit_step(*args)

projections.profiles.audit_step = slow_audit_step
readside = build(Settings()).read_side(suffix=sys.argv[1], start_after=int(sys.argv[2]), batch=25)
readside.start()
print("running", flush=True)
readside.run_forever()
"""
EVENTS_PER_PROFILE = 250
PROFILES = 2


def start_runner(container: Container, suffix: str, start_after: int) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PROFILE_DATABASE_URL": container.settings.database_url,
        "PROFILE_LOG_FORMAT": "json",
    }
    if container.settings.is_postgres:
        env["PROFILE_VAULT_KEY"] = TEST_VAULT_KEY
    process = subprocess.Popen(
        [sys.executable, "-c", RUNNER, suffix, str(start_after)],
        cwd=Path(__file__).parents[2],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "running"
    return process


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_a_runner_killed_mid_stream_and_restarted_leaves_views_as_if_never_stopped(container):
    start = head(container)
    watcher = new_readside(container, start_after=start)
    suffix = watcher.suffix
    try:
        ids = [many_events(container, EVENTS_PER_PROFILE) for _ in range(PROFILES)]
        end = head(container)

        runner = start_runner(container, suffix, start)
        watcher.wait_for_position(start + 30, timeout=60)
        kill(runner)
        positions = [row["position"] for row in watcher.status()]
        assert min(positions) < end, "the runner was killed before it had finished"

        runner = start_runner(container, suffix, start)
        try:
            watcher.wait_for_position(end, timeout=120)
        finally:
            kill(runner)

        fresh = new_readside(container, start_after=start)
        try:
            fresh.rebuild()
            assert snapshot(watcher, ids) == snapshot(fresh, ids)
        finally:
            fresh.drop()
        audit = snapshot(watcher, ids)["audit"]
        assert [len(entries) for entries in audit.values()] == [EVENTS_PER_PROFILE + 1] * PROFILES
    finally:
        watcher.drop()
