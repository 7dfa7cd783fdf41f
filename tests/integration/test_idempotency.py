"""Idempotency keys on both stores: written with the events, safe under concurrency."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.errors import IdempotencyKeyReused, VersionConflict
from domain.events import Meta
from tests.support import ctx

THREADS = 6


def test_a_key_is_kept_only_when_its_events_are_recorded(service, profile_id, monkeypatch):
    key = f"atomic-{uuid4()}"
    other = service.get_profile(profile_id)  # another writer, a step ahead at each save
    insert = service.recorder.insert_events

    def racing_insert(events, **kwargs):
        meta = Meta("customer:other", "c", None, datetime.now(UTC))
        other.link_social("twitter", f"https://x.com/other{other.version}", meta)
        insert([service.mapper.to_stored_event(e) for e in other.collect_events()])
        return insert(events, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(service.recorder, "insert_events", racing_insert)
        with pytest.raises(VersionConflict):
            service.change_preferences(profile_id, {"language": "en"}, ctx(idempotency_key=key))
    assert service.ledger.find_idempotency_record(key) is None
    result = service.change_preferences(profile_id, {"language": "en"}, ctx(idempotency_key=key))
    assert result.version == 4
    record = service.ledger.find_idempotency_record(key)
    assert record is not None and record.result == result


def test_concurrent_retries_with_one_key_record_the_command_once(service, profile_id):
    key = f"retry-{uuid4()}"
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = [None] * THREADS

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = service.add_contact(
                profile_id, {"name": "Luc", "email": "luc@example.com"}, ctx(idempotency_key=key)
            )
        except Exception as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # A retry that loses the race at save time finds the winner's key and answers with it.
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert len({(o.version, o.contact_id) for o in outcomes}) == 1
    assert len(service.get_profile(profile_id).state["contacts"]) == 1
    assert [e.originator_version for e in service.events.get(profile_id)] == [1, 2]


def test_a_key_belongs_to_one_command_on_one_profile(service, profile_id):
    key = f"owner-{uuid4()}"
    service.unsubscribe_newsletters(profile_id, ctx(idempotency_key=key))  # changes nothing
    with pytest.raises(IdempotencyKeyReused):
        service.link_social(profile_id, "twitter", "https://x.com/marie", ctx(idempotency_key=key))
    again = service.unsubscribe_newsletters(profile_id, ctx(idempotency_key=key))
    assert (again.version, again.events) == (1, ())
