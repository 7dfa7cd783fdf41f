"""Where a command's CPU time goes: the real command path under cProfile, by stage.

Three workloads on each store, each run twice: first without the profiler (process CPU time
per command, for scale: cProfile makes every Python call dearer, so its totals are larger
and call-heavy stages look bigger than they are), then under cProfile, whose self times
tests/bench/attribution.py sorts into stages.

- app, rotation: the application layer's four cheap commands in turn (the app figure's load)
- app, link_social (+ Idempotency-Key): the command wrk sends, with a key on each, so the
  idempotency fingerprint and its ledger row are in the path
- HTTP in-process, link_social: the real FastAPI app (create_app, the middleware, a bearer
  token) driven through ASGI on uvloop, one request at a time (tests/bench/asgi.py)
"""

from __future__ import annotations

import cProfile
import os
import pstats
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from uuid import UUID, uuid4

from rich.console import Console
from rich.table import Table

from adapters.bootstrap import Container, build
from adapters.entrypoints.http.app import create_app
from adapters.logging import configure_logging
from adapters.security.tokens import TokenStore
from application.context import CommandContext
from application.service import ProfileService
from tests.bench import asgi, commands
from tests.bench.attribution import STAGES, Bias, Breakdown, breakdown, calibrate
from tests.bench.report import Figure
from tests.bench.stores import BenchStore

Batch = Callable[[int, str], None]  # run n commands, with a tag of their own


@dataclass(frozen=True)
class Profiled:
    store: str
    workload: str
    cpu_us: float  # unprofiled process CPU µs per command
    profiled_us: float  # the profiler's total self time per command, as recorded
    stages: Breakdown  # less the profiler's own cost per call (attribution.calibrate)


def app_rotation(service: ProfileService, profiles: Sequence[UUID]) -> Batch:
    state = {"round": 0}

    def batch(n: int, _: str) -> None:
        done = 0
        while done < n:
            command = commands.command_for_round(state["round"])
            for profile_id in profiles:
                command(service, profile_id, commands.bench_ctx())
            done += len(profiles)
            state["round"] += 1

    return batch


def app_link_keyed(service: ProfileService, profiles: Sequence[UUID]) -> Batch:
    def batch(n: int, tag: str) -> None:
        for i in range(n):
            ctx = CommandContext(actor="service:bench", correlation_id=str(uuid4()),
                                 idempotency_key=f"{tag}-{i}", caller="bench")
            service.link_social(profiles[i % len(profiles)], "twitter",
                                f"https://x.com/{tag}n{i}", ctx)

    return batch


def http_in_process(container: Container, profiles: Sequence[UUID]) -> Batch:
    token = TokenStore(container.sql).create(
        f"stages-{uuid4().hex[:8]}", ["profiles:write", "profiles:read"]
    )
    app = create_app(container, container.read_side(), tokens=TokenStore(container.sql))
    # as `serve` logs (one JSON line per request), into nothing rather than the terminal
    configure_logging("json", stream=open(os.devnull, "w"), force=True)  # noqa: SIM115

    def batch(n: int, tag: str) -> None:
        asgi.drive(app, profiles, token, n, tag)

    return batch


def measure(store: str, workload: str, batch: Batch, count: int) -> Profiled:
    batch(max(count // 5, 50), f"w{uuid4().hex[:6]}")  # warm-up: caches, prepared statements
    began = time.process_time()
    batch(count, f"u{uuid4().hex[:6]}")
    cpu_us = (time.process_time() - began) / count * 1e6
    with asgi.ThreadProfilers() as profilers:
        batch(count, f"p{uuid4().hex[:6]}")
    stats = pstats.Stats(profilers.profilers[0])
    for other in profilers.profilers[1:]:
        stats.add(_stats_of(other))
    recorded = breakdown(stats, count).total / count * 1e6
    return Profiled(store, workload, cpu_us, recorded, breakdown(stats, count, bias()))


_bias: list[Bias] = []


def bias() -> Bias:
    if not _bias:
        _bias.append(calibrate(lambda: cProfile.Profile(time.thread_time)))
    return _bias[0]


def _stats_of(profiler: cProfile.Profile) -> pstats.Stats:
    profiler.create_stats()
    return pstats.Stats(profiler)


def profile_store(store: BenchStore, count: int, profiles: int = 200) -> list[Profiled]:
    container = build(store.settings)
    try:
        ids = commands.register_profiles(container.service, profiles)
        workloads = (
            ("app, rotation", app_rotation(container.service, ids)),
            ("app, link_social + key", app_link_keyed(container.service, ids)),
            ("HTTP in-process, link_social", http_in_process(container, ids)),
        )
        return [measure(store.name, name, batch, count) for name, batch in workloads]
    finally:
        container.close()


def figures(results: Sequence[Profiled]) -> Iterator[Figure]:
    for r in results:
        yield Figure(r.store, f"CPU µs/command, {r.workload}: unprofiled; profiled",
                     f"{r.cpu_us:,.0f}", f"{r.profiled_us:,.0f} (cProfile)",
                     r.profiled_us / r.cpu_us)
        yield Figure(r.store, "  profiled, less cProfile's own cost per call",
                     f"{r.stages.total / r.stages.commands * 1e6:,.0f}", f"{r.cpu_us:,.0f}",
                     r.stages.total / r.stages.commands * 1e6 / r.cpu_us)


def table(results: Sequence[Profiled]) -> Table:
    grid = Table(title="where a command's CPU time goes: each stage's share of cProfile's self "
                 "time (thread CPU, less the profiler's own cost per call), times the "
                 "unprofiled CPU µs/command")
    grid.add_column("stage")
    for r in results:
        grid.add_column(f"{r.store}\n{r.workload}", justify="right")
    for stage in STAGES:
        grid.add_row(stage, *(f"{r.stages.share(stage) * r.cpu_us:,.0f} "
                              f"({r.stages.share(stage):.0%})" for r in results))
    grid.add_row("profiled total, corrected", *(f"{r.stages.total / r.stages.commands * 1e6:,.0f}"
                                        for r in results))
    grid.add_row("total as cProfile recorded it", *(f"{r.profiled_us:,.0f}" for r in results))
    grid.add_row("process CPU, unprofiled", *(f"{r.cpu_us:,.0f}" for r in results))
    return grid


def show(results: Sequence[Profiled], console: Console) -> None:
    if results:
        console.print(table(results))
