"""Verification catches every edit of the stored events, each made directly in the store on
both stores, and names the first position at fault; an untouched store passes."""

from __future__ import annotations

import json
import threading

import pytest

from adapters.integrity.signing import checkpoint_file
from adapters.integrity.verify import PAGE, VerificationFailed
from tests.integration.integrity_support import (
    EventTable,
    built_and_signed,
    own_store,
    record_events,
)
from tests.support import ctx


@pytest.fixture
def container(store, tmp_path):
    with own_store(store, tmp_path) as built:
        yield built


@pytest.fixture
def signed(container):
    """Eighteen events, checkpoints at 9 and at 18 (positions 1 to 18), and the tree."""
    integrity = container.integrity()
    record_events(container, 3)
    built_and_signed(integrity)
    record_events(container, 3)
    built_and_signed(integrity)
    assert EventTable(container).positions() == list(range(1, 19))
    return integrity


def failure(integrity, **kwargs) -> VerificationFailed:
    with pytest.raises(VerificationFailed) as failed:
        integrity.verify(**kwargs)
    return failed.value


def test_an_untouched_store_passes_with_every_checkpoint(signed):
    report = signed.verify()
    assert (report.events, report.checkpoints, report.first_position, report.last_position) == (
        18, 2, 1, 18)
    assert report.root_hash == signed.store.latest_checkpoint().root_hash
    assert report.summary().startswith("Verified 18 events (positions 1 to 18) and 2 checkpoints")


def test_a_flipped_byte_in_one_events_state_is_found_at_its_position(container, signed):
    EventTable(container).flip_byte(5)
    assert failure(signed).position == 5


@pytest.mark.parametrize("column", ["originator_id", "originator_version", "topic"])
def test_an_edited_profile_id_version_or_topic_is_found_at_its_position(
    container, signed, column
):
    EventTable(container).edit(8, column)
    failed = failure(signed)
    assert failed.position == 8 and "differs from the one recorded" in failed.reason


def test_a_removed_event_is_found_at_its_position(container, signed):
    EventTable(container).remove(7)
    failed = failure(signed)
    assert failed.position == 7 and "missing" in failed.reason


def test_an_inserted_event_is_found_at_its_position(container, signed):
    EventTable(container).insert_at(4)
    assert failure(signed).position == 4


def test_two_swapped_events_are_found_at_the_first(container, signed):
    EventTable(container).swap(3, 11)
    assert failure(signed).position == 3


def test_a_log_cut_short_after_a_checkpoint_is_found_at_the_first_missing_position(
    container, signed
):
    EventTable(container).cut_after(15)
    signed.store.reset()
    signed.builder().catch_up()  # even the tree rebuilt to match: the checkpoint remembers
    failed = failure(signed)
    assert failed.position == 16 and "covers 18" in failed.reason


def test_a_forged_checkpoint_signature_is_found(container, signed):
    latest = signed.store.latest_checkpoint()
    forged = latest.signature[:10] + ("A" if latest.signature[10] != "A" else "B") + \
        latest.signature[11:]
    container.sql.execute(f"UPDATE {signed.store.checkpoints_table} SET signature = ? "
                          "WHERE tree_size = ?", (forged, 18))
    failed = failure(signed)
    assert failed.position == 18 and "signature does not verify" in failed.reason


def test_an_edit_hidden_by_rebuilding_the_tree_is_still_caught_by_the_checkpoint(
    container, signed
):
    EventTable(container).flip_byte(12)
    signed.store.reset()
    signed.builder().catch_up()
    failed = failure(signed)
    assert failed.position == 10 and "between positions 10 and 18" in failed.reason


def test_a_checkpoint_kept_by_the_auditor_catches_a_log_and_checkpoints_cut_together(
    container, signed
):
    kept = checkpoint_file(json.dumps(signed.store.latest_checkpoint().as_json()))
    EventTable(container).cut_after(12)
    container.sql.execute(f"DELETE FROM {signed.store.checkpoints_table} WHERE tree_size > 9")
    signed.store.reset()
    signed.builder().catch_up()
    assert signed.verify().events == 12  # the store alone looks consistent
    failed = failure(signed, checkpoint=kept)
    assert failed.position == 13 and "covers 18" in failed.reason


def test_events_recorded_after_the_last_checkpoint_are_verified_too(container, signed):
    record_events(container, 1)
    signed.builder().catch_up()
    assert signed.verify().events == 21
    EventTable(container).flip_byte(20)
    assert failure(signed).position == 20


def test_verification_reads_the_log_a_page_at_a_time(signed, monkeypatch):
    pages = []
    select = signed.store.log_page

    def counted(events_table, after, stop, limit):
        found = select(events_table, after, stop, limit)
        pages.append((limit, len(found)))
        return found

    monkeypatch.setattr("adapters.integrity.verify.PAGE", 5)
    monkeypatch.setattr(signed.store, "log_page", counted)
    assert signed.verify().events == 18
    assert pages == [(5, 5), (5, 5), (5, 5), (5, 3)] and PAGE > 1000


def test_verification_passes_while_events_are_recorded_and_signed_meanwhile(container):
    integrity = container.integrity(every=0.0, batch=5)
    record_events(container, 2)
    integrity.start()
    writer = threading.Thread(target=record_events, args=(container, 6))
    try:
        integrity.wait_for_checkpoint(6)
        writer.start()
        reports = [integrity.verify() for _ in range(3)]
        writer.join()
        integrity.wait_for_checkpoint(24)
        reports.append(integrity.verify())
    finally:
        integrity.stop()
    assert [r.events for r in reports] == sorted(r.events for r in reports)
    assert reports[-1].events == 24 and reports[-1].checkpoints >= 2


def test_events_cut_after_the_tree_recorded_them_but_before_any_checkpoint_are_found(
    container, signed
):
    record_events(container, 1)
    signed.builder().catch_up()  # in the tree, not signed
    EventTable(container).cut_after(19)
    failed = failure(signed)
    assert failed.position == 20 and "missing from the log" in failed.reason


def test_a_store_with_an_erased_profile_still_verifies(container, signed):
    profile_id = record_events(container, 1)[0]
    built_and_signed(signed)
    container.service.erase(profile_id, "customer_request", ctx())  # destroys its data key
    built_and_signed(signed)
    report = signed.verify()
    assert report.events == EventTable(container).positions()[-1]
    assert report.checkpoints >= 4
