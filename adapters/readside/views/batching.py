"""A view's writes in batches: its states read once, written once, its position recorded once."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking

from adapters.eventstore.sql import write_transaction
from adapters.readside.rows import Batch, Memory, RawCursor, Rows

LOAD_CHUNK = 500  # profile ids per SELECT when a batch reads its states
# The tracking row naming which build of a view's tables these are (a rebuild's, or none).
GENERATION = "__generation__"


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
            self._memory.keep(max(batch.last, batch.position or 0), batch.generation, stored)

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
        self,
        rows: Rows,
        position: int | None,
        last: int,
        keys: Collection[str] = (),
        generation: int | None = None,
    ) -> Iterator[Batch]:
        """The batch that this thread's writes fill, in memory: the events after `position`
        up to `last`; the states of the profiles `keys` (and any other) read through `rows`."""
        thread = threading.get_ident()
        batch = Batch(thread, rows, position, last, generation)
        self._open[thread] = batch
        try:
            memory = self._memory
            remembered = memory.recall(position, generation) if memory is not None else {}
            if batch.accepts(last):
                for key in keys:
                    if key in remembered and key not in batch.states:
                        batch.states[key] = self._fresh(remembered[key])
                self._prefetch(batch, keys)
            yield batch
        finally:
            del self._open[thread]

    def read_position(self, rows: Rows, application_name: str) -> tuple[int | None, int | None]:
        """The position recorded for `application_name`, and the generation of the tables."""
        rows.execute(
            f"SELECT application_name, notification_id FROM {self._table('_tracking')} "
            "WHERE application_name IN (?, ?)",
            (application_name, GENERATION),
        )
        found = {row["application_name"]: int(row["notification_id"]) for row in rows.all()}
        return found.get(application_name), found.get(GENERATION)

    def mark_generation(self, rows: Rows) -> int:
        """Give these tables a new generation (a rebuild's), so that no runner trusts states
        it remembers from the tables they replace."""
        generation = secrets.randbits(62)
        rows.execute(
            f"INSERT INTO {self._table('_tracking')} (application_name, notification_id) "
            "VALUES (?, ?)",
            (GENERATION, generation),
        )
        return generation

    def batch_write(self, raw: RawCursor, application_name: str, batch: Batch) -> bool:
        """In `raw`'s transaction: write a batch filled outside it, unless this view's position
        has moved since it was read (False: nothing written)."""
        if not batch.accepts(batch.last):
            return True  # recorded already: nothing to write
        rows, tracking = Rows(raw, self.placeholder), self._table("_tracking")
        if self.read_position(rows, application_name)[1] != batch.generation:
            return False  # the tables were swapped for a rebuild's since the batch was filled
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
        generation = self.read_position(rows, application_name)[1]
        with self.batch_open(rows, position, last, keys, generation) as batch:
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
