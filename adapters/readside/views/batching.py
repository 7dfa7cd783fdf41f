"""A view's writes in batches: its states read once, written once, its position recorded once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking

from adapters.eventstore.sql import write_transaction
from adapters.readside.rows import Batch, Memory, RawCursor, Rows

LOAD_CHUNK = 500  # profile ids per SELECT when a batch reads its states


class BatchedView:
    """The batch machinery of a SQL view; the view supplies its tables, `_load` and `_save`."""

    placeholder: ClassVar[str]
    datastore: Any
    on_commit: Callable[[], None] | None = None

    def _table(self, suffix: str = "") -> str:
        raise NotImplementedError

    def _load(self, rows: Rows, keys: Sequence[str]) -> dict[str, Any]:
        """The stored states of these profiles (those known)."""
        raise NotImplementedError

    def _save(self, batch: Batch) -> None:
        """Write the batch's changed states (and entries)."""
        raise NotImplementedError

    def _fresh(self, state: Any) -> Any:  # noqa: ANN401
        """A remembered state as a batch may change it (states changed in place are copied)."""
        return state

    def _stored(self, state: Any) -> Any:  # noqa: ANN401
        """A state of a committed batch as remembered (what it knows is stored is updated)."""
        return state

    # The states kept between batches (by a runner's views only: see `remember`)
    @property
    def _memory(self) -> Memory | None:
        memory: Memory | None = self.__dict__.get("_memory_of_states")
        return memory

    def remember(self, size: int) -> None:
        """Keep the states of up to `size` profiles between batches (for a sole writer)."""
        self.__dict__["_memory_of_states"] = Memory(size)

    def committed(self, batch: Batch) -> None:
        """`batch` was committed: its states are those stored now."""
        if self._memory is not None:
            stored = {key: self._stored(state) for key, state in batch.states.items()}
            self._memory.keep(max(batch.last, batch.position or 0), stored)

    def forget(self) -> None:
        if self._memory is not None:
            self._memory.forget()

    # Batches
    @property
    def _open(self) -> dict[int, Batch]:
        opened: dict[int, Batch] = self.__dict__.setdefault("_open_batches", {})
        return opened

    @contextmanager
    def batch_open(
        self, rows: Rows, position: int | None, last: int, keys: Collection[str] = ()
    ) -> Iterator[Batch]:
        """The batch that this thread's writes fill, in memory: the events after `position`
        up to `last`; the states of the profiles `keys` (and any other) read through `rows`."""
        thread = threading.get_ident()
        batch = Batch(thread, rows, position, last)
        self._open[thread] = batch
        try:
            remembered = self._memory.recall(position) if self._memory is not None else {}
            if batch.accepts(last):
                for key in keys:
                    if key in remembered and key not in batch.states:
                        batch.states[key] = self._fresh(remembered[key])
                self._prefetch(batch, keys)
            yield batch
        finally:
            del self._open[thread]

    def read_position(self, rows: Rows, application_name: str) -> int | None:
        rows.execute(
            f"SELECT notification_id FROM {self._table('_tracking')} WHERE application_name = ?",
            (application_name,),
        )
        row = rows.one()
        return None if row is None else int(row["notification_id"])

    def batch_write(self, raw: RawCursor, application_name: str, batch: Batch) -> bool:
        """In `raw`'s transaction: write a batch filled outside it, unless this view's position
        has moved since it was read (False: nothing written)."""
        if not batch.accepts(batch.last):
            return True  # recorded already: nothing to write
        rows, tracking = Rows(raw, self.placeholder), self._table("_tracking")
        if batch.position is None:
            rows.execute(
                f"INSERT INTO {tracking} (application_name, notification_id) VALUES (?, ?) "
                "ON CONFLICT (application_name) DO NOTHING RETURNING notification_id",
                (application_name, batch.last),
            )
        else:
            rows.execute(
                f"UPDATE {tracking} SET notification_id = ? "
                "WHERE application_name = ? AND notification_id = ? RETURNING notification_id",
                (batch.last, application_name, batch.position),
            )
        if rows.one() is None:
            return False
        batch.rows = rows
        self._save(batch)
        return True

    @contextmanager
    def batch_in(
        self, raw: RawCursor, application_name: str, last: int, keys: Collection[str] = ()
    ) -> Iterator[Batch]:
        """In `raw`'s transaction: lock this view's position, yield the batch that this thread's
        writes fill (events at or before the position are refused), then write the states and
        `last` as the position, unless it was recorded already."""
        rows = Rows(raw, self.placeholder)
        position = self._claim(rows, application_name, last)
        with self.batch_open(rows, position, last, keys) as batch:
            yield batch
        if batch.accepts(last):
            self._save(batch)
            rows.execute(
                f"UPDATE {self._table('_tracking')} SET notification_id = ? "
                "WHERE application_name = ?",
                (last, application_name),
            )

    def _claim(self, rows: Rows, application_name: str, last: int) -> int | None:
        """The position recorded so far, its row locked (created at `last` when there is none)."""
        tracking = self._table("_tracking")
        for _ in range(2):
            rows.execute(
                f"UPDATE {tracking} SET notification_id = notification_id "
                "WHERE application_name = ? RETURNING notification_id",
                (application_name,),
            )
            row = rows.one()
            if row is not None:
                return int(row["notification_id"])
            rows.execute(
                f"INSERT INTO {tracking} (application_name, notification_id) VALUES (?, ?) "
                "ON CONFLICT (application_name) DO NOTHING RETURNING notification_id",
                (application_name, last),
            )
            if rows.one() is not None:
                return None
        raise RuntimeError(f"Cannot lock the position in {tracking}")  # pragma: no cover

    def _prefetch(self, batch: Batch, keys: Collection[str]) -> None:
        missing = [key for key in dict.fromkeys(keys) if key not in batch.states]
        for first in range(0, len(missing), LOAD_CHUNK):
            chunk = missing[first : first + LOAD_CHUNK]
            found = self._load(batch.rows, chunk)
            for key in chunk:
                batch.states[key] = found.get(key)

    def _state(self, batch: Batch, key: str) -> Any:  # noqa: ANN401
        if key not in batch.states:
            self._prefetch(batch, (key,))
        return batch.states[key]

    def _put(self, batch: Batch, key: str, state: object) -> None:
        batch.states[key] = state
        batch.dirty[key] = None

    @contextmanager
    def _writing(self, tracking: Tracking) -> Iterator[Batch | None]:
        """This thread's open batch (else one of its own), None when `tracking` is recorded."""
        batch = self._open.get(threading.get_ident())
        if batch is not None:
            yield batch if batch.accepts(tracking.notification_id) else None
            return
        self.forget()
        with (
            write_transaction(self.datastore) as raw,
            self.batch_in(raw, tracking.application_name, tracking.notification_id) as batch,
        ):
            yield batch if batch.accepts(tracking.notification_id) else None
        if self.on_commit is not None:
            self.on_commit()

    def insert_tracking(self, tracking: Tracking) -> None:
        with self._writing(tracking):
            pass
