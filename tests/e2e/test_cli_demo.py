from __future__ import annotations

import sqlite3
from pathlib import Path

from adapters.bootstrap import build
from domain.events import SECTION_OF_EVENT, SECTIONS
from tests.e2e.cli_support import Cli
from tests.e2e.support import cli, service_env
from tests.support import store_settings


def recorded_event_names(settings):
    container = build(settings)
    try:
        notifications = container.service.recorder.select_notifications(start=1, limit=10_000)
    finally:
        container.close()
    return [n.topic.rsplit(":", 1)[-1] for n in notifications]


def test_demo_creates_profiles_with_histories_over_every_section(tmp_path):
    settings = store_settings("sqlite", tmp_path)
    result = Cli(settings).ok("demo", "--profiles", "3", "--seed", "7")
    names = recorded_event_names(settings)
    assert result.stdout.strip() == f"Created 3 sample profiles with {len(names)} events."
    assert names.count("ProfileRegistered") == 3
    assert {SECTION_OF_EVENT[name] for name in names} == set(SECTIONS) - {"privacy"}


def test_demo_with_the_same_seed_tells_the_same_stories(tmp_path):
    stories = []
    for name in ("a", "b"):
        settings = store_settings("sqlite", tmp_path / name)
        Cli(settings).ok("demo", "--profiles", "2", "--seed", "3")
        stories.append(recorded_event_names(settings))
    assert stories[0] == stories[1]
    assert len(stories[0]) > 2


def test_demo_refuses_zero_profiles(tmp_path):
    result = Cli(store_settings("sqlite", tmp_path))("demo", "--profiles", "0")
    assert result.exit_code != 0


def test_demo_on_a_busy_store_refuses_in_one_line_and_writes_nothing(tmp_path):
    settings = store_settings("sqlite", tmp_path)
    build(settings).close()  # the store exists, empty
    holder = sqlite3.connect(settings.sqlite_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process's long write
    try:
        done = cli("demo", "--profiles", "2", env=service_env(Path(settings.sqlite_path)))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode != 0
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("profile-service: the store is busy")
    assert recorded_event_names(settings) == []
