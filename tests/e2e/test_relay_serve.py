"""`serve` on the embedded default publishes the feed itself when PROFILE_NATS_URL is set; its
lag shows in /readyz and `projections status`; NATS down leaves the commands alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.process_support import wait_until
from tests.e2e.support import ServerProcess, cli, service_env
from tests.feed_support import Stream, free_port, messages, private_stream, require_nats
from tests.support import registration

pytestmark = pytest.mark.nats


@pytest.fixture
def stream() -> Iterator[Stream]:
    with private_stream() as made:
        yield made


def feed_row(server: ServerProcess) -> dict:
    ready = httpx.get(server.url + "/readyz", timeout=10).json()
    [row] = [row for row in ready["projections"] if row["name"] == "event_feed"]
    return dict(row)


@pytest.mark.slow
def test_serve_publishes_every_change_and_shows_the_relays_lag(tmp_path: Path, stream: Stream):
    env = service_env(tmp_path / "profiles.db", **stream.env)
    server = ServerProcess(env, tmp_path)
    server.start()
    token = server.stdout(1).strip().splitlines()[-1]
    try:
        with httpx.Client(base_url=server.url, timeout=10,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            profile_id = client.post("/v1/profiles", json=registration()).json()["profile_id"]
            changed = client.patch(f"/v1/profiles/{profile_id}/contact",
                                   json={"email": "marie.t@example.com"})
            assert changed.status_code == 200
        wait_until(lambda: feed_row(server)["lag"] == 0, 30, "the relay to catch up")
        status = cli("projections", "status", "--format", "json", env=env)
    finally:
        server.stop()
    assert [m.msg_id for m in messages(stream)] == [f"{profile_id}:1", f"{profile_id}:2"]
    rows = {row["name"]: row for row in json.loads(status.stdout)}
    assert rows["event_feed"]["lag"] == 0 and rows["event_feed"]["position"] == 2
    assert [line["relay_in_process"] for line in server.log_lines()
            if line.get("event") == "starting"] == [True]


@pytest.mark.slow
def test_with_nats_unreachable_commands_are_answered_and_the_outage_is_logged_once(
    tmp_path: Path,
):
    require_nats()
    url = f"nats://relay:s3cret-nats@127.0.0.1:{free_port()}"  # nobody listens there
    server = ServerProcess(service_env(tmp_path / "profiles.db", PROFILE_NATS_URL=url), tmp_path)
    server.start()
    token = server.stdout(1).strip().splitlines()[-1]
    try:
        with httpx.Client(base_url=server.url, timeout=10,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            registered = client.post("/v1/profiles", json=registration())
            assert registered.status_code == 201
            profile_id = registered.json()["profile_id"]
            for n in range(5):
                answer = client.patch(f"/v1/profiles/{profile_id}/contact",
                                      json={"email": f"marie.{n}@example.com"})
                assert answer.status_code == 200
        wait_until(lambda: any(line.get("event") == "event_feed_outage"
                               for line in server.log_lines()), 30, "the outage to be logged")
        ready = httpx.get(server.url + "/readyz", timeout=10)
        row = feed_row(server)
    finally:
        server.stop()
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert row["lag"] == row["head"] == 6
    outages = [line for line in server.log_lines() if line.get("event") == "event_feed_outage"]
    assert len(outages) == 1 and outages[0]["cause"] == "broker"
    assert "s3cret-nats" not in server.stderr() and "relay:" not in json.dumps(outages)


def test_relay_run_without_a_nats_server_stops_with_one_line(tmp_path: Path):
    done = cli("relay", "run", env=service_env(tmp_path / "profiles.db"))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "profile-service: PROFILE_NATS_URL is not set: name the NATS server, "
        "e.g. nats://127.0.0.1:4222"
    ]
