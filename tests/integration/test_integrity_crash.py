"""A tree builder killed with SIGKILL mid-stream, then restarted, leaves the tree exact: each
event once, the same root as a rebuild, every checkpoint good."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.bootstrap import Container
from tests.e2e.cli_support import cli_env
from tests.integration.integrity_support import EventTable, own_store
from tests.integration.readside_support import many_events

pytestmark = pytest.mark.slow

# Small batches, each leaf slowed down, a checkpoint after every batch: the kill lands
# mid-stream, most likely mid-batch or between a batch and its checkpoint.
RUNNER = """
import sys, threading, time
import adapters.integrity.merkle as merkle
from adapters.bootstrap import build
from adapters.settings import Settings

leaf_hash = merkle.leaf_hash

def slow_leaf_hash(data):
    time.sleep(0.002)
    return leaf_hash(data)

merkle.leaf_hash = slow_leaf_hash
integrity = build(Settings()).integrity(suffix=sys.argv[1], every=0.0, batch=25)
integrity.start()
print("running", flush=True)
threading.Event().wait()
"""
EVENTS = 400


def start_runner(container: Container, suffix: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", RUNNER, suffix],
        cwd=Path(__file__).parents[2],
        env={**os.environ, **cli_env(container.settings)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "running"
    return process


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()


@pytest.fixture
def container(store, tmp_path):
    with own_store(store, tmp_path) as built:
        yield built


def test_a_builder_killed_mid_stream_and_restarted_leaves_the_tree_as_if_never_stopped(
    container,
):
    many_events(container, EVENTS)
    end = container.service.recorder.max_notification_id()
    watcher = container.integrity(suffix="_crash")
    runner = start_runner(container, "_crash")
    watcher.wait_for_position(60, timeout=60)
    kill(runner)
    assert watcher.status()["position"] < end, "the builder was killed before it had finished"

    runner = start_runner(container, "_crash")
    try:
        watcher.wait_for_position(end, timeout=120)
    finally:
        kill(runner)

    leaves = watcher.store.leaves(0, 10_000)
    assert [index for index, _, _ in leaves] == list(range(len(leaves)))
    assert [position for _, position, _ in leaves] == EventTable(container).positions()
    fresh = container.integrity(suffix="_fresh")
    fresh.builder().catch_up()
    assert watcher.store.state().frontier.root() == fresh.store.state().frontier.root()
    assert watcher.store.leaves(0, 10_000) == fresh.store.leaves(0, 10_000)
    report = watcher.verify()
    assert report.events == EVENTS + 1 and report.checkpoints >= 2
