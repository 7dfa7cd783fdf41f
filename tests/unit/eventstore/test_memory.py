"""The in-memory recorder keeps the SQL recorders' contract: a command's events, idempotency
record and due snapshot recorded together or not at all, and gapless versions."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from adapters.eventstore.memory import MemoryProfileRecorder
from application.ports import CommandResult, IdempotencyRecord
from application.store import SNAPSHOT_INTERVAL
from tests.doubles import memory_service
from tests.support import ctx


def snapshot_versions(service, profile_id: UUID) -> list[int]:
    return [s.originator_version for s in service.snapshots.recorder.select_events(profile_id)]


def an_event(service, profile_id: UUID, version: int) -> StoredEvent:
    """A stored event like the last one of the profile, at another version."""
    last = service.recorder.select_events(profile_id, desc=True, limit=1)[0]
    return StoredEvent(profile_id, version, last.topic, last.state)


def a_record(key: str, profile_id: UUID, version: int) -> IdempotencyRecord:
    result = CommandResult(str(profile_id), version, ())
    return IdempotencyRecord(key, "fingerprint", result, datetime.now(UTC))


def test_the_service_on_the_memory_store_records_with_the_memory_recorder(service):
    assert isinstance(service.recorder, MemoryProfileRecorder)
    assert service.ledger is service.recorder
    assert service.snapshots.recorder is service.recorder.snapshots


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
    assert service.ledger.find_idempotency_record(key) is None
    assert snapshot_versions(service, profile_id) == []


def test_a_key_already_recorded_refuses_the_events_with_it(service, profile_id):
    key = f"twice-{uuid4()}"
    service.recorder.insert_events([], idempotency=a_record(key, profile_id, 1))
    with pytest.raises(IntegrityError):
        service.recorder.insert_events(
            [an_event(service, profile_id, 2)], idempotency=a_record(key, profile_id, 2)
        )
    assert [e.originator_version for e in service.events.get(profile_id)] == [1]
    assert service.ledger.find_idempotency_record(key).result.version == 1


def test_an_event_that_does_not_follow_the_last_recorded_one_is_refused(service, profile_id):
    with pytest.raises(IntegrityError):
        service.recorder.insert_events([an_event(service, profile_id, 3)])
    with pytest.raises(IntegrityError):  # the same with several events
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


def test_services_given_one_store_name_share_the_store_and_others_do_not(store_name, clock):
    first, second = memory_service(clock, store_name=store_name), memory_service(clock)
    try:
        assert first.recorder is not second.recorder
        same = memory_service(clock, store_name=store_name)
        assert same.recorder is first.recorder
        assert same.snapshots.recorder is first.snapshots.recorder
        same.close()
    finally:
        first.close()
        second.close()
