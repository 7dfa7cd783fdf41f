"""The relay to NATS JetStream: events/s beside raw nats-py publishing the same messages, the
command path's rate, and the latency from a command's answer to its message in the stream."""

from __future__ import annotations

import asyncio
import os
import statistics
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from uuid import UUID, uuid4

import nats
from nats.js.errors import NotFoundError
from pydantic import SecretStr

from adapters.bootstrap import Container, build
from adapters.feed.ports import Message
from adapters.feed.relay import BATCH
from tests.bench import commands
from tests.bench.stores import BenchStore
from tests.integration.readside_support import many_events

NATS_URL = os.environ.get("PROFILE_BENCH_NATS_URL", "nats://127.0.0.1:4222")
EVENTS_PER_PROFILE = 1000


@dataclass(frozen=True)
class FeedFigures:
    events: int
    relay_per_second: float
    raw_per_second: float
    commands_per_second: float
    p50_ms: float
    p99_ms: float
    latencies: int


def nats_reachable() -> bool:
    from tests.feed_support import nats_available

    return nats_available(NATS_URL)


@contextmanager
def bench_streams(count: int) -> Iterator[list[tuple[str, str]]]:
    """Streams of the benchmark's own (name, subject prefix), deleted afterwards."""
    made = [(f"BENCH_{uuid4().hex[:10]}", f"bench{uuid4().hex[:10]}.events")
            for _ in range(count)]
    try:
        yield made
    finally:
        asyncio.run(_delete([name for name, _ in made]))


async def _delete(names: list[str]) -> None:
    client = await nats.connect(NATS_URL, connect_timeout=2, allow_reconnect=False)
    js = client.jetstream()
    for name in names:
        with suppress(NotFoundError):
            await js.delete_stream(name)
    await client.close()


async def _raw(messages: Sequence[Message], stream: str, prefix: str) -> float:
    """nats-py alone: the same messages, headers and batches, each batch's acks awaited."""
    client = await nats.connect(NATS_URL, connect_timeout=2, allow_reconnect=False)
    js = client.jetstream(publish_async_max_pending=4000)
    await js.add_stream(name=stream, subjects=[f"{prefix}.>"])
    start = time.perf_counter()
    for first in range(0, len(messages), BATCH):
        acks = [await js.publish_async(f"{prefix}.{m.name}", m.body, stream=stream,
                                       headers={"Nats-Msg-Id": m.id})
                for m in messages[first:first + BATCH]]
        await asyncio.gather(*acks)
    elapsed = time.perf_counter() - start
    await client.close()
    return len(messages) / elapsed


def _settings(store: BenchStore, stream: str, prefix: str) -> Container:
    return build(store.settings.model_copy(update={
        "nats_url": SecretStr(NATS_URL), "nats_stream": stream, "nats_subject_prefix": prefix}))


def throughput(store: BenchStore, profiles: int) -> tuple[int, float, float]:
    """(events, relay events/s, raw nats-py events/s) over a backlog of events."""
    with bench_streams(2) as ((relay_stream, relay_prefix), (raw_stream, raw_prefix)):
        container = _settings(store, relay_stream, relay_prefix)
        try:
            for _ in range(profiles):
                many_events(container, EVENTS_PER_PROFILE - 1)
            read_side = container.read_side()
            read_side.rebuild("audit_trail")
            head = read_side.head()
            feed = container.feed(read_side)
            messages, position = [], 0
            while position < head:
                batch = feed.batch(position, BATCH)
                messages += batch.messages
                position = batch.upto
            raw = asyncio.run(_raw(messages, raw_stream, raw_prefix))
            relay = container.relay(read_side)
            start = time.perf_counter()
            relay.start()
            done = relay.relay.progress.wait(lambda p: p.position >= head, timeout=600)
            elapsed = time.perf_counter() - start
            relay.stop()
            if not done:
                raise RuntimeError("the relay did not catch up")
        finally:
            container.close()
    return len(messages), len(messages) / elapsed, raw


def latency(store: BenchStore, seconds: float, rate: float = 200.0) -> tuple[list[float], float]:
    """Commands at a steady `rate` with the views and the relay running in this process:
    (ms from each command's answer to JetStream's ack of its message, commands/s flat out)."""
    with bench_streams(1) as ((stream, prefix),):
        container = _settings(store, stream, prefix)
        try:
            service = container.service
            ids = commands.register_profiles(service, 20)
            flat_out, next_round = commands.app_commands_per_second(service, ids, seconds / 2)
            read_side = container.read_side()
            read_side.start()
            read_side.wait_for_position(read_side.head(), timeout=120)
            relay = container.relay(read_side)
            answered: dict[str, float] = {}
            acked: dict[str, float] = {}
            lock = threading.Lock()

            def on_acked(batch: list[Message], at: float) -> None:
                with lock:
                    acked.update((m.id, at) for m in batch)

            relay.relay.progress.on_acked.append(on_acked)
            relay.start()
            relay.relay.progress.wait(lambda p: p.position >= read_side.head(), timeout=120)
            pace, deadline = 1 / rate, time.perf_counter() + seconds
            n = next_round
            while time.perf_counter() < deadline:
                profile_id: UUID = ids[n % len(ids)]
                result = commands.command_for_round(n // len(ids))(
                    service, profile_id, commands.bench_ctx())
                with lock:
                    answered[f"{result.profile_id}:{result.version}"] = time.perf_counter()
                n += 1
                time.sleep(max(0.0, pace - (time.perf_counter() % pace)))
            head = read_side.head()
            relay.relay.progress.wait(lambda p: p.position >= head, timeout=120)
            relay.stop()
            read_side.stop()
        finally:
            container.close()
    return [(acked[key] - at) * 1000 for key, at in answered.items() if key in acked], flat_out


def feed_figures(store: BenchStore, seconds: float, profiles: int = 20) -> FeedFigures:
    events, relay, raw = throughput(store, profiles)
    latencies, flat_out = latency(store, seconds)
    cuts = statistics.quantiles(latencies, n=100)
    return FeedFigures(events, relay, raw, flat_out, cuts[49], cuts[98], len(latencies))
