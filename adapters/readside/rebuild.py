"""Rebuilding views beside the live ones, then swapping them in within one transaction:
readers and runners never see a partial view, and commands go on meanwhile."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from typing import Any

from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier

from adapters.eventstore.sql import forget_freed_pages, notifications_after, write_transaction
from adapters.readside.batch import Member, apply_batch, apply_within, decode
from adapters.readside.rows import Rows
from adapters.readside.source import EventLog
from adapters.readside.views.base import SqlView

SHADOW = "__rebuild"  # the suffix of the tables a view is rebuilt in
PAGE = 5000  # events replayed per transaction
SWAP_WHEN_BEHIND = 500  # catch up beside the live views until at most this many events behind
Progress = Callable[[int, int], None]


class RebuildRunning(Exception):
    """Another rebuild of this store's views is under way."""

    def __init__(self) -> None:
        super().__init__("another rebuild of the projections is running; wait for it to end")


@contextmanager
def exclusive(log: EventLog, prefixes: Sequence[str]) -> Iterator[None]:
    """One rebuild at a time of each view: a PostgreSQL advisory lock per view, or a lock on a
    file beside the SQLite file (both released when the process ends, however it ends)."""
    with ExitStack() as stack:
        for prefix in sorted(prefixes):
            stack.enter_context(_exclusive(log.datastore, prefix))
        yield


@contextmanager
def _exclusive(datastore: Any, prefix: str) -> Iterator[None]:  # noqa: ANN401
    if isinstance(datastore, PostgresDatastore):
        key = f"profile-service rebuild {datastore.schema}.{prefix}"
        with datastore.get_connection() as connection:
            taken = connection.execute(
                "SELECT pg_try_advisory_lock(hashtext(%s)) AS held", (key,)
            ).fetchone()
            connection.commit()
            if taken is None or not taken["held"]:
                raise RebuildRunning
            try:
                yield
            finally:
                with suppress(Exception):
                    connection.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))
                    connection.commit()
        return
    path = datastore.pool.db_name
    if path == ":memory:" or path.startswith("file:"):
        yield
        return
    descriptor = os.open(f"{path}.{prefix}.rebuild-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RebuildRunning from None
        yield
    finally:
        os.close(descriptor)


class Rebuild:
    """Replays the log into shadow tables of `live` views, then swaps them in."""

    def __init__(
        self,
        log: EventLog,
        live: Sequence[Member],
        start_after: int | None,
        on_commit: Callable[[], None],
    ) -> None:
        self.log = log
        self.live = live
        self.start_after = start_after
        self.on_commit = on_commit
        self.shadows = [self._shadow(member) for member in live]

    def _shadow(self, member: Member) -> Member:
        view_class = type(member.view).named(member.view.prefix + SHADOW)
        view = view_class(datastore=self.log.datastore)
        return Member(member.name, view, type(member.projection)(view=view))

    def run(self, progress: Progress | None) -> int:
        """The events replayed (once per view)."""
        with exclusive(self.log, [member.view.prefix for member in self.live]):
            for shadow in self.shadows:
                self._prepare(shadow.view)
            if progress is not None:
                progress(0, self._total())
            try:
                done = self._catch_up(progress, SWAP_WHEN_BEHIND)
                done += self._swap()
            except BaseException:
                for shadow in self.shadows:
                    with suppress(Exception):
                        shadow.view.drop()
                raise
        forget_freed_pages(self.log.datastore)  # no page of the replaced tables left behind
        self.on_commit()
        return done

    def _prepare(self, view: SqlView) -> None:
        view.drop()  # what an interrupted rebuild left
        view.create_table()
        view.upgrade()
        with write_transaction(self.log.datastore) as raw:
            rows = Rows(raw, view.placeholder)
            view.mark_generation(rows)
            if self.start_after is not None:
                view.track(rows, self.log.store.name, self.start_after)

    def _position(self, raw: Any = None) -> int:  # noqa: ANN401
        """Where the shadow views are (read in `raw`'s transaction, if given)."""
        view = self.shadows[0].view
        if raw is None:
            return view.max_tracking_id(self.log.store.name) or self.start_after or 0
        position = view.read_position(Rows(raw, view.placeholder), self.log.store.name)[0]
        return position or self.start_after or 0

    def _total(self) -> int:
        head = self.log.store.recorder.max_notification_id() or 0
        return max(0, head - self._position()) * len(self.shadows)

    def _catch_up(self, progress: Progress | None, behind: int) -> int:
        store = self.log.store
        done, position = 0, self._position()
        while (head := store.recorder.max_notification_id() or 0) - position > behind:
            total = done + (head - position) * len(self.shadows)
            notifications = store.recorder.select_notifications(
                start=position, limit=PAGE, stop=head, inclusive_of_start=False
            )
            if not notifications:
                break
            events = decode(store.mapper, store.name, notifications)
            outcome = apply_batch(self.log.datastore, self.shadows, events)
            for error in outcome.failures.values():
                raise error
            done += len(notifications) * len(self.shadows)
            position = notifications[-1].id
            if progress is not None:
                progress(done, max(total, done))
        return done

    def _swap(self) -> int:
        """In one transaction that holds back new events: the last ones applied to the shadow
        views, the live views dropped, the shadows renamed to their names."""
        store, done = self.log.store, 0
        with write_transaction(self.log.datastore) as raw:
            self._hold_back_writers(raw)
            position = self._position(raw)
            while notifications := notifications_after(raw, store.recorder, position, PAGE):
                apply_within(raw, self.shadows, decode(store.mapper, store.name, notifications))
                done += len(notifications) * len(self.shadows)
                position = notifications[-1].id
            for live, shadow in zip(self.live, self.shadows, strict=True):
                shadow.view.swap_into(raw, live.view)
        return done

    def _hold_back_writers(self, raw: Any) -> None:  # noqa: ANN401
        """SQLite's write lock is ours already; on PostgreSQL, lock the events table against
        writers until the swap commits (they wait, as they do for one another)."""
        if self.log.postgres:
            recorder: Any = self.log.store.recorder
            table = Identifier(self.log.datastore.schema, recorder.events_table_name)
            raw.execute(SQL("LOCK TABLE {} IN SHARE MODE").format(table))
