"""The tamper-evident log: the tree catching up beside raw SHA-256 over the same bytes, proof
latency at 100,000 leaves beside one indexed read, `audit verify` beside reading the log, and
commands per second with the tree builder following them or not."""

from __future__ import annotations

import hashlib
import random
import statistics
import time
from collections.abc import Callable, Iterator
from uuid import UUID

from rich.console import Console

from adapters.bootstrap import Container, build
from adapters.integrity.model import Integrity
from tests.bench import commands
from tests.bench.loading import grow_history
from tests.bench.report import Figure
from tests.bench.stores import BenchStore

console = Console(stderr=True)
LEAVES = 100_000
PER_PROFILE = 10_000
PROOFS = 500
PAGE = 5000


def fill(container: Container, events: int) -> None:
    """Profiles with long, varied histories (snapshots as configured), `events` in all."""
    service = container.service
    profiles = commands.register_profiles(service, -(-events // PER_PROFILE))
    remaining = events - len(profiles)
    for profile_id in profiles:
        share = min(PER_PROFILE - 1, remaining)
        grow_history(service, profile_id, 1 + share)
        remaining -= share


def raw_sha256_per_second(container: Container) -> tuple[float, int]:
    """SHA-256 over every stored state, read beforehand (no database, no formatting)."""
    recorder, position, states = container.service.recorder, 0, []
    while page := recorder.select_notifications(start=position, limit=PAGE,
                                                inclusive_of_start=False):
        states += [n.state for n in page]
        position = page[-1].id
    sha256 = hashlib.sha256
    start = time.perf_counter()
    for state in states:
        sha256(state).digest()
    return len(states) / (time.perf_counter() - start), len(states)


def read_log_per_second(container: Container) -> float:
    recorder, position, count = container.service.recorder, 0, 0
    start = time.perf_counter()
    while page := recorder.select_notifications(start=position, limit=PAGE,
                                                inclusive_of_start=False):
        count += len(page)
        position = page[-1].id
    return count / (time.perf_counter() - start)


def latencies_ms(call: Callable[[int], object], arguments: list[int]) -> tuple[float, float]:
    """(median, p99) milliseconds of `call(argument)` over the arguments."""
    times = []
    for argument in arguments:
        start = time.perf_counter()
        call(argument)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def proof_figures(store: BenchStore, integrity: Integrity) -> Iterator[Figure]:
    size = integrity.proofs.checkpoint().tree_size
    positions = [position for _, position, _ in integrity.store.leaves(0, size)]
    rng = random.Random(7)
    sample = [rng.choice(positions) for _ in range(PROOFS)]
    latencies_ms(integrity.proofs.inclusion, sample[:50])  # warm
    floor = latencies_ms(integrity.store.leaf_index, sample)
    inclusion = latencies_ms(integrity.proofs.inclusion, sample)
    consistency = latencies_ms(integrity.proofs.consistency,
                               [rng.randrange(1, size) for _ in range(PROOFS)])
    console.log(f"{store.name}: inclusion {inclusion}, consistency {consistency}, read {floor}")
    for name, (median, p99) in (("inclusion", inclusion), ("consistency", consistency)):
        yield Figure(store.name, f"  {name} proof at {size:,} leaves, p50 / p99 ms",
                     f"{median:.2f} / {p99:.2f}", f"{floor[0]:.2f} / {floor[1]:.2f} (1 read)",
                     p99 / floor[1], "p99 < 5 ms", p99 < 5.0)


def command_figure(store: BenchStore, seconds: float) -> Figure:
    """Application-layer commands/s with the tree builder following them in this process, and
    without it, in alternating runs (the machine's other load falls on both alike)."""
    container = build(store.settings)
    rates: dict[bool, list[float]] = {False: [], True: []}
    try:
        ids: list[UUID] = commands.register_profiles(container.service, 50)
        _, next_round = commands.app_commands_per_second(container.service, ids, 0.5)
        integrity = container.integrity(suffix="_bench_follow")
        try:
            integrity.builder().catch_up()  # the log so far: only the commands' events follow
            for run in range(8):
                follow = run % 2 == 1
                if follow:
                    integrity.start()
                rate, next_round = commands.app_commands_per_second(
                    container.service, ids, seconds / 2, next_round)
                if follow:
                    integrity.stop()
                rates[follow].append(rate)
            integrity.builder().catch_up()
        finally:
            integrity.drop()
    finally:
        container.close()
    alone, followed = (statistics.median(rates[follow]) for follow in (False, True))
    console.log(f"{store.name}: commands/s {followed:,.0f} with the tree following, "
                f"{alone:,.0f} without")
    return Figure(store.name, "  commands/s (1 thread) while the tree builder follows",
                  f"{followed:,.0f}", f"{alone:,.0f} (without)", followed / alone,
                  ">= 0.9x (command path unchanged)", followed / alone >= 0.9)


def integrity_figures(store: BenchStore, seconds: float) -> Iterator[Figure]:
    container = build(store.settings)
    try:
        started = time.perf_counter()
        fill(container, LEAVES)
        console.log(f"{store.name}: {LEAVES:,} events recorded in "
                    f"{time.perf_counter() - started:.0f} s")
        raw, events = raw_sha256_per_second(container)
        integrity = container.integrity(suffix="_bench")
        try:
            builder = integrity.builder()
            start = time.perf_counter()
            hashed = builder.catch_up()
            catch_up = hashed / (time.perf_counter() - start)
            builder.sign_if_due(force=True)
            console.log(f"{store.name}: tree caught up {catch_up:,.0f}/s, raw SHA-256 {raw:,.0f}/s")
            yield Figure(store.name, f"tree catching up, {hashed:,} events (leaves/s)",
                         f"{catch_up:,.0f}", f"{raw:,.0f} (raw SHA-256)", catch_up / raw,
                         ">= 20,000/s", catch_up >= 20_000 and hashed == events)
            yield from proof_figures(store, integrity)
            read = read_log_per_second(container)
            start = time.perf_counter()
            report = integrity.verify()
            verify = report.events / (time.perf_counter() - start)
            console.log(f"{store.name}: verify {verify:,.0f}/s, read {read:,.0f}/s")
            yield Figure(store.name, f"audit verify, {report.events:,} events (events/s)",
                         f"{verify:,.0f}", f"{read:,.0f} (read the log)", verify / read,
                         ">= 50,000/s", verify >= 50_000)
        finally:
            integrity.drop()
    finally:
        container.close()
    yield command_figure(store, seconds)
