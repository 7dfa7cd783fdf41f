"""The command recorder: events, idempotency key and due snapshot in one transaction."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from adapters.bootstrap import build
from application.ports import CommandResult, IdempotencyRecord
from application.store import SNAPSHOT_INTERVAL
from tests.support import ctx, registration


def snapshot_versions(service, profile_id: UUID) -> list[int]:
    return [s.originator_version for s in service.snapshots.recorder.select_events(profile_id)]


def an_event(service, profile_id: UUID, version: int) -> StoredEvent:
    """A stored event like the last one of the profile, at another version."""
    last = service.recorder.select_events(profile_id, desc=True, limit=1)[0]
    return StoredEvent(profile_id, version, last.topic, last.state)


def a_record(key: str, profile_id: UUID, version: int) -> IdempotencyRecord:
    result = CommandResult(str(profile_id), version, ())
    return IdempotencyRecord(key, "fingerprint", result, datetime.now(UTC))


def test_a_due_snapshot_is_recorded_with_the_event_that_makes_it_due(service, profile_id):
    for n in range(2, SNAPSHOT_INTERVAL + 2):
        service.link_social(profile_id, "twitter", f"https://x.com/m{n}", ctx())
    assert snapshot_versions(service, profile_id) == [SNAPSHOT_INTERVAL]
    snapshot = service.snapshots.recorder.select_events(profile_id)[0]
    restored = service.mapper.to_domain_event(snapshot).mutate(None)
    assert restored.state["social"] == {"twitter": f"https://x.com/m{SNAPSHOT_INTERVAL}"}


def test_a_refused_write_records_neither_its_key_nor_its_snapshot(service, profile_id):
    key = f"refused-{uuid4()}"
    clash = an_event(service, profile_id, 1)  # version 1 is already recorded
    with pytest.raises(IntegrityError):
        service.recorder.insert_events(
            [clash], idempotency=a_record(key, profile_id, 1), snapshot=clash
        )
    assert service.ledger.find_idempotency_record(key) is None  # the key it was to be kept under
    assert snapshot_versions(service, profile_id) == []


def test_an_event_that_does_not_follow_the_last_recorded_one_is_refused(service, profile_id):
    with pytest.raises(IntegrityError):
        service.recorder.insert_events([an_event(service, profile_id, 3)])
    with pytest.raises(IntegrityError):  # the same through the many-events path
        service.recorder.insert_events(
            [an_event(service, profile_id, 3), an_event(service, profile_id, 4)]
        )
    assert [e.originator_version for e in service.events.get(profile_id)] == [1]
    service.recorder.insert_events(
        [an_event(service, profile_id, 2), an_event(service, profile_id, 3)]
    )
    assert [e.originator_version for e in service.events.get(profile_id)] == [1, 2, 3]


def test_an_idempotency_record_without_events_is_recorded_alone(service, profile_id):
    key = f"alone-{uuid4()}"
    assert service.recorder.insert_events([], idempotency=a_record(key, profile_id, 1)) == []
    record = service.ledger.find_idempotency_record(key)
    assert record is not None and record.result.version == 1


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"])
def test_a_reader_tailing_the_log_misses_nothing_two_writing_processes_record(
    settings, clock, service
):
    """Notification ids are issued in commit order, so a reader that has seen id n never
    finds a lower id committed later."""
    second = build(settings, clock=clock)
    try:
        services = [service, second.service]
        profiles = [UUID(service.register(registration(), ctx()).profile_id) for _ in range(4)]
        start = service.recorder.max_notification_id() or 0
        done = threading.Event()
        seen: list[int] = []

        def tail() -> None:
            last = start
            while True:
                finished = done.is_set()
                batch = service.recorder.select_notifications(last + 1, 100)
                seen.extend(n.id for n in batch if n.originator_id in profiles)
                last = batch[-1].id if batch else last
                if finished and not batch:
                    return

        def write(index: int) -> None:
            writer, profile_id = services[index % 2], profiles[index % 4]
            for n in range(15):
                url = f"https://x.com/w{index}n{n}"
                try:
                    writer.link_social(profile_id, "twitter", url, ctx())
                except Exception:  # a VersionConflict between processes is expected
                    continue

        reader = threading.Thread(target=tail)
        reader.start()
        writers = [threading.Thread(target=write, args=(i,)) for i in range(8)]
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join(timeout=60)
        done.set()
        reader.join(timeout=60)
        recorded = [
            n.id
            for n in service.recorder.select_notifications(start + 1, 10_000)
            if n.originator_id in profiles
        ]
        assert len(recorded) > 8
        assert seen == recorded
    finally:
        second.close()


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"])
def test_the_pool_hands_out_the_connection_returned_last(container):
    """Its server process has the statements prepared: one thread keeps using one."""
    datastore = container.service.factory.datastore
    backends = []
    for _ in range(3):
        with datastore.get_connection() as conn:
            backends.append(conn.info.backend_pid)
    assert len(set(backends)) == 1
