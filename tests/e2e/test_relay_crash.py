"""Commands stream in while `relay run` is SIGKILLed three times and restarted: the stream holds
every event exactly once (by message id), in version order per profile, on both stores."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bootstrap import Container, build
from adapters.settings import Settings
from tests.e2e.process_support import Command, process_env, recorded_ids, wait_until
from tests.feed_support import Stream, Writer, messages, private_stream
from tests.support import TEST_VAULT_KEY, private_postgres_url, store_settings

pytestmark = pytest.mark.nats

KILLS = 3
FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}


@pytest.fixture
def database(store: str, tmp_path: Path) -> Iterator[Settings]:
    """A store of this test's own: `relay run` follows its default audit trail."""
    if store == "postgres":
        with private_postgres_url() as url:
            yield Settings(database_url=url, vault_key=TEST_VAULT_KEY, **FAST)
    else:
        yield store_settings("sqlite", tmp_path)


@pytest.fixture
def stream() -> Iterator[Stream]:
    with private_stream() as made:
        yield made


def position(container: Container) -> int:
    status = container.feed_status()
    assert status is not None
    return int(status["position"])


def env_of(settings: Settings, stream: Stream) -> dict[str, str]:
    values = {"PROFILE_DATABASE_URL": settings.database_url, **stream.env}
    if settings.vault_key is not None:
        values["PROFILE_VAULT_KEY"] = settings.vault_key.get_secret_value()
    return process_env(**values)


@pytest.mark.slow
def test_the_stream_holds_every_event_once_in_order_after_three_sigkills_of_the_relay(
    database: Settings, stream: Stream, tmp_path: Path
):
    container = build(database.model_copy(update=stream.settings))
    read_side = container.read_side()
    read_side.start()
    relay = Command("relay", ["relay", "run"], env_of(database, stream), tmp_path)
    writer = Writer(container.service)
    try:
        writer.start()
        for _ in range(KILLS):
            reached = position(container)
            relay.start()
            wait_until(lambda r=reached: position(container) > r, 60, "the relay to publish")
            relay.kill()  # in the middle of the stream
        relay.start()
        writer.stop()
        head = read_side.head()
        read_side.wait_for_position(head, timeout=60)
        wait_until(lambda: position(container) >= head, 60, "the relay to catch up")
        assert relay.stop() == 0, relay.stderr()[-3000:]
        entries = list(read_side.audit.iter_entries())
        recorded = recorded_ids(container)
    finally:
        writer.stop()
        relay.stop()
        read_side.stop()
        container.close()

    stored = messages(stream)
    ids = Counter(m.msg_id for m in stored)
    assert relay.starts == KILLS + 1
    assert writer.sent > KILLS
    assert all(count == 1 for count in ids.values()), ids.most_common(3)
    assert sorted(ids) == sorted(f"{e['profile_id']}:{e['version']}" for e in entries) == recorded
    versions: dict[str, list[int]] = defaultdict(list)
    for message in stored:
        versions[message.event["subject"]].append(message.event["data"]["version"])
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values())
    assert [m.msg_id for m in stored] == [m.event["id"] for m in stored]
