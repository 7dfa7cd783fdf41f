"""`profile-service projections run | rebuild | status`: the read side from the command line."""

from __future__ import annotations

import json
import signal
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from adapters.entrypoints.cli.base import fail, load_settings, open_container
from adapters.eventstore.leadership import LeaderOnly
from adapters.logging import configure_logging
from adapters.readside.model import VIEW_NAMES

projections_app = typer.Typer(
    help="The projections (profile view, audit trail, newsletter audience).",
    no_args_is_help=True,
)
PROGRESS_EVERY = 200


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@projections_app.command("run")
def run() -> None:
    """Run every projection in this process until stopped (Ctrl-C or SIGTERM).

    Several instances (on several machines): one runs them, the others stand by.
    """
    settings = load_settings()
    configure_logging(settings.log_format)
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    err = Console(stderr=True)
    try:
        with open_container(settings) as container:
            leader = LeaderOnly(  # one active instance at a time (README: several machines)
                container.leadership("projections"), container.read_side(), say=err.print,
                leading=f"Projections running: {', '.join(VIEW_NAMES)} (Ctrl-C to stop).",
                standing_by="Standing by: another `projections run` is active; taking over "
                "when it stops.",
            )
            leader.start()
            try:
                leader.run_forever()
            except KeyboardInterrupt:
                err.print("Stopping the projections.")
            finally:
                leader.stop()
    finally:
        signal.signal(signal.SIGTERM, previous)


@projections_app.command("rebuild")
def rebuild(
    name: Annotated[
        str | None,
        typer.Argument(help=f"One of {', '.join(VIEW_NAMES)}; all of them when omitted."),
    ] = None,
) -> None:
    """Drop a projection (or all) and rebuild it from the events, with a progress bar.

    Stop `projections run` and `serve` elsewhere first: a view is rebuilt from scratch.
    """
    if name is not None and name not in VIEW_NAMES:
        fail(f"unknown projection {name!r}; projections are {', '.join(VIEW_NAMES)}")
    err = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TaskProgressColumn(), TimeRemainingColumn())
    with open_container() as container, Progress(
        *columns, console=err, disable=not err.is_terminal
    ) as progress:
        task = progress.add_task(f"rebuilding {name or 'every projection'}", total=None)

        def report(done: int, total: int) -> None:
            if done % PROGRESS_EVERY == 0 or done >= total:
                progress.update(task, completed=done, total=total)

        replayed = container.read_side().rebuild(name, progress=report)
    typer.echo(f"Rebuilt {name or ', '.join(VIEW_NAMES)}: {replayed} events replayed.")


@projections_app.command("status")
def status(
    output: Annotated[
        str, typer.Option("--format", help="table or json.", case_sensitive=False)
    ] = "table",
) -> None:
    """Each projection's position and its lag behind the events."""
    if output not in ("table", "json"):
        fail(f"unknown format {output!r}; use table or json")
    with open_container() as container:
        rows = container.read_side().status()
        feed = container.feed_status()  # the event feed's relay, when PROFILE_NATS_URL is set
        rows += [feed] if feed is not None else []
    if output == "json":
        typer.echo(json.dumps(rows))
        return
    table = Table("projection", "position", "head", "lag")
    for row in rows:
        lag = str(row["lag"]) if row["lag"] == 0 else f"[yellow]{row['lag']}[/]"
        table.add_row(row["name"], str(row["position"]), str(row["head"]), lag)
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(projections_app, name="projections")
