"""The relay: every audit entry once in the stream as its CloudEvent, in order, after restarts
and outages; its position recorded after the acks (both stores, a stream of each test's own)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from uuid import UUID, uuid4

import pytest

from adapters.bootstrap import Container, build
from adapters.feed.cloudevent import encode
from adapters.feed.relay import RelayThread
from adapters.logging import configure_logging
from adapters.readside.model import ReadSide
from tests.feed_support import Stream, Writer, messages, private_nats, private_stream
from tests.integration.readside_support import private_readside
from tests.support import UUID_TEXT, FakeClock, ctx, registration, store_settings

pytestmark = pytest.mark.nats

CARD = {
    "holder_name": "Marie Tremblay",
    "number": "4111 1111 1111 1111",
    "exp_month": 12,
    "exp_year": 2031,
}


@pytest.fixture
def stream() -> Iterator[Stream]:
    with private_stream() as made:
        yield made


def built(store: str, tmp_path, stream: Stream) -> Container:
    return build(store_settings(store, tmp_path, **stream.settings), clock=FakeClock())


@pytest.fixture
def feed(store, tmp_path, stream) -> Iterator[tuple[Container, ReadSide]]:
    container = built(store, tmp_path, stream)
    try:
        with private_readside(container) as read_side:
            yield container, read_side
    finally:
        container.close()


def history(container: Container) -> UUID:
    """A profile with a few changes, one of them a card (masked in the audit trail)."""
    service = container.service
    profile_id = UUID(service.register(registration(), ctx()).profile_id)
    service.change_contact(profile_id, {"phone": "+1 514 555 0199"}, ctx("support:luc"))
    service.register_card(profile_id, CARD, ctx())
    return profile_id


def caught_up(relay: RelayThread, read_side: ReadSide) -> None:
    head = read_side.head()
    read_side.wait_for_position(head, timeout=20)
    assert relay.relay.progress.wait(lambda p: p.position >= head, timeout=20)


def of_profile(stream: Stream, profile_id: UUID) -> list:
    return [m for m in messages(stream) if m.event["subject"] == str(profile_id)]


def test_every_audit_entry_is_published_once_as_its_cloudevent_in_order(feed, stream):
    container, read_side = feed
    relay = container.relay(read_side)
    relay.start()
    try:
        profile_id = history(container)
        caught_up(relay, read_side)
    finally:
        relay.stop()
    entries = read_side.audit.entries(profile_id=profile_id)
    stored = of_profile(stream, profile_id)
    assert [m.msg_id for m in stored] == [f"{profile_id}:{v}" for v in (1, 2, 3)]
    assert [m.subject for m in stored] == [
        f"{stream.prefix}.{name}"
        for name in ("ProfileRegistered", "ContactChanged", "CardRegistered")
    ]
    assert [m.event for m in stored] == [json.loads(encode(e)) for e in entries]
    published = UUID_TEXT.sub("", str([m.event for m in stored]))
    assert "4111" not in published and "visa 1111" in published
    assert [m.event["data"]["changes"] for m in stored] == [e["changes"] for e in entries]
    status = container.feed_status()
    assert status is not None and status["position"] >= entries[-1]["position"]


def test_a_restarted_relay_whose_position_was_lost_after_the_acks_publishes_nothing_twice(
    feed, stream
):
    container, read_side = feed
    relay = container.relay(read_side)
    relay.start()
    first = history(container)
    caught_up(relay, read_side)
    relay.stop()
    positions = container.feed_positions()
    positions._sql.execute(  # as if it died after the acks, before recording its position
        f"DELETE FROM {positions.table} WHERE stream = ?", (stream.name,)
    )
    assert positions.get(stream.name) == 0
    container.service.change_contact(
        first, {"email": f"after.{uuid4().hex[:8]}@example.com"}, ctx()
    )
    again = container.relay(read_side)
    again.start()
    try:
        caught_up(again, read_side)
    finally:
        again.stop()
    ids = [m.msg_id for m in of_profile(stream, first)]
    assert ids == [f"{first}:{v}" for v in (1, 2, 3, 4)]


def test_a_nats_outage_is_logged_once_retried_and_caught_up_while_commands_go_on(
    store, tmp_path, caplog
):
    configure_logging("json")
    caplog.set_level(logging.INFO, logger="profile_service.feed")
    with private_nats(started=False) as server:
        stream = Stream(server.url, "PROFILES", "profiles.events")
        container = built(store, tmp_path, stream)
        try:
            with private_readside(container) as read_side:
                relay = container.relay(read_side)
                relay.start()
                try:
                    progress = relay.relay.progress
                    assert progress.wait(lambda p: p.attempts >= 3, timeout=20)
                    profile_id = history(container)  # commands go on meanwhile
                    assert progress.outage == "broker" and progress.outages == 1
                    server.start()
                    caught_up(relay, read_side)
                finally:
                    relay.stop()
        finally:
            container.close()
        stored = of_profile(stream, profile_id)
    assert [m.msg_id for m in stored] == [f"{profile_id}:{v}" for v in (1, 2, 3)]
    said = [r.msg["event"] for r in caplog.records if r.name == "profile_service.feed"]
    assert said == ["event_feed_outage", "event_feed_recovered"]


def test_nats_killed_in_mid_stream_and_back_leaves_every_event_once_in_order(store, tmp_path):
    with private_nats() as server:
        stream = Stream(server.url, "PROFILES", "profiles.events")
        container = built(store, tmp_path, stream)
        try:
            with private_readside(container) as read_side:
                relay = container.relay(read_side)
                relay.start()
                try:
                    progress = relay.relay.progress
                    writer = Writer(container.service).start()
                    assert progress.wait(lambda p: p.published >= 20, timeout=30)
                    server.stop()  # SIGKILL, with messages in flight
                    assert progress.wait(lambda p: p.outage == "broker", timeout=30)
                    server.start()
                    writer.stop()
                    caught_up(relay, read_side)
                finally:
                    writer.stop()
                    relay.stop()
                entries = [
                    e
                    for e in read_side.audit.entries(limit=100_000)
                    if UUID(e["profile_id"]) in writer.profiles
                ]
        finally:
            container.close()
        stored = [m for m in messages(stream) if UUID(m.event["subject"]) in writer.profiles]
    assert [m.msg_id for m in stored] == [f"{e['profile_id']}:{e['version']}" for e in entries]
    assert progress.outages == 1 and writer.sent > 20
