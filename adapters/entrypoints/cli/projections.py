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
from adapters.eventstore.leadership import LeaderOnly, Together
from adapters.integrity.model import TREE_NAME
from adapters.logging import configure_logging
from adapters.readside.model import VIEW_NAMES
from adapters.readside.rebuild import RebuildRunning

projections_app = typer.Typer(
    help="The projections (profile view, audit trail, newsletter audience).",
    no_args_is_help=True,
)
PROGRESS_EVERY = 200
RUN = (*VIEW_NAMES, TREE_NAME)  # the views, and the integrity tree (integrity.md)
CLAIMS = "email_claims"  # the e-mail reservations (one email, one profile), from the log
NAMES = (*RUN, CLAIMS)


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
            work = Together(container.read_side(), container.integrity())
            leader = LeaderOnly(  # one active instance at a time (README: several machines)
                container.leadership("projections"), work, say=err.print,
                leading=f"Projections running: {', '.join(RUN)} (Ctrl-C to stop).",
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
        typer.Argument(help=f"One of {', '.join(NAMES)}; all of them when omitted."),
    ] = None,
) -> None:
    """Rebuild a projection (or all) from the events beside the live one, with a progress bar,
    then swap it in: safe while `serve` and `projections run` go on (readers never see a
    partial view; the Merkle tree keeps its checkpoints)."""
    if name is not None and name not in NAMES:
        fail(f"unknown projection {name!r}; projections are {', '.join(NAMES)}")
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

        replayed = 0
        if name in VIEW_NAMES or name is None:
            try:
                replayed += container.read_side().rebuild(name, progress=report)
            except RebuildRunning as error:
                fail(str(error))
        if name in (None, TREE_NAME):  # the tree is hashed again; its checkpoints are kept
            views, integrity = replayed, container.integrity()
            replayed += integrity.rebuild(
                progress=lambda done, total: report(views + done, views + total)
            )
            for reason in integrity.errors().values():
                typer.echo(f"profile-service: warning: {reason}", err=True)
        claims = None
        if name in (None, CLAIMS):  # replayed beside the table, swapped in as commands wait
            before = replayed
            claims = container.rebuild_email_claims(
                progress=lambda done, total: report(before + done, before + total)
            )
    if name != CLAIMS:
        typer.echo(f"Rebuilt {name or ', '.join(RUN)}: {replayed} events replayed.")
    if claims is not None:
        typer.echo(f"Rebuilt {CLAIMS}: {claims.claims} addresses held, from "
                   f"{claims.replayed} events.")
        for shared in claims.shared:
            others = ", ".join(str(other) for other in shared.others)
            typer.echo(
                f"profile-service: warning: profile {shared.holder} holds an e-mail address "
                f"that {others} also has; change or erase theirs (README: one email, one "
                "profile)",
                err=True,
            )


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
        rows = [*container.read_side().status(), container.integrity().status()]
        feed = container.feed_status()  # the event feed's relay, when PROFILE_NATS_URL is set
        rows += [feed] if feed is not None else []
    if output == "json":
        typer.echo(json.dumps(rows))
        return
    table = Table("projection", "position", "head", "lag", "rebuilding")
    for row in rows:
        lag = str(row["lag"]) if row["lag"] == 0 else f"[yellow]{row['lag']}[/]"
        rebuilding = "" if row.get("rebuilding") is None else f"at {row['rebuilding']}"
        table.add_row(row["name"], str(row["position"]), str(row["head"]), lag, rebuilding)
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(projections_app, name="projections")
