"""The tree kept from the event log on both stores: the same root as the events alone give,
exactly once under concurrent builders, rebuilt alike, signed when due and never when wrong."""

from __future__ import annotations

import pytest

from adapters.integrity import merkle
from adapters.integrity.proofs import InvalidTreeSize, NodesMissing
from tests.integration.integrity_support import (
    EventTable,
    built_and_signed,
    naive_root,
    own_store,
    record_events,
)


@pytest.fixture
def container(store, tmp_path):
    with own_store(store, tmp_path) as built:
        yield built


@pytest.fixture
def integrity(container):
    made = container.integrity()
    yield made
    made.stop()


def test_the_tree_caught_up_has_the_root_of_the_events_alone(container, integrity):
    record_events(container, 4)
    assert integrity.builder().catch_up() == 12
    assert integrity.store.state().frontier.root() == naive_root(container)
    assert integrity.status() == {"name": "integrity_tree", "position": 12, "head": 12, "lag": 0,
                                  "tree_size": 12, "signed_tree_size": 0}


def test_small_batches_store_the_same_tree_as_one_batch(container, integrity):
    record_events(container, 3)
    builder = integrity.builder()
    builder.batch = 2
    assert builder.catch_up() == 9
    other = container.integrity(suffix="_onebatch")
    try:
        other.builder().catch_up()
        keys = merkle.needed(lambda node: merkle.inclusion_path(4, 9, node))
        assert integrity.store.nodes(keys) == other.store.nodes(keys)
        assert integrity.store.leaves(0, 100) == other.store.leaves(0, 100)
    finally:
        other.drop()


def test_two_builders_taking_turns_add_each_event_once(container, integrity):
    record_events(container, 2)
    first, second = integrity.builder(), integrity.builder()
    first.batch = second.batch = 2
    first.step()
    second.step()  # from the state it read itself
    first.step()  # its state is stale: it reads the tree again, then adds the next two
    record_events(container, 1)
    assert second.catch_up() + first.catch_up() == 9 - 6
    leaves = integrity.store.leaves(0, 100)
    assert [position for _, position, _ in leaves] == EventTable(container).positions()
    assert integrity.store.state().frontier.root() == naive_root(container)


def test_the_running_builder_follows_new_events_and_signs_them(container):
    integrity = container.integrity(every=0.0)
    integrity.start()
    try:
        record_events(container, 2)
        integrity.wait_for_position(integrity.head())
        checkpoint = integrity.wait_for_checkpoint(6)
        assert checkpoint.root_hash == naive_root(container).hex()
        assert integrity.signer.check(checkpoint) is None
        assert integrity.status()["lag"] == 0
    finally:
        integrity.stop()


def test_a_checkpoint_is_signed_at_most_every_interval_and_when_due_without_new_events(
    container, integrity
):
    now = [100.0]
    builder = integrity.builder()
    builder.clock = lambda: now[0]
    assert builder.sign_if_due() is None  # an empty tree is not signed
    record_events(container, 1)
    builder.catch_up()
    assert builder.sign_if_due().tree_size == 3  # the first one at once
    record_events(container, 1)
    builder.catch_up()
    now[0] += builder.every - 0.1
    assert builder.sign_if_due() is None
    now[0] += 0.1
    assert builder.sign_if_due().tree_size == 6
    assert builder.sign_if_due(force=True) is None  # nothing new to sign
    assert [c.tree_size for c in integrity.store.checkpoints()] == [3, 6]


def test_a_rebuild_gives_the_same_tree_and_keeps_every_checkpoint(container, integrity):
    record_events(container, 2)
    root = built_and_signed(integrity)
    record_events(container, 1)
    assert integrity.rebuild() == 9
    assert integrity.store.latest_checkpoint().tree_size == 9
    assert integrity.store.checkpoints()[0].root_hash == root
    assert integrity.proofs.root(6).hex() == root


def test_no_checkpoint_is_signed_over_a_tree_that_disagrees_with_the_last_one(
    container, integrity
):
    record_events(container, 2)
    built_and_signed(integrity)
    EventTable(container).flip_byte(2)
    record_events(container, 1)
    builder = integrity.builder()
    integrity.store.reset()
    builder.catch_up()
    assert builder.sign_if_due(force=True) is None
    assert "no longer give the root signed" in (builder.diverged or "")
    assert integrity.store.latest_checkpoint().tree_size == 6


def test_proofs_from_the_stored_tree_verify_against_the_signed_root(container, integrity):
    record_events(container, 3)
    first_root = bytes.fromhex(built_and_signed(integrity))
    record_events(container, 2)
    root = bytes.fromhex(built_and_signed(integrity))
    for position in EventTable(container).positions():
        proof = integrity.proofs.inclusion(position)
        assert proof.tree_size == 15 and proof.root_hash == root
        assert merkle.verify_inclusion(proof.leaf_index, 15, merkle.leaf_hash(proof.leaf_input),
                                       proof.audit_path, root)
    consistency = integrity.proofs.consistency(9)
    assert consistency.second == 15
    assert merkle.verify_consistency(9, 15, first_root, root, consistency.proof)
    older = integrity.proofs.inclusion(2, tree_size=9)
    assert merkle.verify_inclusion(1, 9, older.leaf_hash, older.audit_path, first_root)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda proofs: proofs.inclusion(1, tree_size=7), "tree_size"),
        (lambda proofs: proofs.inclusion(1, tree_size=0), "tree_size"),
        (lambda proofs: proofs.inclusion(7), "position"),
        (lambda proofs: proofs.inclusion(0), "position"),
        (lambda proofs: proofs.consistency(3, 7), "second"),
        (lambda proofs: proofs.consistency(5, 4), "first"),
        (lambda proofs: proofs.consistency(0), "first"),
    ],
)
def test_sizes_beyond_the_latest_checkpoint_and_positions_outside_it_are_refused(
    container, integrity, call, field
):
    record_events(container, 2)
    built_and_signed(integrity)
    record_events(container, 1)
    integrity.builder().catch_up()  # in the tree, not yet signed
    with pytest.raises(InvalidTreeSize) as refused:
        call(integrity.proofs)
    assert refused.value.field == field


def test_a_rebuild_while_another_builder_runs_leaves_each_event_once(container):
    record_events(container, 4)
    running = container.integrity(every=0.0, batch=2)
    running.start()
    try:
        running.wait_for_checkpoint(12)
        container.integrity(batch=2).rebuild()
        record_events(container, 1)
        running.wait_for_position(running.head())
        leaves = running.store.leaves(0, 100)
        assert [position for _, position, _ in leaves] == EventTable(container).positions()
        assert running.store.state().frontier.root() == naive_root(container)
        assert running.verify().events == 15
    finally:
        running.stop()


def test_proofs_while_the_tree_is_rebuilt_say_it_is_unavailable_not_invalid(
    container, integrity
):
    record_events(container, 2)
    built_and_signed(integrity)
    integrity.store.reset()
    with pytest.raises(NodesMissing):
        integrity.proofs.inclusion(3)
    with pytest.raises(NodesMissing):
        integrity.proofs.consistency(2)
    integrity.builder().catch_up()
    assert integrity.proofs.inclusion(3).tree_size == 6
