"""Hearing of new events: SQLite woken in-process after each write (else polling), PostgreSQL
by LISTEN/NOTIFY; the SQLite event store's subscription."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from threading import Event, Lock, Thread

from eventsourcing.persistence import ApplicationRecorder, ListenNotifySubscription
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

POLL_INTERVAL = 0.25
POSTGRES_POLL_INTERVAL = 1.0  # in case a notification is lost (a dropped connection)
RELISTEN_AFTER = 1.0


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

    def waiting(self, key: str) -> int:
        """How many of this process's subscriptions wait for writes to that database."""
        with self._lock:
            return len(self._events.get(key, ()))

    def wake(self, key: str) -> None:
        with self._lock:
            events = list(self._events.get(key, ()))
        for event in events:
            event.set()


WAKERS = _Wakers()


@functools.lru_cache(maxsize=64)
def database_key(db_name: str) -> str:
    """One name per database file (resolved once: each write wakes its subscriptions)."""
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


class Wakeup:
    """Set when events may have been recorded: after a write of this process (SQLite), on a
    NOTIFY (PostgreSQL). `wait()` returns after `poll` seconds anyway, for writers it misses."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.event = Event()
        self._closed = Event()
        self._key: str | None = None
        self._listener: Thread | None = None
        self.poll = POLL_INTERVAL
        if isinstance(recorder, PostgresApplicationRecorder):
            self.poll = POSTGRES_POLL_INTERVAL
            self._listener = Thread(
                target=self._listen, args=(recorder,), name="projections-listen", daemon=True
            )
            self._listener.start()
        elif isinstance(recorder, SQLiteApplicationRecorder):
            self._key = database_key(recorder.datastore.pool.db_name)
            WAKERS.add(self._key, self.event)
            self.event.set()  # events recorded before we listened

    def clear(self) -> None:
        self.event.clear()

    def wait(self) -> bool:
        return self.event.wait(self.poll)

    def close(self) -> None:
        self._closed.set()
        self.event.set()
        if self._key is not None:
            WAKERS.discard(self._key, self.event)
        if self._listener is not None:
            self._listener.join()

    def _listen(self, recorder: PostgresApplicationRecorder) -> None:
        channel = SQL("LISTEN {0}").format(Identifier(recorder.channel_name))
        while not self._closed.is_set():
            try:
                with recorder.datastore.get_connection() as conn:
                    conn.execute(channel)
                    try:
                        self.event.set()  # events recorded before we listened
                        while not self._closed.is_set():
                            for _ in conn.notifies(timeout=0.1, stop_after=1):
                                self.event.set()
                    finally:
                        conn.execute("UNLISTEN *")
            except Exception:
                self._closed.wait(RELISTEN_AFTER)  # polling goes on meanwhile
