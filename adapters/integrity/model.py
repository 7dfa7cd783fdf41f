"""The tamper-evident log of one event store: its tree kept up to date in a thread, proofs and
checkpoints for auditors, its lag, a rebuild, and the whole log verified."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from eventsourcing.persistence import ApplicationRecorder

from adapters.integrity.builder import BATCH, CHECKPOINT_EVERY, TreeBuilder
from adapters.integrity.proofs import Proofs
from adapters.integrity.runner import BuilderThread
from adapters.integrity.signing import Checkpoint, Signer
from adapters.integrity.tables import TreeStore
from adapters.integrity.verify import Report, verify
from application.store import ProfileEventStore

TREE_NAME = "integrity_tree"  # its name beside the views' in `projections status`
POLL = 0.05


class Integrity:
    """The tree of `events`' log; `start()` keeps it up to date and signs its checkpoints.

    `suffix` renames its tables (tests keep theirs apart); `every` is the longest a new event
    waits for a checkpoint, give or take a poll; `batch` the most events per transaction.
    """

    def __init__(
        self,
        events: ProfileEventStore,
        env: Mapping[str, str],
        signer: Signer,
        *,
        suffix: str = "",
        every: float = CHECKPOINT_EVERY,
        batch: int = BATCH,
    ) -> None:
        self.events = events
        self.batch = batch
        self.signer = signer
        self.every = every
        self.store = TreeStore(events.factory.datastore, suffix)  # type: ignore[attr-defined]
        self.store.create()
        self.proofs = Proofs(self.store, events.recorder, signer)
        self._changed = threading.Condition()
        self._commits = 0  # commits so far: a waiter misses none made after it looked
        self._thread = BuilderThread(events, env, self._builder, suffix)
        self._rebuilt_diverged: str | None = None  # what the last rebuild found, if anything

    def _builder(self, store: TreeStore, recorder: ApplicationRecorder) -> TreeBuilder:
        return TreeBuilder(store, recorder, self.signer, every=self.every, batch=self.batch,
                           on_commit=self._notify)

    def builder(self) -> TreeBuilder:
        """A builder working in the caller's thread (to catch up, or sign, right now)."""
        return self._builder(self.store, self.events.recorder)

    def _notify(self) -> None:
        with self._changed:
            self._commits += 1
            self._changed.notify_all()

    # Running
    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._thread.stop()

    def errors(self) -> dict[str, str]:
        """Why the builder failed (it tries again) or signs no checkpoint, if so."""
        builder = self._thread.builder
        diverged = (builder.diverged if builder is not None else None) or self._rebuilt_diverged
        found = {"failed": self._thread.error, "diverged": diverged}
        return {kind: str(reason) for kind, reason in found.items() if reason}

    # Status
    def head(self) -> int:
        return self.events.recorder.max_notification_id() or 0

    def status(self) -> dict[str, Any]:
        size, position = self.store.size_and_position()
        head = self.head()
        latest = self.store.latest_checkpoint()
        return {"name": TREE_NAME, "position": position, "head": head,
                "lag": max(0, head - position), "tree_size": size,
                "signed_tree_size": latest.tree_size if latest is not None else 0}

    # Rebuilding and verifying
    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Build the tree again from the first event (checkpoints are kept, and checked); the
        number of events hashed. Safe while other builders run: each batch commits once."""
        running = self._thread.running
        self.stop()
        try:
            head = self.head()
            self.store.reset()
            builder = self.builder()
            report = None if progress is None else (lambda done: progress(done, max(head, done)))
            done = builder.catch_up(report)
            builder.sign_if_due(force=True)
            self._rebuilt_diverged = builder.diverged
        finally:
            if running:
                self.start()
        return done

    def verify(
        self,
        checkpoint: Checkpoint | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Report:
        """Check every event against the tree and every checkpoint kept (or `checkpoint`);
        VerificationFailed names the first position at fault."""
        return verify(self.events.recorder, self.store, self.signer, checkpoint, progress)

    # Waiting (tests, drivers)
    def _wait_until(self, done: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while True:
            seen = self._commits
            if done():
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"The integrity tree has not {what}")
            with self._changed:
                if self._commits == seen:
                    self._changed.wait(min(remaining, POLL))

    def wait_for_position(self, position: int, timeout: float = 10.0) -> None:
        self._wait_until(lambda: self.store.size_and_position()[1] >= position, timeout,
                         f"reached position {position}")

    def wait_for_checkpoint(self, tree_size: int, timeout: float = 10.0) -> Checkpoint:
        def signed() -> bool:
            latest = self.store.latest_checkpoint()
            return latest is not None and latest.tree_size >= tree_size

        self._wait_until(signed, timeout, f"signed a checkpoint of {tree_size} events")
        latest = self.store.latest_checkpoint()
        assert latest is not None
        return latest

    def drop(self) -> None:
        """Drop the tree's tables, checkpoints included (for tables under a test suffix)."""
        self.stop()
        self.store.drop()
