"""Snapshots: a profile with 10,000 events loads from one snapshot and a few events."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest

from adapters.bootstrap import build
from adapters.settings import Settings
from application.store import ProfileEventStore
from domain.events import Meta
from domain.inputs import PreferencesPatch
from domain.profile import Profile
from tests.support import ctx, registration, store_settings

EVENTS = 10_000
BATCH = 500
INTERVAL = ProfileEventStore.snapshotting_intervals[Profile]


@pytest.fixture
def private_settings(store: str, tmp_path: Path, private_url: str) -> Settings:
    """Ten thousand events go to a store of their own, not to the shared tables."""
    base = store_settings(store, tmp_path)
    return Settings(**{**base.model_dump(), "database_url": private_url})


def count_selected(monkeypatch, recorder) -> list[int]:
    """Spy on a recorder: the number of rows each select_events call returns."""
    counts: list[int] = []
    select = recorder.select_events

    def spy(*args, **kwargs):
        rows = select(*args, **kwargs)
        counts.append(len(rows))
        return rows

    monkeypatch.setattr(recorder, "select_events", spy)
    return counts


def write_long_history(service, profile_id: UUID) -> None:
    """EVENTS preference changes, saved BATCH at a time (snapshots are taken as they go)."""
    meta = Meta("system:bench", "bulk", None, datetime(2026, 3, 1, tzinfo=UTC))
    for start in range(0, EVENTS, BATCH):
        profile = service.get_profile(profile_id)
        for number in range(start, start + BATCH):
            profile.change_preferences(PreferencesPatch(pdf_invoices=number % 2 == 0), meta)
        service.save(profile)


def test_loading_a_profile_with_10000_events_reads_one_snapshot_and_few_events(
    private_settings, clock, monkeypatch
):
    assert 0 < INTERVAL <= 100
    writer = build(private_settings, clock=clock)
    try:
        long_id = UUID(writer.service.register(registration(), ctx()).profile_id)
        short_id = UUID(writer.service.register(registration(), ctx()).profile_id)
        write_long_history(writer.service, long_id)
        for _ in range(3):
            writer.service.change_preferences(short_id, {"language": "en"}, ctx())
            writer.service.change_preferences(short_id, {"language": "fr"}, ctx())
    finally:
        writer.close()

    reader = build(private_settings, clock=clock)  # a cold cache, as after a restart
    try:
        service = reader.service
        events = count_selected(monkeypatch, service.events.recorder)
        snapshots = count_selected(monkeypatch, service.snapshots.recorder)

        profile = service.get_profile(long_id)
        assert profile.version == EVENTS + 1
        assert profile.state["preferences"]["pdf_invoices"] is False  # the last change set it so
        assert snapshots == [1]
        assert sum(events) < INTERVAL

        events.clear()
        snapshots.clear()
        short = service.get_profile(short_id)
        assert short.version == 7
        assert sum(events) == 7
        assert snapshots == [0]

        result = service.change_preferences(long_id, {"language": "en"}, ctx())
        assert result.version == EVENTS + 2
    finally:
        reader.close()
