"""Event-feed test helpers: the NATS server (required under CI=true), streams of a test's own,
reading a stream back, a private NATS server to stop and start (outages), a command stream."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import nats
import pytest
from nats.js.errors import NotFoundError

from application.service import ProfileService
from tests.support import ctx, registration

NATS_URL = os.environ.get("PROFILE_TEST_NATS_URL", "nats://127.0.0.1:4222")
NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"


def nats_available(url: str = NATS_URL) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 4222), 2):
            return True
    except OSError:
        return False


def require_nats() -> None:
    """Skip without NATS, except under CI=true where its absence is a failure."""
    if nats_available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"NATS is required under CI=true but {NATS_URL} is unreachable")
    pytest.skip("NATS is not reachable")


@dataclass(frozen=True)
class Stream:
    """A JetStream stream of one test's own: its name and its subjects' prefix."""

    url: str
    name: str
    prefix: str

    @property
    def env(self) -> dict[str, str]:
        return {"PROFILE_NATS_URL": self.url, "PROFILE_NATS_STREAM": self.name,
                "PROFILE_NATS_SUBJECT_PREFIX": self.prefix}

    @property
    def settings(self) -> dict[str, str]:
        return {"nats_url": self.url, "nats_stream": self.name, "nats_subject_prefix": self.prefix}


@dataclass(frozen=True)
class Stored:
    """A message as the stream holds it."""

    seq: int
    subject: str
    msg_id: str
    event: dict[str, Any]


def new_stream(url: str = NATS_URL) -> Stream:
    tag = uuid4().hex[:12]
    return Stream(url, f"TEST_{tag}", f"test{tag}.events")


@contextmanager
def private_stream(url: str = NATS_URL) -> Iterator[Stream]:
    """A stream name and subjects no other test uses; the stream is deleted afterwards."""
    require_nats()
    stream = new_stream(url)
    try:
        yield stream
    finally:
        asyncio.run(_delete(stream))


async def _delete(stream: Stream) -> None:
    client = await nats.connect(stream.url, connect_timeout=2, allow_reconnect=False)
    try:
        await client.jetstream().delete_stream(stream.name)
    except NotFoundError:
        pass
    finally:
        await client.close()


async def _read(stream: Stream) -> list[Stored]:
    client = await nats.connect(stream.url, connect_timeout=2, allow_reconnect=False)
    try:
        js = client.jetstream()
        try:
            info = await js.stream_info(stream.name)
        except NotFoundError:
            return []
        stored = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            message = await js.get_msg(stream.name, seq)
            headers = message.headers or {}
            stored.append(Stored(seq, str(message.subject), str(headers.get("Nats-Msg-Id")),
                                 json.loads(message.data or b"{}")))
        return stored
    finally:
        await client.close()


def messages(stream: Stream) -> list[Stored]:
    """Every message of the stream, in its order."""
    return asyncio.run(_read(stream))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateNats:
    """A NATS server with JetStream of a test's own, on a free port: stopped and started at will
    (its stored messages survive a restart)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.store = Path(tempfile.mkdtemp(prefix="nats-test-"))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [NATS_SERVER, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(self.store)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not nats_available(self.url):  # the server's own start
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("nats-server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.store, ignore_errors=True)


@contextmanager
def private_nats(started: bool = True) -> Iterator[PrivateNats]:
    if not os.access(NATS_SERVER, os.X_OK):
        if os.environ.get("CI") == "true":
            pytest.fail(f"nats-server is required under CI=true but {NATS_SERVER} is missing")
        pytest.skip("nats-server is not installed")
    server = PrivateNats()
    try:
        if started:
            server.start()
        yield server
    finally:
        server.close()


class Writer:
    """Streams commands in a thread, round the profiles, until stopped: every one acknowledged."""

    def __init__(self, service: ProfileService, profiles: int = 4) -> None:
        self.service = service
        self.profiles = [UUID(service.register(registration(), ctx()).profile_id)
                         for _ in range(profiles)]
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Writer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            profile_id = self.profiles[self.sent % len(self.profiles)]
            job = f"Job {self.sent}"
            self.service.change_additional_info(profile_id, {"job_title": job}, ctx())
            self.sent += 1
            self._stop.wait(0.003)  # a steady stream, not a flood: the stream stays small
