"""The tree builder: adds the events recorded since its position to the tree, a batch per
transaction (exactly once: a batch commits only onto the state it was computed from), and
signs a checkpoint when one is due, never one that disagrees with the last one signed."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from eventsourcing.persistence import ApplicationRecorder, Notification

from adapters.integrity import merkle
from adapters.integrity.proofs import from_store
from adapters.integrity.signing import Checkpoint, Signer
from adapters.integrity.tables import Leaf, Moved, Node, TreeState, TreeStore

BATCH = 2000  # events at most per transaction
# The spec asks for a checkpoint at least every 10 s while events arrive: one is signed when
# the last is this old, noticed within a poll of the wake-up (at most a second later).
CHECKPOINT_EVERY = 5.0
MOVED_ATTEMPTS = 5


def leaves_of(notifications: Sequence[Notification], first_index: int) -> list[Leaf]:
    leaf, data = merkle.leaf_hash, merkle.leaf_input
    return [
        (first_index + offset, n.id,
         leaf(data(n.id, n.originator_id, n.originator_version, n.topic, n.state)))
        for offset, n in enumerate(notifications)
    ]


class TreeBuilder:
    """Extends the stored tree from the event log; `on_commit` is called after each write."""

    def __init__(
        self,
        store: TreeStore,
        recorder: ApplicationRecorder,
        signer: Signer,
        *,
        every: float = CHECKPOINT_EVERY,
        batch: int = BATCH,
        on_commit: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self.store = store
        self.recorder = recorder
        self.signer = signer
        self.every = every
        self.batch = batch
        self.on_commit = on_commit
        self.diverged: str | None = None  # why no checkpoint may be signed, if so
        self._state: TreeState | None = None
        self._signed_at = float("-inf")

    def state(self) -> TreeState:
        if self._state is None:
            self._state = self.store.state()
        return self._state

    def step(self, limit: int | None = None) -> int:
        """Add the events after the tree's position (at most a batch); how many were added."""
        for _ in range(MOVED_ATTEMPTS):
            state = self.state()
            notifications = self.recorder.select_notifications(
                start=state.position, limit=limit or self.batch, inclusive_of_start=False
            )
            if not notifications:
                return 0
            leaves = leaves_of(notifications, state.size)
            frontier, nodes = state.frontier.copy(), list[Node]()
            for _, _, leaf in leaves:
                frontier.append(leaf, nodes)
            after = TreeState(frontier.size, notifications[-1].id, frontier)
            try:
                self.store.append(state.size, after, leaves, nodes)
            except Moved:
                self._state = None  # another builder, or a rebuild: read the tree again
                continue
            except BaseException:
                self._state = None
                raise
            self._state = after
            if self.on_commit is not None:
                self.on_commit()
            return len(leaves)
        raise Moved("the tree kept changing under this builder")

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Add every event recorded now; how many were added."""
        added = 0
        while step := self.step():
            added += step
            if progress is not None:
                progress(added)
        return added

    def sign_if_due(self, *, force: bool = False) -> Checkpoint | None:
        """Sign the tree as it is, if it grew since the last checkpoint and one is due (or
        `force`), and only if it agrees with the last checkpoint signed."""
        state = self.state()
        if state.size == 0 or (not force and self.clock() - self._signed_at < self.every):
            return None
        latest = self.store.latest_checkpoint()
        if latest is not None and latest.tree_size >= state.size:
            return None
        if latest is not None and not self._agrees(latest):
            return None
        checkpoint = self.signer.sign(state.size, state.frontier.root())
        self.store.add_checkpoint(checkpoint)
        self._signed_at = self.clock()
        self.diverged = None
        if self.on_commit is not None:
            self.on_commit()
        return checkpoint

    def _agrees(self, latest: Checkpoint) -> bool:
        size = latest.tree_size
        root = from_store(self.store, lambda node: merkle.root(size, node)).hex()
        if root == latest.root_hash:
            return True
        self.diverged = (f"the tree's first {size} events no longer give the root signed at "
                         f"{latest.timestamp}: run `profile-service audit verify`")
        return False
