"""`make bench`: every figure on SQLite and on PostgreSQL, each beside its floor, as one table."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from uuid import UUID, uuid4

from rich.console import Console

from adapters.bootstrap import build
from adapters.security.tokens import TokenStore
from application.store import SNAPSHOT_INTERVAL
from tests.bench import (
    commands,
    crud,
    emails,
    feed,
    http,
    integrity,
    loading,
    rebuild,
    servers,
    stages,
    strength,
    whatif,
)
from tests.bench.report import Figure, load_average, show
from tests.bench.stores import BenchStore, postgres_reachable, postgres_store, sqlite_store

console = Console(stderr=True)
LEVELS = (1, 16, 64)


def app_layer(store: BenchStore, seconds: float, profiles: int) -> Iterator[Figure]:
    container = build(store.settings)
    try:
        service = container.service
        ids = commands.register_profiles(service, profiles)
        _, next_round = commands.app_commands_per_second(service, ids, 0.5)  # warm-up
        floor_run = commands.Floor(store, container)
        try:
            paired = commands.interleaved_cpu(service, floor_run, ids, seconds, next_round)
        finally:
            floor_run.close()
        app, floor = paired.app_per_second, paired.floor_per_second
        console.log(f"{store.name}: application layer {app:,.0f}/s, floor {floor:,.0f}/s")
        target = 0.8 if store.settings.is_postgres else 0.5
        yield Figure(store.name, "application-layer commands/s (1 thread)", f"{app:,.0f}",
                     f"{floor:,.0f}", app / floor, f">= {target}x floor", app / floor >= target)
        yield Figure(store.name, "  CPU µs/command of this process (service; floor)",
                     f"{paired.app_cpu_us:,.0f}", f"{paired.floor_cpu_us:,.0f}",
                     paired.app_cpu_us / paired.floor_cpu_us,
                     "(database server's CPU not counted)" if store.settings.is_postgres else "")
        if store.settings.is_postgres:
            yield what_if(store, seconds, profiles)
        worst = 10_000 + SNAPSHOT_INTERVAL - 1  # the most events after the last snapshot
        for events in (10_000, 10_049, worst):
            long_ms, short_ms = loading.long_history_load(service, container.env, events)
            console.log(f"{store.name}: {events}-event profile {long_ms:.2f} ms, "
                        f"1-event {short_ms:.2f} ms")
            name = f"load a {events:,}-event profile (ms, no cache)"
            if events == worst:
                name = f"load a {events:,}-event profile ({SNAPSHOT_INTERVAL - 1} past a snapshot)"
            yield Figure(store.name, name,
                         f"{long_ms:.2f}", f"{short_ms:.2f} (1 event)", long_ms / short_ms,
                         "<= 2x the 1-event one", long_ms / short_ms <= 2.0)
    finally:
        container.close()


def what_if(store: BenchStore, seconds: float, profiles: int) -> Figure:
    """The same commands as one of several servers (tests/bench/whatif.py)."""
    container = whatif.one_of_several_servers(store)
    try:
        service = container.service
        ids = commands.register_profiles(service, profiles)
        _, next_round = commands.app_commands_per_second(service, ids, 0.5)
        floor_run = commands.Floor(store, container)
        try:
            app, floor = commands.interleaved(service, floor_run, ids, seconds, next_round)
        finally:
            floor_run.close()
    finally:
        container.close()
    console.log(f"{store.name}: what-if one of several servers {app:,.0f}/s, "
                f"floor {floor:,.0f}/s")
    return Figure(store.name, "  what-if: one of several servers (reads first)", f"{app:,.0f}",
                  f"{floor:,.0f}", app / floor, "(serve --workers N)")


def serve_and_load(store: BenchStore, token: str, ids: list[UUID], seconds: float,
                   *options: str, levels: tuple[int, ...] = LEVELS,
                   ) -> tuple[dict[int, http.Load], http.Usage, float, int]:
    """wrk at each level against `serve` in its own process(es), with its default options
    unless given; (loads, the server's and machine's CPU at 16 clients, peak RSS MiB of its
    processes, worker processes)."""
    container = build(store.settings)
    try:
        read_side = container.read_side()
        with tempfile.TemporaryDirectory() as logs, \
                http.served(store, Path(logs) / "server.log", *options) as server:
            if not store.settings.is_postgres and not options:  # its runners catch up first
                read_side.wait_for_position(read_side.head(), timeout=120)
            http.check_command(server.url, token, ids[0])
            measured = {c: http.measured_load(server, token, ids, c, seconds) for c in levels}
            loads = {c: load for c, (load, _) in measured.items()}
            workers = max(server.processes() - 1, 1)  # a supervisor only with several
            return loads, measured[16][1], server.peak_rss_mib(), workers
    finally:
        container.close()


def http_figures(store: BenchStore, seconds: float, profiles: int) -> Iterator[Figure]:
    container = build(store.settings)
    try:
        ids = commands.register_profiles(container.service, profiles)
        token = TokenStore(container.sql).create(
            f"bench-{uuid4().hex[:8]}", ["profiles:write", "profiles:read"]
        )
        loads, usage, peak, workers = serve_and_load(store, token, ids, seconds)
        floors = {c: http.app_threads_load(container.service, ids, c, seconds) for c in LEVELS}
    finally:
        container.close()
    for c in LEVELS:
        load, floor = loads[c], floors[c]
        console.log(f"{store.name}: HTTP x{c} {load}; application layer {floor}")
        ratio = load.per_second / floor.per_second
        errors = f" ({load.errors} errors)" if load.errors else ""
        yield Figure(store.name, f"HTTP commands/s, {c} clients",
                     f"{load.per_second:,.0f}{errors}", f"{floor.per_second:,.0f}", ratio,
                     ">= 0.5x floor" if c == 16 else "",
                     ratio >= 0.5 and not load.errors if c == 16 else None)
        yield Figure(store.name, f"HTTP p50 / p99 ms, {c} clients",
                     f"{load.p50_ms:.1f} / {load.p99_ms:.1f}",
                     f"{floor.p50_ms:.1f} / {floor.p99_ms:.1f}", None,
                     "p99 < 50 ms" if c == 16 else "", load.p99_ms < 50 if c == 16 else None)
    yield Figure(store.name, "  the server at 16 clients: CPUs busy; CPU µs/request, user + "
                 "system", f"{usage.busy_cpus:.2f}; {usage.user_us:,.0f} + {usage.system_us:,.0f}",
                 f"machine idle {usage.idle_share:.0%}, stolen {usage.steal_share:.0%}", None,
                 "(one process: its GIL)")
    if not store.settings.is_postgres:
        quiet = serve_and_load(store, token, ids, seconds, "--no-projections", levels=(16,))[0]
        yield Figure(store.name, "  what-if: 16 clients, projections not in-process",
                     f"{quiet[16].per_second:,.0f}, p99 {quiet[16].p99_ms:.1f} ms",
                     f"{floors[16].per_second:,.0f}", quiet[16].per_second / floors[16].per_second,
                     "(serve --no-projections)")
    yield Figure(store.name, f"peak RSS of the server, {workers} worker process(es) (MiB)",
                 f"{peak:.0f}")


def rebuild_figures(store: BenchStore) -> Iterator[Figure]:
    container = build(store.settings)
    try:
        result = rebuild.rebuild_all(container)
    finally:
        container.close()
    console.log(f"{store.name}: {result}")
    yield Figure(store.name, f"rebuild all views, {result.events:,} events (events/s)",
                 f"{result.rebuild_per_second:,.0f}", f"{result.read_per_second:,.0f} (read)",
                 result.rebuild_per_second / result.read_per_second, ">= 5,000/s (PostgreSQL)",
                 result.rebuild_per_second >= 5000 if store.settings.is_postgres else None)
    yield Figure(store.name, "  of which read + decode only (events/s)",
                 f"{result.decode_per_second:,.0f}")


def feed_rows(store: BenchStore, seconds: float) -> Iterator[Figure]:
    """The event feed's relay to NATS JetStream (tests/bench/feed.py)."""
    if not feed.nats_reachable():
        console.print(f"NATS is not reachable at {feed.NATS_URL}: skipping the feed's figures")
        return
    result = feed.feed_figures(store, seconds)
    console.log(f"{store.name}: {result}")
    ratio = result.relay_per_second / result.raw_per_second
    yield Figure(store.name, f"relay to JetStream, {result.events:,} events (events/s)",
                 f"{result.relay_per_second:,.0f}", f"{result.raw_per_second:,.0f} (raw nats-py)",
                 ratio, ">= 0.5x floor", ratio >= 0.5)
    ahead = result.relay_per_second / result.commands_per_second
    yield Figure(store.name, "  relay vs the command path (commands/s, 1 thread)",
                 f"{result.relay_per_second:,.0f}", f"{result.commands_per_second:,.0f}", ahead,
                 "ahead (> 1x)", ahead > 1)
    yield Figure(store.name, f"command answered -> in the stream, p50 / p99 ms "
                 f"({result.latencies:,} at 200/s)", f"{result.p50_ms:.1f} / {result.p99_ms:.1f}")


def run_store(make: Callable[[], AbstractContextManager[BenchStore]],
              args: argparse.Namespace, profiled: list[stages.Profiled]) -> list[Figure]:
    figures: list[Figure] = []
    parts = args.parts.split(",")
    if "app" in parts:
        with make() as store:
            console.log(f"benchmarking {store.name}: application layer ({store.url})")
            figures += app_layer(store, args.seconds, args.profiles)
    if "emails" in parts:
        with make() as store:
            console.log(f"benchmarking {store.name}: the e-mail reservation's cost")
            figures += emails.email_figures(store, args.seconds, args.profiles)
    if "stages" in parts:
        with make() as store:
            console.log(f"benchmarking {store.name}: the command path under cProfile")
            results = stages.profile_store(store, args.stage_commands)
            profiled += results
            figures += stages.figures(results)
    if "crud" in parts:
        with make() as store:
            console.log(f"benchmarking {store.name}: the CRUD peer")
            figures += crud.crud_figures(store, args.seconds, args.profiles)
    if "http" in parts:
        with make() as store:
            console.log(f"benchmarking {store.name}: HTTP and rebuild ({store.url})")
            figures += http_figures(store, args.seconds, args.http_profiles)
            figures += rebuild_figures(store)
    if "servers" in parts:
        with make() as store:
            console.log(f"benchmarking {store.name}: server choices and a bare FastAPI endpoint")
            figures += servers.server_figures(store, args.seconds, args.http_profiles)
    if "integrity" in parts:
        with make() as store:
            console.log(f"benchmarking {store.name}: the tamper-evident log ({store.url})")
            figures += integrity.integrity_figures(store, args.seconds)
    if "feed" in parts:
        with make() as store:
            console.log(f"benchmarking {store.name}: the event feed ({feed.NATS_URL})")
            figures += feed_rows(store, args.seconds)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=3.0, help="per measured run")
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--http-profiles", type=int, default=600)
    parser.add_argument("--stage-commands", type=int, default=2000,
                        help="commands per profiled workload (stages)")
    parser.add_argument("--parts", default="app,emails,crud,stages,http,servers,integrity,feed",
                        help="comma-separated: app, emails (the e-mail reservation), crud (the "
                        "CRUD peer), stages (cProfile "
                        "breakdown), http (with rebuild), servers (server choices, a bare "
                        "endpoint), integrity, feed")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    console.log(f"load average at the start: {load_average()} "
                "(other processes on this machine skew every figure)")
    figures: list[Figure] = []
    profiled: list[stages.Profiled] = []
    for name in args.stores.split(","):
        if name == "sqlite":
            figures += run_store(sqlite_store, args, profiled)
        elif name == "postgres":
            if not postgres_reachable():
                console.print("PostgreSQL is not reachable: skipping its figures")
                continue
            figures += run_store(postgres_store, args, profiled)
        else:
            parser.error(f"unknown store {name!r}")
    figures += strength.figures()
    show(figures, Console(width=160))
    stages.show(profiled, Console(width=200))
    console.log(f"benchmark took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
