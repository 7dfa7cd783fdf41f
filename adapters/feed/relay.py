"""The relay: publishes the feed to a broker in position order, recording its position only
after the acks; an outage (broker or store) is retried with backoff and logged once."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

import psycopg
from eventsourcing.persistence import PersistenceError

from adapters.feed.ports import Message, Publisher
from adapters.feed.positions import FeedPositions
from adapters.feed.source import Batch, FeedSource
from adapters.logging import get_logger

BATCH = 1000  # messages at most per batch
FIRST_RETRY, LAST_RETRY = 0.5, 30.0  # seconds between attempts during an outage
# Seconds between looks while the audit trail catches up: often for a second, then less so.
FIRST_POLL, LAST_POLL, EAGER_FOR = 0.005, 0.25, 1.0
STOP_GRACE = 2.0  # seconds a stopping relay may take to finish what it does, before it is cut
STORE_ERRORS = (PersistenceError, psycopg.Error, sqlite3.Error)

log = get_logger("profile_service.feed")


class Waker(Protocol):
    """Set when events may have been recorded (eventstore.subscription.Wakeup)."""

    event: threading.Event

    def wait(self) -> bool: ...

    def clear(self) -> None: ...

    def close(self) -> None: ...


@dataclass
class Progress:
    """What the relay has done, to wait on: its position, messages acknowledged, outages."""

    position: int = 0
    published: int = 0
    attempts: int = 0  # connections tried
    outages: int = 0  # outages begun (each logged once)
    outage: str | None = None  # "broker" or "store" while one lasts
    on_acked: list[Callable[[list[Message], float], None]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def update(self, **values: object) -> None:
        with self.changed:
            for name, value in values.items():
                setattr(self, name, value)
            self.changed.notify_all()

    def wait(self, done: Callable[[Progress], bool], timeout: float) -> bool:
        """Wait until `done(progress)` holds (False after `timeout` seconds)."""
        with self.changed:
            return self.changed.wait_for(lambda: done(self), timeout)


class Relay:
    """Follows `source`, publishing batch after batch on a connection from `connect()` (a new
    one after each outage)."""

    def __init__(
        self,
        source: FeedSource,
        positions: FeedPositions,
        stream: str,
        connect: Callable[[], Awaitable[Publisher]],
        *,
        server: str = "",
        batch: int = BATCH,
    ) -> None:
        self.source = source
        self.positions = positions
        self.stream = stream
        self.connect = connect
        self.server = server
        self.batch = batch
        self.progress = Progress()
        self._down_since: float | None = None

    async def run(self, stop: asyncio.Event, wakeup: Waker) -> None:
        """Publish until `stop` is set; `wakeup` says when events may have been recorded."""
        delay = FIRST_RETRY
        while not stop.is_set():
            publisher: Publisher | None = None
            self.progress.update(attempts=self.progress.attempts + 1)
            try:
                publisher = await self.connect()
                await self._resume(publisher)
                self._recovered()
                delay = FIRST_RETRY
                await self._pump(publisher, stop, wakeup)
            except Exception as error:  # an outage: say so once, then try again later
                self._outage(error)
                await _wait(stop, delay)
                delay = min(delay * 2, LAST_RETRY)
            finally:
                if publisher is not None:
                    await publisher.close()

    async def _resume(self, publisher: Publisher) -> None:
        """Start after the recorded position, or after the stream's last message when it is one
        of this store's further on (acknowledged just before a crash, never recorded)."""
        position = await asyncio.to_thread(self.positions.get, self.stream)
        last = await publisher.last()
        if last is not None and last.position > position and (
            await asyncio.to_thread(self.source.id_at, last.position) == last.id
        ):
            position = last.position
            await asyncio.to_thread(self.positions.save, self.stream, position)
        self.progress.update(position=position)

    async def _pump(self, publisher: Publisher, stop: asyncio.Event, wakeup: Waker) -> None:
        poll, behind_since = FIRST_POLL, 0.0
        ahead: asyncio.Task[Batch] | None = None  # the next batch, read while acks come in
        try:
            while not stop.is_set():
                position = self.progress.position
                if ahead is None:
                    wakeup.clear()
                    batch = await asyncio.to_thread(self.source.batch, position, self.batch)
                else:
                    batch, ahead = await ahead, None
                if len(batch.messages) == self.batch:  # a backlog: read on meanwhile
                    ahead = asyncio.create_task(
                        asyncio.to_thread(self.source.batch, batch.upto, self.batch)
                    )
                if batch.messages:
                    await publisher.publish(batch.messages)
                    acked = time.perf_counter()
                    for listener in self.progress.on_acked:
                        listener(batch.messages, acked)
                if batch.upto > position:
                    await asyncio.to_thread(self.positions.save, self.stream, batch.upto)
                    published = self.progress.published + len(batch.messages)
                    self.progress.update(position=batch.upto, published=published)
                    poll, behind_since = FIRST_POLL, 0.0
                    continue
                if await asyncio.to_thread(self.source.head) > position:  # the audit is behind
                    now = time.monotonic()
                    behind_since = behind_since or now
                    await _wait(stop, poll)
                    if now - behind_since > EAGER_FOR:
                        poll = min(poll * 2, LAST_POLL)
                else:
                    await asyncio.to_thread(wakeup.wait)
        finally:
            if ahead is not None:
                ahead.cancel()

    def _outage(self, error: Exception) -> None:
        kind = "store" if isinstance(error, STORE_ERRORS) else "broker"
        if self._down_since is None:
            self._down_since = time.monotonic()
            self.progress.update(outage=kind, outages=self.progress.outages + 1)
            log.warning("event_feed_outage", cause=kind, error=type(error).__name__,
                        server=self.server, stream=self.stream)

    def _recovered(self) -> None:
        if self._down_since is not None:
            log.info("event_feed_recovered", cause=self.progress.outage, server=self.server,
                     stream=self.stream, seconds=round(time.monotonic() - self._down_since, 1))
            self._down_since = None
            self.progress.update(outage=None)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


class RelayThread:
    """The relay in a thread of its own with its own event loop: `start()`, `stop()`."""

    def __init__(self, relay: Relay, wakeup: Callable[[], Waker]) -> None:
        self.relay = relay
        self._make_wakeup = wakeup
        self._running: tuple[threading.Thread, Waker] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = threading.Event()

    def start(self) -> None:
        if self._running is not None:
            return
        self._ready.clear()
        wakeup = self._make_wakeup()
        thread = threading.Thread(
            target=self._run, args=(wakeup,), name="event-feed-relay", daemon=True
        )
        self._running = (thread, wakeup)
        thread.start()
        self._ready.wait()

    def stop(self) -> None:
        if self._running is None:
            return
        (thread, wakeup), self._running = self._running, None
        loop, stop, task = self._loop, self._stop, self._task
        if loop is not None and stop is not None and task is not None:
            loop.call_soon_threadsafe(stop.set)
            wakeup.event.set()
            thread.join(STOP_GRACE)
            if thread.is_alive():  # in the middle of connecting or of a batch: cut it short
                loop.call_soon_threadsafe(task.cancel)
        thread.join()
        wakeup.close()

    def _run(self, wakeup: Waker) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            self._task = asyncio.current_task()
            self._ready.set()
            await self.relay.run(self._stop, wakeup)

        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            pass  # stopped in the middle of something: the position recorded is still right
        finally:
            self._loop = self._stop = self._task = None
            self._ready.set()
