"""`audit verify`: recompute every leaf from the stored events, a page at a time (memory stays
O(log n)), and check them against the tree recorded and against every signed checkpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from eventsourcing.persistence import ApplicationRecorder

from adapters.integrity.merkle import Frontier, canonical_leaf_input, leaf_hash, leaf_input
from adapters.integrity.signing import Checkpoint, Signer
from adapters.integrity.tables import Entry, Leaf, TreeStore

PAGE = 5000
T = TypeVar("T")


class VerificationFailed(Exception):
    """The log is not the one recorded: `position` is the first position found at fault."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"position {position}: {reason}")
        self.position = position
        self.reason = reason


@dataclass(frozen=True)
class Report:
    events: int
    checkpoints: int
    first_position: int
    last_position: int
    tree_size: int
    root_hash: str

    def summary(self) -> str:
        positions = f"positions {self.first_position} to {self.last_position}" if self.events \
            else "no events"
        return (f"Verified {self.events} events ({positions}) and {self.checkpoints} "
                f"checkpoints: root {self.root_hash} at tree size {self.tree_size}.")


def _pages(fetch: Callable[[int], Sequence[T]], after: Callable[[Sequence[T]], int | None],
           reader: Executor) -> Iterator[Sequence[T]]:
    """The pages from 0, each next one read by `reader` while the caller works on the last
    (the database's wait and the hashing overlap)."""
    pending = reader.submit(fetch, 0)
    while page := pending.result():
        following = after(page)
        if following is not None:
            pending = reader.submit(fetch, following)
        yield page
        if following is None:
            return


def _checkpoints(store: TreeStore, upto: int) -> Iterator[Checkpoint]:
    after = 0
    while page := store.checkpoints(after, PAGE, upto=upto):
        yield from page
        after = page[-1].tree_size


class _Check:
    """The state of one verification run, event after event."""

    def __init__(self, recorded: Iterator[Leaf], signer: Signer, targets: Iterator[Checkpoint],
                 head: int, exists: Callable[[int], bool]) -> None:
        self.signer = signer
        self.exists = exists
        self.head = head
        self.frontier = Frontier()
        self.recorded = recorded
        self.targets = targets
        self.target = next(targets, None)
        self.checked = 0
        self.first = self.last = 0
        self.since = 1  # the first position after the last checkpoint found good

    def event(self, position: int, leaf: bytes) -> None:
        if position <= self.last:
            raise VerificationFailed(position, f"it does not follow position {self.last}")
        recorded = next(self.recorded, None)
        if recorded is not None and recorded[1] <= self.head:
            _, at, stored = recorded
            if at < position:
                raise VerificationFailed(at, "the event recorded there is missing from the log")
            if at > position:
                raise VerificationFailed(position, "an event the tree never recorded")
            if stored != leaf:
                raise VerificationFailed(position, "the event differs from the one recorded")
        self.frontier.append(leaf)
        self.first, self.last = self.first or position, position
        while self.target is not None and self.target.tree_size == self.frontier.size:
            self._checkpoint(self.target, position)
            self.target = next(self.targets, None)

    def _checkpoint(self, checkpoint: Checkpoint, position: int) -> None:
        signed = f"the checkpoint of {checkpoint.tree_size} events signed at {checkpoint.timestamp}"
        problem = self.signer.check(checkpoint)
        if problem is not None:
            raise VerificationFailed(position, f"{signed}: {problem}")
        if self.frontier.root().hex() != checkpoint.root_hash:
            raise VerificationFailed(self.since, f"the log differs from {signed} between "
                                     f"positions {self.since} and {position}")
        self.checked += 1
        self.since = position + 1

    def end(self) -> Report:
        recorded = next(self.recorded, None)
        missing = self.last + 1 if recorded is None else recorded[1]
        # A leaf past the head read at the start is an event recorded since, if it exists.
        if recorded is not None and (recorded[1] <= self.head or not self.exists(missing)):
            raise VerificationFailed(missing, "the event recorded there is missing from the "
                                     f"log, which ends at position {self.last}")
        if self.target is not None:
            target = self.target
            raise VerificationFailed(missing, f"the log ends after {self.frontier.size} "
                                     f"events (position {self.last}) but the checkpoint signed "
                                     f"at {target.timestamp} covers {target.tree_size}")
        return Report(self.frontier.size, self.checked, self.first, self.last,
                      self.frontier.size, self.frontier.root().hex())


def verify(
    recorder: ApplicationRecorder,
    store: TreeStore,
    signer: Signer,
    checkpoint: Checkpoint | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Check the whole log: against `checkpoint` if given, else every checkpoint kept
    (those signed before it started: the log read stops at the head it saw then)."""
    latest = store.latest_checkpoint() if checkpoint is None else checkpoint
    head = recorder.max_notification_id() or 0  # after the checkpoints: it covers them all
    targets = iter([checkpoint]) if checkpoint is not None else _checkpoints(
        store, latest.tree_size if latest is not None else 0)
    def exists(position: int) -> bool:
        found = recorder.select_notifications(start=position, limit=1)
        return bool(found) and found[0].id == position

    events_table: str = recorder.events_table_name  # type: ignore[attr-defined]

    def log_page(position: int) -> Sequence[Entry]:
        return store.log_page(events_table, position, head, PAGE)

    with ThreadPoolExecutor(2, thread_name_prefix="verify-read") as reader:
        leaves = _pages(lambda start: store.leaves(start, PAGE),
                        lambda page: page[-1][0] + 1, reader)
        check = _Check((leaf for page in leaves for leaf in page), signer, targets, head,
                       exists)
        event, leaf = check.event, leaf_hash
        data = canonical_leaf_input if store.postgres else leaf_input
        log = _pages(log_page, lambda page: page[-1][0] if page[-1][0] < head else None,
                     reader)
        for page in log:
            for position, profile_id, version, topic, state in page:
                event(position, leaf(data(position, profile_id, version, topic, state)))
            if progress is not None:
                progress(page[-1][0], head)
        return check.end()
