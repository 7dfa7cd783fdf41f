"""The read side's runner: one thread applies whatever events are new, a batch at a time, to
every running view in one transaction; a failed view is logged and tried again, later."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.projection import Projection

from adapters.eventstore.sql import forget_freed_pages
from adapters.eventstore.subscription import Wakeup
from adapters.logging import get_logger
from adapters.readside.batch import Member, apply_batch, decode
from adapters.readside.source import EventLog
from adapters.readside.views.base import SqlView
from application.store import ProfileEventStore
from domain.events import ProfileErased

APPLICATION = ProfileEventStore.name
# On PostgreSQL the runner has a pool of its own (a LISTEN, a reader, a writer); on SQLite it
# shares the event store's, whose writer lock queues its commits with the commands' politely.
RUNNER_ENV = {"POSTGRES_POOL_SIZE": "3", "POSTGRES_MAX_OVERFLOW": "2", "CREATE_TABLE": "n"}
BATCH = 2000  # events at most per transaction; fewer when fewer are waiting
REMEMBERED = 1000  # profiles per view whose states the runner keeps between batches
LINGER = 0.02  # seconds to wait after a batch of several events, before the next one
CHECK_EVERY = 0.5
FIRST_RETRY = 1.0
LAST_RETRY = 30.0

log = get_logger("profile_service.projections")


@dataclass(frozen=True)
class ViewSpec:
    name: str
    projection: type[Projection[Any]]
    sqlite: type[SqlView]
    postgres: type[SqlView]


@dataclass
class _Slot:
    member: Member
    position: int | None = None  # None: to be read from the view
    retry_at: float = 0.0
    delay: float = FIRST_RETRY
    error: str | None = None


class _Source:
    """Where the runner reads events and writes views."""

    def __init__(self, log: EventLog) -> None:
        self.app: ProfileEventStore | None = None
        if log.postgres:
            self.app = ProfileEventStore(env={**log.env, **RUNNER_ENV})
            self.recorder: ApplicationRecorder = self.app.recorder
            self.mapper: Mapper[Any] = log.store.mapper  # it decrypts the personal values
            self.datastore: Any = self.app.factory.datastore  # type: ignore[attr-defined]
        else:
            self.recorder = log.store.recorder
            self.mapper = log.store.mapper
            self.datastore = log.datastore
        self.wakeup = Wakeup(self.recorder)

    def close(self) -> None:
        self.wakeup.close()
        if self.app is not None:
            self.app.close()


class Runners:
    """Runs the started views in one thread; each view's failure is its own (see `errors()`)."""

    def __init__(
        self,
        log: EventLog,
        specs: Mapping[str, ViewSpec],
        classes: Mapping[str, type[SqlView]],
        on_commit: Callable[[], None],
        batch: int = BATCH,
        linger: float = LINGER,
    ) -> None:
        self.log = log
        self.specs = specs
        self.classes = classes
        self.on_commit = on_commit
        self.batch = batch
        self.linger = linger
        self._slots: dict[str, _Slot] = {}
        self._lock = threading.RLock()
        self._applying = threading.Lock()
        self._stopped = threading.Event()
        self._source: _Source | None = None
        self._thread: threading.Thread | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._slots)

    def errors(self) -> dict[str, str]:
        """The last error of each view whose runner failed (until it runs again)."""
        with self._lock:
            return {name: slot.error for name, slot in self._slots.items() if slot.error}

    def start(self, names: tuple[str, ...]) -> None:
        with self._lock:
            if self._source is None:
                self._source = _Source(self.log)
            for name in names:
                if name not in self._slots:
                    view = self.classes[name](datastore=self._source.datastore)
                    view.remember(REMEMBERED)
                    projection = self.specs[name].projection(view=view)
                    self._slots[name] = _Slot(Member(name, view, projection))
            if self._slots and self._thread is None:
                self._stopped.clear()
                self._thread = threading.Thread(
                    target=self._run, args=(self._source,), name="projections", daemon=True
                )
                self._thread.start()
            self._source.wakeup.event.set()

    def stop(self, names: tuple[str, ...] | None = None) -> None:
        """Stop these views (all by default); returns once no batch is writing them."""
        with self._lock:
            for name in self.names if names is None else names:
                self._slots.pop(name, None)
            thread, source = (self._thread, self._source) if not self._slots else (None, None)
            if thread is not None:
                self._thread = self._source = None
                self._stopped.set()
                if source is not None:
                    source.wakeup.event.set()
        with self._applying:
            pass  # the batch under way (if any) is over
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        if source is not None:
            source.close()

    def run_forever(self) -> None:
        """Block until `stop()` (failed views are tried again meanwhile)."""
        while not self._stopped.wait(CHECK_EVERY):
            pass

    # The runner's thread
    def _run(self, source: _Source) -> None:
        while not self._stopped.is_set():
            try:
                self._step(source)
            except Exception as error:  # the thread must go on: say so, and try again later
                log.error("projections_runner_failed", error=f"{type(error).__name__}: {error}")
                self._stopped.wait(CHECK_EVERY)

    def _step(self, source: _Source) -> None:
        """Apply the events waiting now (up to a batch), else wait for some."""
        slots = self._ready()
        if not slots:
            self._stopped.wait(CHECK_EVERY)
            return
        source.wakeup.clear()
        start = min(slot.position or 0 for slot in slots)
        try:
            notifications = source.recorder.select_notifications(
                start=start, limit=self.batch, inclusive_of_start=False
            )
            if notifications:
                self._apply(source, slots, decode(source.mapper, APPLICATION, notifications))
        except Exception as error:
            self._failed([slot.member.name for slot in slots], error)
            return
        if not notifications:
            source.wakeup.wait()
        elif 1 < len(notifications) < self.batch:  # busy: let the next batch grow a little
            self._stopped.wait(self.linger)

    def _ready(self) -> list[_Slot]:
        """The views to run now, their positions read again after a failure."""
        now, ready = time.monotonic(), []
        with self._lock:
            slots = list(self._slots.values())
        for slot in slots:
            if slot.retry_at > now:
                continue
            if slot.position is None:
                try:
                    slot.position = slot.member.view.max_tracking_id(APPLICATION) or 0
                except Exception as error:
                    self._failed([slot.member.name], error)
                    continue
            ready.append(slot)
        return ready

    def _apply(self, source: _Source, slots: Sequence[_Slot], events: Sequence[Any]) -> None:
        last = events[-1][1].notification_id
        with self._applying:
            with self._lock:
                behind = [
                    slot
                    for slot in slots
                    if self._slots.get(slot.member.name) is slot and (slot.position or 0) < last
                ]
            outcome = apply_batch(source.datastore, [slot.member for slot in behind], events)
        for slot in behind:
            name = slot.member.name
            if name in outcome.positions:
                slot.position = outcome.positions[name]
                if slot.error is not None:
                    log.info("projection_restarted", projection=name)
                slot.error, slot.delay = None, FIRST_RETRY
        if outcome.failures:
            for name, error in outcome.failures.items():
                self._failed([name], error)
        if outcome.positions:
            if any(isinstance(event, ProfileErased) for event, _ in events):
                forget_freed_pages(source.datastore)  # no old page of the views left behind
            self.on_commit()

    def _failed(self, names: Sequence[str], error: Exception) -> None:
        message = f"{type(error).__name__}: {error}"
        with self._lock:
            for name in names:
                slot = self._slots.get(name)
                if slot is None:
                    continue
                log.error("projection_failed", projection=name, error=message)
                slot.error, slot.position = message, None
                slot.retry_at = time.monotonic() + slot.delay
                slot.delay = min(slot.delay * 2, LAST_RETRY)
