"""RFC 9162 §2.1 Merkle tree arithmetic: leaves, nodes, roots, proofs and their verification.

A node is named by (level, index): it covers the leaves [index * 2**level, (index+1) * 2**level).
Only complete subtrees have such a node; any other range is hashed from the complete ones it
splits into (RFC 9162's split: the largest power of two smaller than the range's size).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from uuid import UUID

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()
Key = tuple[int, int]  # (level, index)
NodeGetter = Callable[[int, int], bytes]
_sha256 = hashlib.sha256


def leaf_input(
    position: int, profile_id: UUID | str, version: int, topic: str, state: bytes
) -> bytes:
    """The text hashed into a leaf (integrity.md), state bytes exactly as stored."""
    uuid = profile_id if isinstance(profile_id, UUID) else UUID(str(profile_id))
    return canonical_leaf_input(position, str(uuid), version, topic, state)


def canonical_leaf_input(
    position: int, profile_id: str, version: int, topic: str, state: bytes
) -> bytes:
    """leaf_input, the profile's id given in its canonical text (PostgreSQL's `uuid::text`)."""
    return f"{position}\n{profile_id}\n{version}\n{topic}\n{_sha256(state).hexdigest()}".encode()


def leaf_hash(data: bytes) -> bytes:
    return _sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(NODE_PREFIX + left + right).digest()


def split(size: int) -> int:
    """The largest power of two smaller than `size` (> 1): where RFC 9162 splits a tree."""
    return 1 << ((size - 1).bit_length() - 1)


def frontier_keys(size: int) -> list[Key]:
    """The complete subtrees that make up a tree of `size` leaves, left to right."""
    keys, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            keys.append((level, start >> level))
            start += 1 << level
    return keys


class Frontier:
    """The roots of the complete subtrees of a growing tree (its compact range): appending a
    leaf costs one node hash on average, the root O(log n), memory O(log n)."""

    __slots__ = ("hashes", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} subtree roots")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes, nodes: list[tuple[int, int, bytes]] | None = None) -> None:
        """Add a leaf hash; the internal nodes it completes go to `nodes` (level, index, hash)."""
        hashes, index, level, current = self.hashes, self.size, 0, leaf
        while index & 1:
            current = _sha256(NODE_PREFIX + hashes.pop() + current).digest()
            index >>= 1
            level += 1
            if nodes is not None:
                nodes.append((level, index, current))
        hashes.append(current)
        self.size += 1

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        current = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            current = node_hash(left, current)
        return current

    def copy(self) -> Frontier:
        return Frontier(self.size, self.hashes)


def range_hash(start: int, end: int, node: NodeGetter) -> bytes:
    """MTH(D[start:end]) from complete subtrees; `start` aligned as in RFC 9162's recursion."""
    size = end - start
    if size <= 0:
        raise ValueError("an empty range has no subtree")
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        if start % size:
            raise ValueError(f"[{start}, {end}) is not a subtree")
        return node(level, start >> level)
    k = split(size)
    return node_hash(range_hash(start, start + k, node), range_hash(start + k, end, node))


def root(size: int, node: NodeGetter) -> bytes:
    return EMPTY_ROOT if size == 0 else range_hash(0, size, node)


def inclusion_path(index: int, size: int, node: NodeGetter) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1, the leaf's sibling first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split(end - start)
        if index < start + k:
            path.append(range_hash(start + k, end, node))
            end = start + k
        else:
            path.append(range_hash(start, start + k, node))
            start += k
    path.reverse()
    return path


def consistency_proof(first: int, second: int, node: NodeGetter) -> list[bytes]:
    """PROOF(first, D[second]) of RFC 9162 §2.1.4.1 (empty when the sizes are equal)."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}")
    proof: list[bytes] = []
    start, end, complete = 0, second, True
    m = first
    while m != end - start:
        k = split(end - start)
        if m <= k:
            proof.append(range_hash(start + k, end, node))
            end = start + k
        else:
            proof.append(range_hash(start, start + k, node))
            start += k
            m -= k
            complete = False
    if not complete:
        proof.append(range_hash(start, end, node))
    proof.reverse()
    return proof


def needed(compute: Callable[[NodeGetter], object]) -> set[Key]:
    """The nodes a computation reads: which ones depends on the sizes alone, not the hashes."""
    keys: set[Key] = set()

    def record(level: int, index: int) -> bytes:
        keys.add((level, index))
        return EMPTY_ROOT

    compute(record)
    return keys


def root_from_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes]
) -> bytes | None:
    """RFC 9162 §2.1.3.2: the root the path leads to from the leaf, None if it cannot be one."""
    if not 0 <= index < size:
        return None
    fn, sn, current = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            current = node_hash(sibling, current)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            current = node_hash(current, sibling)
        fn >>= 1
        sn >>= 1
    return current if sn == 0 else None


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], expected_root: bytes
) -> bool:
    return root_from_inclusion(index, size, leaf, path) == expected_root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2 (and, for equal sizes, equal roots and an empty proof)."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = [first_root, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0
