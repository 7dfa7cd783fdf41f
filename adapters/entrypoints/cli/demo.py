"""`profile-service demo`: fill the store with sample profiles and histories, with progress."""

from __future__ import annotations

import random
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from adapters.bootstrap import build
from adapters.entrypoints.cli.base import fail, load_settings
from adapters.entrypoints.cli.demo_data import PATIENCE_SECONDS, DemoClock, DemoProfile
from adapters.eventstore.probe import probe
from application.errors import StoreUnavailable


def demo(
    profiles: Annotated[
        int, typer.Option("--profiles", min=1, max=100_000, help="How many sample profiles.")
    ] = 25,
    seed: Annotated[
        int | None, typer.Option(help="Random seed, for the same names and histories again.")
    ] = None,
    spread_days: Annotated[
        int,
        typer.Option(min=0, max=3650, help="Spread the histories over this many past days "
                                           "(0: record them now)."),
    ] = 365,
) -> None:
    """Fill the store with realistic sample profiles, each with a history over every section."""
    clock = DemoClock()
    container = build(load_settings(), clock=clock)
    rng = random.Random(seed)
    events = 0
    err = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    done = 0
    try:
        if probe(container.service, container.sql.datastore) != "ok":
            fail("the store is busy, unreachable or unreadable; nothing was written, retry")
        with Progress(*columns, console=err, disable=not err.is_terminal) as progress:
            task = progress.add_task("sample profiles", total=profiles)
            for index in range(profiles):
                profile = DemoProfile(container.service, clock, rng, spread_days, index)
                _, recorded = profile.play()
                events += recorded
                done += 1
                progress.advance(task)
    except StoreUnavailable:
        fail(f"the store stayed busy for {PATIENCE_SECONDS:.0f} s; stopped after {done} "
             f"complete sample profiles of {profiles}")
    finally:
        container.close()
    typer.echo(f"Created {profiles} sample profiles with {events} events.")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
