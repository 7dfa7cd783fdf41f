"""Proofs from the stored tree: the latest checkpoint, inclusion and consistency proofs, in
O(log n) node reads (never a scan of the log); tree sizes bounded by the latest checkpoint."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from eventsourcing.persistence import ApplicationRecorder

from adapters.integrity import merkle
from adapters.integrity.signing import Checkpoint, Signer
from adapters.integrity.tables import NodesMissing, Reader, TreeStore

T = TypeVar("T")
__all__ = ["EventMissing", "InvalidTreeSize", "NoCheckpoint", "NodesMissing", "Proofs"]


class InvalidTreeSize(ValueError):
    """A tree size beyond the latest checkpoint, or a position outside the tree (422)."""

    code = "invalid_tree_size"

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class NoCheckpoint(LookupError):
    """No checkpoint has been signed yet."""


class EventMissing(LookupError):
    """The tree has a leaf at this position but the store no longer has its event."""


@dataclass(frozen=True)
class Inclusion:
    position: int
    leaf_index: int
    tree_size: int
    leaf_input: bytes
    leaf_hash: bytes
    audit_path: list[bytes]
    root_hash: bytes

    def as_json(self) -> dict[str, Any]:
        """As integrity.md answers it: base64 leaf input, hex hashes."""
        return {"position": self.position, "leaf_index": self.leaf_index,
                "tree_size": self.tree_size,
                "leaf_input": base64.b64encode(self.leaf_input).decode(),
                "leaf_hash": self.leaf_hash.hex(),
                "audit_path": [node.hex() for node in self.audit_path],
                "root_hash": self.root_hash.hex()}


@dataclass(frozen=True)
class Consistency:
    first: int
    second: int
    proof: list[bytes]

    def as_json(self) -> dict[str, Any]:
        return {"first": self.first, "second": self.second,
                "proof": [node.hex() for node in self.proof]}


def from_store(store: TreeStore | Reader, compute: Callable[[merkle.NodeGetter], T]) -> T:
    """Run a tree computation on the stored nodes it needs, read in one query."""
    found = store.nodes(merkle.needed(compute))
    return compute(lambda level, index: found[(level, index)])


class Proofs:
    """What auditors ask of the tree; bad sizes and positions raise InvalidTreeSize."""

    def __init__(self, store: TreeStore, recorder: ApplicationRecorder, signer: Signer) -> None:
        self.store = store
        self.recorder = recorder
        self.signer = signer

    def checkpoint(self) -> Checkpoint:
        latest = self.store.latest_checkpoint()
        if latest is None:
            raise NoCheckpoint("No checkpoint has been signed yet.")
        return latest

    @staticmethod
    def _signed_size(reader: Reader) -> int:
        latest = reader.latest_checkpoint()
        return 0 if latest is None else latest.tree_size

    def _size(self, size: int | None, field: str, signed: int) -> int:
        if size is None:
            if signed == 0:
                raise InvalidTreeSize("No checkpoint has been signed yet.", field)
            return signed
        if size < 1 or size > signed:
            raise InvalidTreeSize(
                f"{field} must be from 1 to the latest checkpoint's tree size ({signed}), "
                f"not {size}.", field)
        return size

    def root(self, size: int) -> bytes:
        return from_store(self.store, lambda node: merkle.root(size, node))

    def inclusion(self, position: int, tree_size: int | None = None) -> Inclusion:
        with self.store.reading() as reader:  # the tree's reads in one transaction
            size = self._size(tree_size, "tree_size", self._signed_size(reader))
            index = reader.leaf_index(position) if position >= 1 else None
            if index is None and position >= 1 and reader.size_and_position()[0] < size:
                raise NodesMissing(f"the tree has fewer than the {size} events signed")
            if index is None or index >= size:
                raise InvalidTreeSize(
                    f"Position {position} is not one of the {size} events of the tree.",
                    "position")

            def compute(node: merkle.NodeGetter) -> tuple[list[bytes], bytes, bytes]:
                return (merkle.inclusion_path(index, size, node), node(0, index),
                        merkle.root(size, node))

            path, leaf, root = from_store(reader, compute)
        found = self.recorder.select_notifications(start=position, limit=1)
        if not found or found[0].id != position:
            raise EventMissing(
                f"The event at position {position} is in the tree but no longer in the store; "
                "run `profile-service audit verify`.")
        event = found[0]
        data = merkle.leaf_input(event.id, event.originator_id, event.originator_version,
                                 event.topic, event.state)
        return Inclusion(position, index, size, data, leaf, path, root)

    def consistency(self, first: int, second: int | None = None) -> Consistency:
        with self.store.reading() as reader:
            end = self._size(second, "second", self._signed_size(reader))
            if first < 1 or first > end:
                raise InvalidTreeSize(f"first must be from 1 to second ({end}), not {first}.",
                                      "first")
            proof = from_store(reader, lambda node: merkle.consistency_proof(first, end, node))
        return Consistency(first, end, proof)
