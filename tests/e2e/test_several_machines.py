"""Three `serve`, two `projections run` and two `relay run` on one PostgreSQL: writers spread
across the servers; the active runner and relay are SIGKILLed; a standby of each takes over
within 5 s, and views, audit trail and stream end complete, each event exactly once."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from adapters.bootstrap import Container, build
from adapters.security.tokens import SCOPES, TokenStore
from adapters.settings import Settings
from tests.e2e.process_support import Command, process_env, recorded_ids, wait_until
from tests.e2e.support import free_port
from tests.feed_support import Stream, messages, private_stream
from tests.support import TEST_VAULT_KEY, private_postgres_url, registration

pytestmark = pytest.mark.nats

TAKEOVER_SECONDS = 5  # events.md: the standby takes over within 5 s of the active one's death


@pytest.fixture
def database() -> Iterator[Settings]:
    with private_postgres_url() as url:
        yield Settings(database_url=url, vault_key=TEST_VAULT_KEY, argon2_time_cost=1,
                       argon2_memory_kib=1024)


@pytest.fixture
def stream() -> Iterator[Stream]:
    with private_stream() as made:
        yield made


class HttpWriter:
    """Registers a profile, then changes it until stopped, each command through the next server
    (whose cached profile is then stale); remembers the last version acknowledged."""

    def __init__(self, urls: list[str], token: str, first: int) -> None:
        self.clients = [
            httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            for url in urls
        ]
        self.first = first
        answer = self.clients[first].post("/v1/profiles", json=registration())
        assert answer.status_code == 201, answer.text
        self.profile_id = answer.json()["profile_id"]
        self.version = 1
        self.refused: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = self.first
        while not self._stop.is_set():
            n += 1
            client = self.clients[n % len(self.clients)]
            answer = client.put(f"/v1/profiles/{self.profile_id}/additional-info",
                                json={"job_title": f"Job {n}"})
            if answer.status_code == 200:
                self.version = answer.json()["version"]
            else:
                self.refused.append(answer.text)
            self._stop.wait(0.01)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        for client in self.clients:
            client.close()


def leader(commands: list[Command]) -> Command:
    wait_until(lambda: any(c.logged("leading") for c in commands), 60, "a leader")
    [active] = [c for c in commands if c.logged("leading")]
    return active


def took_over(standby: Command, killed_at: float) -> float:
    wait_until(lambda: bool(standby.logged("leading")), 60, f"{standby.name} to take over")
    at = datetime.fromisoformat(standby.logged("leading")[-1]["timestamp"].replace("Z", "+00:00"))
    return at.timestamp() - killed_at


def complete(container: Container) -> bool:
    read_side = container.read_side()
    feed = container.feed_status()
    return all(row["lag"] == 0 for row in read_side.status()) and feed is not None and (
        feed["lag"] == 0
    )


@pytest.mark.slow
@pytest.mark.postgres
def test_one_runner_and_one_relay_lead_standbys_take_over_and_nothing_is_lost_or_doubled(
    database: Settings, stream: Stream, tmp_path: Path
):
    container = build(database.model_copy(update=stream.settings))
    token = TokenStore(container.sql).create("machines", SCOPES)
    env = process_env(PROFILE_DATABASE_URL=database.database_url,
                      PROFILE_VAULT_KEY=TEST_VAULT_KEY, **stream.env)
    ports = [free_port() for _ in range(3)]
    servers = [Command(f"serve{n}", ["serve", "--workers", "1", "--port", str(port)], env,
                       tmp_path) for n, port in enumerate(ports)]
    runners = [Command(f"projections{n}", ["projections", "run"], env, tmp_path)
               for n in range(2)]
    relays = [Command(f"relay{n}", ["relay", "run"], env, tmp_path) for n in range(2)]
    everything = [*servers, *runners, *relays]
    writers: list[HttpWriter] = []
    try:
        for command in everything:
            command.start()
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        wait_until(lambda: all(_healthy(url) for url in urls), 60, "the servers")
        writers = [HttpWriter(urls, token, first) for first in range(len(urls))]
        for writer in writers:
            writer.start()
        runner, relay = leader(runners), leader(relays)
        [standby_runner] = [c for c in runners if c is not runner]
        [standby_relay] = [c for c in relays if c is not relay]
        assert standby_runner.logged("standing_by") and standby_relay.logged("standing_by")
        wait_until(lambda: _position(container) > 0, 60, "the relay to publish")
        runner_killed, relay_killed = runner.kill(), relay.kill()
        runner_takeover = took_over(standby_runner, runner_killed)
        relay_takeover = took_over(standby_relay, relay_killed)
        reached = _position(container)
        wait_until(lambda: _position(container) > reached, 60, "the new relay to publish")
        for writer in writers:
            writer.stop()
        wait_until(lambda: complete(container), 60, "views and stream to catch up")
        ready = httpx.get(urls[0] + "/readyz").json()
        read_side = container.read_side()
        views = {w.profile_id: read_side.profiles.get(UUID(w.profile_id)) for w in writers}
        entries = list(read_side.audit.iter_entries())
        recorded = recorded_ids(container)
    finally:
        for writer in writers:
            writer.stop()
        for command in everything:
            command.stop()
        container.close()

    assert runner_takeover < TAKEOVER_SECONDS and relay_takeover < TAKEOVER_SECONDS
    assert not [w.refused for w in writers if w.refused]
    assert {row["name"]: row["lag"] for row in ready["projections"]}["event_feed"] == 0
    # The views: each profile at the last version acknowledged
    assert {p: v["version"] for p, v in views.items() if v} == {
        w.profile_id: w.version for w in writers
    }
    # The audit trail: every event once
    assert sorted(f"{e['profile_id']}:{e['version']}" for e in entries) == recorded
    by_profile: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        by_profile[entry["profile_id"]].append(entry["version"])
    assert all(v == list(range(1, len(v) + 1)) for v in by_profile.values())
    # The stream: every event once, in version order per profile
    stored = messages(stream)
    ids = Counter(m.msg_id for m in stored)
    assert all(count == 1 for count in ids.values()), ids.most_common(3)
    assert set(ids) == {f"{e['profile_id']}:{e['version']}" for e in entries}
    order: dict[str, list[int]] = defaultdict(list)
    for message in stored:
        order[message.event["subject"]].append(message.event["data"]["version"])
    assert order == by_profile


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _position(container: Container) -> int:
    status: dict[str, Any] | None = container.feed_status()
    assert status is not None
    return int(status["position"])
