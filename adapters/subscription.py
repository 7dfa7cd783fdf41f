"""The SQLite event store's subscription: woken in-process after each write, else polling."""

from __future__ import annotations

import os
from collections.abc import Sequence
from threading import Event, Lock

from eventsourcing.persistence import ListenNotifySubscription
from eventsourcing.sqlite import SQLiteApplicationRecorder

POLL_INTERVAL = 0.25


class _Wakers:
    """The subscriptions of this process waiting for writes, per database file."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._events: dict[str, set[Event]] = {}

    def add(self, key: str, event: Event) -> None:
        with self._lock:
            self._events.setdefault(key, set()).add(event)

    def discard(self, key: str, event: Event) -> None:
        with self._lock:
            self._events.get(key, set()).discard(event)

    def wake(self, key: str) -> None:
        with self._lock:
            events = list(self._events.get(key, ()))
        for event in events:
            event.set()


WAKERS = _Wakers()


def database_key(db_name: str) -> str:
    if db_name.startswith("file:") or ":memory:" in db_name:
        return db_name
    return os.path.realpath(db_name)


def events_written(recorder: SQLiteApplicationRecorder) -> None:
    """Wake this process's subscriptions to the recorder's database."""
    WAKERS.wake(database_key(recorder.datastore.pool.db_name))


class SQLiteSubscription(ListenNotifySubscription[SQLiteApplicationRecorder]):
    def __init__(
        self,
        recorder: SQLiteApplicationRecorder,
        gt: int | None = None,
        topics: Sequence[str] = (),
        poll_interval: float = POLL_INTERVAL,
    ) -> None:
        self._poll_interval = poll_interval
        self._key = database_key(recorder.datastore.pool.db_name)
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        WAKERS.add(self._key, self._has_been_notified)
        self._has_been_notified.set()  # a write may have come just before we were listening

    def stop(self) -> None:
        WAKERS.discard(self._key, self._has_been_notified)
        super().stop()

    def _loop_on_pull(self) -> None:
        try:
            self._pull()
            while not self._has_been_stopped:
                self._has_been_notified.wait(timeout=self._poll_interval)
                self._pull()
        except BaseException as error:
            if self._thread_error is None:
                self._thread_error = error
            self.stop()
