"""SIGKILL the server under a stream of commands, three times: nothing acknowledged is lost."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from uuid import UUID

import httpx
import pytest

from adapters.bootstrap import build
from adapters.settings import Settings
from application.history import History
from tests.e2e.support import ServerProcess, service_env
from tests.support import registration

CYCLES = 3
COMMANDS_PER_CYCLE = 15


class Stream:
    """Sends e-mail changes one after another, each with its own key and correlation id."""

    def __init__(self, client: httpx.Client, profile_id: str) -> None:
        self.client = client
        self.path = f"/v1/profiles/{profile_id}/contact"
        self.sent = 0
        self.acked: dict[str, tuple[str, int, str]] = {}  # key → (correlation id, version, email)
        self.unanswered: list[int] = []
        self.refused: list[httpx.Response] = []
        self.enough = threading.Event()

    def send(self, n: int) -> httpx.Response:
        return self.client.patch(
            self.path,
            json={"email": f"stream{n}@example.com"},
            headers={"Idempotency-Key": f"cmd-{n}", "X-Correlation-ID": f"corr-{n}"},
        )

    def record(self, n: int, response: httpx.Response) -> None:
        if response.status_code != 200:
            self.refused.append(response)
            return
        self.acked[f"cmd-{n}"] = (f"corr-{n}", response.json()["version"], f"stream{n}@example.com")

    def run(self, target: int) -> None:
        while True:
            self.sent += 1
            n = self.sent
            try:
                response = self.send(n)
            except httpx.TransportError:  # the server died: this one may or may not be recorded
                self.unanswered.append(n)
                return
            self.record(n, response)
            if len(self.acked) >= target:
                self.enough.set()

    def retry_unanswered(self) -> None:
        for n in self.unanswered:
            self.record(n, self.send(n))
        self.unanswered.clear()


def tree_caught_up(database: Path) -> None:
    """Wait until the integrity tree of `serve` has every event (it lets events gather)."""
    container = build(Settings(database_url=f"sqlite:///{database}"))
    try:
        integrity = container.integrity()
        integrity.wait_for_position(integrity.head(), timeout=30)
    finally:
        container.close()


@pytest.mark.slow
def test_every_acknowledged_command_is_in_store_view_and_audit_once_after_sigkills(
    tmp_path: Path,
):
    database = tmp_path / "profiles.db"
    server = ServerProcess(service_env(database), tmp_path)
    server.start()
    token = server.stdout(1).strip().splitlines()[-1]
    client = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    try:
        profile_id = client.post("/v1/profiles", json=registration()).json()["profile_id"]
        stream = Stream(client, profile_id)
        for cycle in range(1, CYCLES + 1):
            stream.enough.clear()
            sender = threading.Thread(target=stream.run, args=(cycle * COMMANDS_PER_CYCLE,))
            sender.start()
            assert stream.enough.wait(timeout=30)
            server.kill()  # SIGKILL, with commands in flight
            sender.join(timeout=30)
            server.start()
            stream.retry_unanswered()  # same key: recorded once, whether or not it was before
        final = 1 + len(stream.acked)
        view = client.get(f"/v1/profiles/{profile_id}", params={"min_version": final}).json()
        plain_view = client.get(f"/v1/profiles/{profile_id}").json()
        tree_caught_up(database)
        ready = client.get("/readyz").json()
        audit = client.get(f"/v1/profiles/{profile_id}/audit", params={"limit": 1000}).json()
    finally:
        client.close()
        server.stop()

    last_email = max(stream.acked.values(), key=lambda acked: acked[1])[2]
    assert not stream.refused
    assert server.starts == CYCLES + 1
    # The view
    assert view["version"] == plain_view["version"] == final
    assert plain_view["email"] == last_email
    assert all(p["lag"] == 0 for p in ready["projections"])
    # The audit trail
    assert [e["version"] for e in audit["entries"]] == list(range(1, final + 1))
    correlations = Counter(e["correlation_id"] for e in audit["entries"])
    assert all(correlations[corr] == 1 for corr, _, _ in stream.acked.values())
    # The store
    container = build(Settings(database_url=f"sqlite:///{database}"))
    try:
        events = History(container.service).events(UUID(profile_id))
        verified = container.integrity().verify()  # the log agrees with its tree and checkpoints
    finally:
        container.close()
    assert verified.events == final and verified.checkpoints >= 1
    keys = Counter(e["idempotency_key"] for e in events)
    assert len(events) == final
    assert all(keys[key] == 1 for key in stream.acked)
    assert {e["version"]: e["idempotency_key"] for e in events if e["version"] > 1} == {
        version: key for key, (_, version, _) in stream.acked.items()
    }
