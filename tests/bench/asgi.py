"""The real FastAPI app driven through its ASGI interface in-process: no socket, no server.

One request at a time on a uvloop loop (what `serve` runs), with the app's lifespan run
first, as a server would. Each request is the one wrk sends (tests/bench/http.py): link the
profile's X account to a new URL. What a server adds (sockets, HTTP parsing) is not here;
tests/bench/servers.py measures that as the server processes' own CPU time.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import threading
import time
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any
from uuid import UUID

import uvloop

from adapters.entrypoints.http import blocking

Message = dict[str, Any]
App = Callable[..., Any]


class Failed(RuntimeError):
    pass


def request_scope(profile_id: UUID, token: str, length: int, key: str | None) -> Message:
    headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode()),
               (b"content-type", b"application/json"), (b"x-actor", b"service:bench"),
               (b"content-length", str(length).encode())]
    if key is not None:
        headers.append((b"idempotency-key", key.encode()))
    path = f"/v1/profiles/{profile_id}/social/twitter"
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1", "method": "PUT", "scheme": "http", "path": path,
            "raw_path": path.encode(), "root_path": "", "query_string": b"",
            "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
            "state": {}}


async def one_request(app: App, scope: Message, body: bytes) -> int:
    answered = asyncio.Event()
    sent = False
    status = 0

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        elif message["type"] == "http.response.body" and not message.get("more_body"):
            answered.set()

    await app(scope, receive, send)
    return status


async def _lifespan(app: App, run: Callable[[], Any]) -> Any:
    """Start the app's lifespan, `await run()`, shut it down."""
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    outbox: asyncio.Queue[Message] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"},
                                    "state": {}}, inbox.get, outbox.put))
    if (await outbox.get())["type"] != "lifespan.startup.complete":
        raise Failed("the app's lifespan did not start")
    try:
        return await run()
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await task


def drive(app: App, profiles: Sequence[UUID], token: str, requests: int, tag: str,
          keyed: bool = False) -> None:
    """`requests` PUTs, one after the other; every answer must be a 200."""

    async def run() -> None:
        for n in range(requests):
            body = json.dumps({"url": f"https://x.com/{tag}n{n}"}).encode()
            key = f"{tag}-{n}" if keyed else None
            scope = request_scope(profiles[n % len(profiles)], token, len(body), key)
            if (status := await one_request(app, scope, body)) != 200:
                raise Failed(f"the app answered {status}")

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_lifespan(app, run))


class ThreadProfilers:
    """cProfile in this thread and in every thread started meanwhile (anyio's workers,
    where `def` endpoints and dependencies run): each thread has its own profiler, timed
    by the thread's CPU time (a wall clock would count a worker's idle wait, or a wait for
    the database's answer, as time spent)."""

    def __init__(self) -> None:
        self.profilers: list[cProfile.Profile] = []
        self.threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def _start_in_thread(self, frame: FrameType, event: str, arg: object) -> None:
        profiler = cProfile.Profile(time.thread_time)
        with self._lock:
            self.profilers.append(profiler)
            self.threads.append(threading.current_thread())
        profiler.enable()  # replaces this hook in this thread

    def __enter__(self) -> ThreadProfilers:
        blocking.shutdown()  # the endpoints' pool threads start again, each profiled
        threading.setprofile(self._start_in_thread)
        main = cProfile.Profile(time.thread_time)
        self.profilers.append(main)
        main.enable()
        return self

    def __exit__(self, *_: object) -> None:
        self.profilers[0].disable()
        threading.setprofile(None)
        blocking.shutdown()
        for thread in self.threads:  # the loop is closed: its worker threads end
            thread.join(timeout=5)
