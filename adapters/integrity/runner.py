"""The tree builder's thread: woken by new events, it catches up a batch at a time and signs a
checkpoint when one is due; any error is logged and tried again (the thread goes on)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresDatastore

from adapters.eventstore.subscription import Wakeup
from adapters.integrity.builder import TreeBuilder
from adapters.integrity.tables import TreeStore
from adapters.logging import get_logger
from application.store import ProfileEventStore

# On PostgreSQL the builder has a pool of its own (a LISTEN, a reader, a writer); on SQLite it
# shares the event store's, whose writer lock queues its commits with the commands'.
RUNNER_ENV = {"POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "2", "CREATE_TABLE": "n"}
GATHER = 0.2  # seconds to let new events gather before a batch
RETRY = 1.0

log = get_logger("profile_service.integrity")


class BuilderThread:
    """Runs a TreeBuilder over its own connections until stopped."""

    def __init__(
        self,
        events: ProfileEventStore,
        env: Mapping[str, str],
        make: Callable[[TreeStore, ApplicationRecorder], TreeBuilder],
        suffix: str = "",
    ) -> None:
        self.events = events
        self.env = env
        self.make = make
        self.suffix = suffix
        self.error: str | None = None
        self.builder: TreeBuilder | None = None
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._wakeup: Wakeup | None = None
        self._app: ProfileEventStore | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is not None:
            return
        datastore: Any = self.events.factory.datastore  # type: ignore[attr-defined]
        recorder: ApplicationRecorder = self.events.recorder
        if isinstance(datastore, PostgresDatastore):
            self._app = ProfileEventStore(env={**self.env, **RUNNER_ENV})
            recorder = self._app.recorder
            datastore = self._app.factory.datastore  # type: ignore[attr-defined]
        self.builder = self.make(TreeStore(datastore, self.suffix), recorder)
        self._wakeup = Wakeup(recorder)
        self._stopped.clear()
        self._thread = threading.Thread(target=self._run, name="integrity-tree", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, wakeup, app = self._thread, self._wakeup, self._app
        self._thread = self._wakeup = self._app = None
        self._stopped.set()
        if wakeup is not None:
            wakeup.event.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        if wakeup is not None:
            wakeup.close()
        if app is not None:
            app.close()

    def _sign(self, builder: TreeBuilder) -> None:
        diverged = builder.diverged
        checkpoint = builder.sign_if_due()
        if checkpoint is not None:
            log.info("integrity_checkpoint_signed", tree_size=checkpoint.tree_size,
                     root_hash=checkpoint.root_hash)
        elif builder.diverged and builder.diverged != diverged:
            log.error("integrity_tree_diverged", reason=builder.diverged)

    def _run(self) -> None:
        builder, wakeup = self.builder, self._wakeup
        assert builder is not None and wakeup is not None
        while not self._stopped.is_set():
            try:
                wakeup.clear()
                added = builder.step()
                self._sign(builder)
                if self.error is not None:
                    log.info("integrity_tree_restarted")
                self.error = None
            except Exception as error:  # the thread must go on: say so, and try again later
                self.error = f"{type(error).__name__}: {error}"
                log.error("integrity_tree_failed", error=self.error)
                self._stopped.wait(RETRY)
                continue
            if added == builder.batch:
                continue  # more are waiting: at once
            if added == 0:
                wakeup.wait()
            # Proofs wait for checkpoints anyway: let events gather, one transaction for many
            # (one per command would cost the commands a write each on SQLite's single writer).
            self._stopped.wait(GATHER)
