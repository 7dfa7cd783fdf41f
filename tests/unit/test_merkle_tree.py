"""The tree arithmetic against RFC 6962/9162's published vectors and a naive recursive tree."""

from __future__ import annotations

import hashlib
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.integrity import merkle

# The Certificate Transparency test vectors (transparency-dev/merkle, testonly and proof):
# the leaf inputs, then the root of each tree size from 1 to 8.
LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f")]
ROOTS = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")]
INCLUSION = [  # (leaf index, tree size, audit path)
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (0, 1, []),
]
CONSISTENCY = [  # (first, second, proof)
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]


# A naive tree, straight from RFC 9162 §2.1's definitions, on lists of leaf hashes
def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return sha(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return sha(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) <= 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return [*naive_path(m, leaves[:k]), mth(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*naive_subproof(m, leaves[:k], complete), mth(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def tree_of(hashes: list[bytes]) -> tuple[merkle.Frontier, dict[merkle.Key, bytes]]:
    """A frontier fed leaf by leaf, and every node it produced, as the builder stores them."""
    frontier, nodes = merkle.Frontier(), {}
    for index, leaf in enumerate(hashes):
        produced: list[tuple[int, int, bytes]] = []
        frontier.append(leaf, produced)
        nodes[(0, index)] = leaf
        nodes.update({(level, i): h for level, i, h in produced})
    return frontier, nodes


def getter(nodes: dict[merkle.Key, bytes]) -> merkle.NodeGetter:
    return lambda level, index: nodes[(level, index)]


VECTOR_HASHES = [merkle.leaf_hash(leaf) for leaf in LEAVES]
_, VECTOR_NODES = tree_of(VECTOR_HASHES)


def test_the_roots_of_every_size_are_the_published_ones():
    frontier = merkle.Frontier()
    assert frontier.root() == merkle.EMPTY_ROOT == sha(b"")
    for size, leaf in enumerate(VECTOR_HASHES, start=1):
        frontier.append(leaf)
        assert frontier.root() == ROOTS[size - 1]
        assert merkle.root(size, getter(VECTOR_NODES)) == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_paths_are_the_published_ones_and_verify(index, size, path):
    expected = [bytes.fromhex(h) for h in path]
    assert merkle.inclusion_path(index, size, getter(VECTOR_NODES)) == expected
    assert merkle.verify_inclusion(index, size, VECTOR_HASHES[index], expected, ROOTS[size - 1])


@pytest.mark.parametrize(("first", "second", "proof"), CONSISTENCY)
def test_consistency_proofs_are_the_published_ones_and_verify(first, second, proof):
    expected = [bytes.fromhex(h) for h in proof]
    assert merkle.consistency_proof(first, second, getter(VECTOR_NODES)) == expected
    assert merkle.verify_consistency(first, second, ROOTS[first - 1], ROOTS[second - 1], expected)


def test_the_split_is_rfc_9162s_largest_power_of_two_below_the_size():
    assert [merkle.split(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == [1, 2, 2, 4, 4, 8, 512]


@given(st.integers(min_value=1, max_value=70), st.data())
def test_every_proof_of_any_size_equals_the_naive_trees_and_verifies(size, data):
    hashes = [sha(bytes([n % 256, n // 256])) for n in range(size)]
    frontier, nodes = tree_of(hashes)
    root = mth(hashes)
    assert frontier.root() == root == merkle.root(size, getter(nodes))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    path = merkle.inclusion_path(index, size, getter(nodes))
    assert path == naive_path(index, hashes)
    assert merkle.verify_inclusion(index, size, hashes[index], path, root)
    first = data.draw(st.integers(min_value=1, max_value=size))
    proof = merkle.consistency_proof(first, size, getter(nodes))
    assert proof == (naive_subproof(first, hashes, True) if first < size else [])
    assert merkle.verify_consistency(first, size, mth(hashes[:first]), root, proof)


@given(st.integers(min_value=2, max_value=40), st.data())
def test_a_proof_verifies_for_nothing_else(size, data):
    hashes = [sha(bytes([n])) for n in range(size)]
    _, nodes = tree_of(hashes)
    root = mth(hashes)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    path = merkle.inclusion_path(index, size, getter(nodes))
    other = (index + 1) % size
    assert not merkle.verify_inclusion(other, size, hashes[index], path, root)
    assert not merkle.verify_inclusion(index, size, hashes[other], path, root)
    assert not merkle.verify_inclusion(index, size * 2, hashes[index], path, root)
    assert not merkle.verify_inclusion(index, size, hashes[index], [*path, root], root)
    if path:
        flipped = [bytes([path[0][0] ^ 1]) + path[0][1:], *path[1:]]
        assert not merkle.verify_inclusion(index, size, hashes[index], flipped, root)
    first = data.draw(st.integers(min_value=1, max_value=size - 1))
    proof = merkle.consistency_proof(first, size, getter(nodes))
    good = mth(hashes[:first])
    assert not merkle.verify_consistency(first, size, root, good, proof)
    assert not merkle.verify_consistency(first, size, good, root, proof[:-1])
    assert not merkle.verify_consistency(first, size, sha(b"other"), root, proof)
    assert not merkle.verify_consistency(first, size * 2, good, root, proof)


def test_a_proof_reads_only_log_n_stored_nodes():
    size = 100_000
    keys = merkle.needed(lambda node: merkle.inclusion_path(12_345, size, node))
    assert 0 < len(keys) <= 2 * size.bit_length()
    assert len(merkle.needed(lambda node: merkle.consistency_proof(777, size, node))) <= 34


def test_bad_sizes_and_indexes_are_refused():
    with pytest.raises(ValueError):
        merkle.inclusion_path(3, 3, getter(VECTOR_NODES))
    with pytest.raises(ValueError):
        merkle.consistency_proof(0, 3, getter(VECTOR_NODES))
    with pytest.raises(ValueError):
        merkle.consistency_proof(4, 3, getter(VECTOR_NODES))
    assert not merkle.verify_inclusion(0, 0, VECTOR_HASHES[0], [], ROOTS[0])
    assert not merkle.verify_consistency(2, 1, ROOTS[1], ROOTS[0], [])
    assert not merkle.verify_consistency(1, 2, ROOTS[0], ROOTS[1], [])


def test_a_leaf_input_is_the_specified_text_over_the_stored_bytes():
    profile = UUID("3790438f-ace7-4252-8452-0e87c20be51e")
    data = merkle.leaf_input(17, profile.hex, 2, "domain.events:ContactChanged", b"\x00stored")
    assert data == (
        "17\n3790438f-ace7-4252-8452-0e87c20be51e\n2\ndomain.events:ContactChanged\n"
        + hashlib.sha256(b"\x00stored").hexdigest()
    ).encode()
    assert merkle.leaf_hash(data) == sha(b"\x00" + data)
    assert merkle.node_hash(b"a" * 32, b"b" * 32) == sha(b"\x01" + b"a" * 32 + b"b" * 32)


def test_a_frontier_is_rebuilt_from_the_stored_roots_of_its_subtrees():
    hashes = [sha(bytes([n])) for n in range(13)]
    frontier, nodes = tree_of(hashes)
    keys = merkle.frontier_keys(13)
    assert keys == [(3, 0), (2, 2), (0, 12)]
    again = merkle.Frontier(13, [nodes[key] for key in keys])
    again.append(sha(b"next"))
    frontier.append(sha(b"next"))
    assert again.root() == frontier.root() == mth([*hashes, sha(b"next")])
    with pytest.raises(ValueError):
        merkle.Frontier(13, [nodes[(3, 0)]])
