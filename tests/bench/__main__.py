"""`make bench`: run every figure on SQLite and PostgreSQL and print the table."""

from __future__ import annotations

import argparse
import sys
import time

from rich.console import Console

from adapters.bootstrap import build
from tests.bench import commands, loading
from tests.bench.report import Figure, show
from tests.bench.stores import BenchStore, postgres_reachable, postgres_store, sqlite_store

console = Console(stderr=True)


def app_layer(store: BenchStore, seconds: float, profiles: int) -> list[Figure]:
    figures: list[Figure] = []
    container = build(store.settings)
    try:
        service = container.service
        ids = commands.register_profiles(service, profiles)
        _, next_round = commands.app_commands_per_second(service, ids, 0.5)  # warm-up
        floor_run = commands.Floor(store, container)
        try:
            app, floor = commands.interleaved(service, floor_run, ids, seconds, next_round)
        finally:
            floor_run.close()
        ratio = app / floor
        figures.append(Figure(store.name, "application-layer commands/s (1 thread)",
                              f"{app:,.0f}", f"{floor:,.0f}", ratio, "≥ 0.8x floor",
                              ratio >= 0.8))
        console.log(f"{store.name}: application layer {app:,.0f}/s, floor {floor:,.0f}/s")
        for events in (10_000, 10_049):
            long_ms, short_ms = loading.long_history_load(service, container.env, events)
            ratio = long_ms / short_ms
            figures.append(Figure(store.name, f"load a {events:,}-event profile (ms, no cache)",
                                  f"{long_ms:.2f}", f"{short_ms:.2f} (1 event)", ratio,
                                  "≤ 2x the 1-event one", ratio <= 2.0))
            console.log(f"{store.name}: {events}-event profile {long_ms:.2f} ms, "
                        f"1-event {short_ms:.2f} ms")
    finally:
        container.close()
    return figures


def run_store(store: BenchStore, args: argparse.Namespace) -> list[Figure]:
    console.log(f"benchmarking {store.name} ({store.url})")
    return app_layer(store, args.seconds, args.profiles)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=3.0, help="per measured run")
    parser.add_argument("--profiles", type=int, default=200)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    figures: list[Figure] = []
    for name in args.stores.split(","):
        if name == "sqlite":
            with sqlite_store() as store:
                figures += run_store(store, args)
        elif name == "postgres":
            if not postgres_reachable():
                console.print("PostgreSQL is not reachable: skipping its figures")
                continue
            with postgres_store() as store:
                figures += run_store(store, args)
        else:
            parser.error(f"unknown store {name!r}")
    show(figures, Console(width=150))
    console.log(f"benchmark took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
