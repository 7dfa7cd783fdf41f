"""The SQLite event store's subscription: woken in-process, polling for other processes."""

from __future__ import annotations

import threading
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from adapters.eventstore.subscription import WAKERS, SQLiteSubscription, database_key
from tests.support import ctx, registration

NEVER = 3600.0  # a poll interval no test waits for
pytestmark = pytest.mark.parametrize("store", ["sqlite"])  # the SQLite store's own subscription


def next_in_thread(subscription: SQLiteSubscription) -> tuple[threading.Thread, list]:
    received: list = []
    thread = threading.Thread(target=lambda: received.append(next(subscription)), daemon=True)
    thread.start()
    return thread, received


def test_a_write_in_this_process_wakes_the_subscription(service):
    head = service.recorder.max_notification_id() or 0
    with SQLiteSubscription(service.recorder, gt=head, poll_interval=NEVER) as subscription:
        thread, received = next_in_thread(subscription)
        result = service.register(registration(), ctx())
        thread.join(timeout=10)
        assert [str(n.originator_id) for n in received] == [result.profile_id]
        assert received[0].id == head + 1


def test_a_write_by_another_process_is_found_by_polling(service, settings):
    head = service.recorder.max_notification_id() or 0
    # The library's plain recorder wakes nobody, as if it wrote from another process.
    other = SQLiteApplicationRecorder(SQLiteDatastore(settings.sqlite_path))
    with SQLiteSubscription(service.recorder, gt=head, poll_interval=0.05) as subscription:
        thread, received = next_in_thread(subscription)
        event = StoredEvent(uuid4(), 1, "domain.events:SomethingElse", b"{}")
        other.insert_events([event])
        thread.join(timeout=10)
        assert [(n.originator_id, n.topic) for n in received] == [
            (event.originator_id, event.topic)
        ]


def test_the_profile_recorder_subscribes_after_the_given_position(service):
    service.register(registration(), ctx())
    second = service.register(registration(), ctx())
    subscription = service.recorder.subscribe(gt=(service.recorder.max_notification_id() or 0) - 1)
    with subscription:
        assert str(next(subscription).originator_id) == second.profile_id


def test_a_stopped_subscription_ends_and_is_no_longer_woken(service):
    key = database_key(service.recorder.datastore.pool.db_name)
    before = WAKERS.waiting(key)
    subscription = SQLiteSubscription(service.recorder, poll_interval=NEVER)
    with subscription:
        assert WAKERS.waiting(key) == before + 1
    assert WAKERS.waiting(key) == before
    with pytest.raises(StopIteration):
        next(subscription)
