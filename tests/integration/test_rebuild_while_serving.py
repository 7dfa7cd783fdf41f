"""A rebuild while commands are recorded and the live views are read and kept up to date:
readers never see a partial view, nothing is lost or applied twice, the status tells the truth."""

from __future__ import annotations

import threading
from uuid import UUID

import pytest

from adapters.readside.rebuild import RebuildRunning, exclusive
from application.history import History
from tests.integration.readside_support import head, private_readside
from tests.support import ctx, registration

SEEDED = 300  # more events than a swap applies itself: the rebuild catches up first


@pytest.mark.slow
def test_a_rebuild_beside_live_views_while_writers_run_shows_no_partial_view(
    container, service
):
    with private_readside(container, start_after=head(container)) as live:
        seeded = [UUID(service.register(registration(), ctx()).profile_id) for _ in range(SEEDED)]
        live.wait_for_position(head(container), timeout=30)
        done = threading.Event()
        written: list[UUID] = []
        missing: list[str] = []

        def write() -> None:  # commands keep coming
            n = 0
            while not done.is_set():
                profile_id = UUID(service.register(registration(), ctx()).profile_id)
                service.change_preferences(profile_id, {"language": ("en", "fr")[n % 2]}, ctx())
                written.append(profile_id)
                n += 1

        def read() -> None:  # a reader of the live views, as the HTTP API is
            while not done.is_set():
                for profile_id in seeded:
                    if live.profiles.get(profile_id) is None:
                        missing.append(f"view {profile_id}")
                    if not live.audit.entries(profile_id=profile_id, limit=1):
                        missing.append(f"audit {profile_id}")

        threads = [threading.Thread(target=write), threading.Thread(target=read)]
        for thread in threads:
            thread.start()
        try:
            rebuilder = container.read_side(suffix=live.suffix, start_after=live.start_after)
            statuses = []
            replayed = rebuilder.rebuild(progress=lambda *_: statuses.append(rebuilder.status()))
        finally:
            done.set()
            for thread in threads:
                thread.join(timeout=60)
        assert replayed >= SEEDED * 3
        assert len(statuses) >= 2  # it began, caught up, then swapped
        assert missing == []
        assert written, "the writers ran during the rebuild"
        assert any(row["rebuilding"] is not None for status in statuses for row in status)
        final = head(container)
        live.wait_for_position(final, timeout=30)
        assert all(row["rebuilding"] is None for row in live.status())
        history = History(service)
        for profile_id in [*seeded, *written]:
            events = history.events(profile_id)
            assert live.profiles.get(profile_id) == history.profile_at(profile_id)
            entries = live.audit.entries(profile_id=profile_id, limit=1000)
            assert [e["version"] for e in entries] == [e["version"] for e in events]


def test_a_second_rebuild_of_a_view_being_rebuilt_is_refused(container):
    live = container.read_side(suffix="_lock_test")
    prefixes = [live.view_class("audit_trail").prefix]
    with exclusive(live.log, prefixes), pytest.raises(RebuildRunning, match="another rebuild"):
        live.rebuild("audit_trail")
    with exclusive(live.log, [live.view_class("profile_view").prefix]):
        pass  # another view's rebuild is free to run meanwhile
