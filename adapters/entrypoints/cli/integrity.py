"""`profile-service audit verify [--checkpoint FILE]`: the whole log checked against its tree
and its signed checkpoints (integrity.md); registered in the `audit` command group."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from adapters.entrypoints.cli.audit import audit_app
from adapters.entrypoints.cli.base import fail, open_container
from adapters.integrity.signing import Checkpoint, checkpoint_file
from adapters.integrity.verify import VerificationFailed

UNUSABLE = 2  # the checkpoint file cannot be read: nothing was verified


def read_checkpoint(path: Path) -> Checkpoint:
    try:
        return checkpoint_file(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        fail(f"--checkpoint {path}: cannot be read ({type(error).__name__})", UNUSABLE)
    except ValueError as error:
        fail(f"--checkpoint {path}: not a checkpoint as the API answers it: {error}", UNUSABLE)


def verify(
    checkpoint: Annotated[
        Path | None,
        typer.Option(help="A checkpoint saved from GET /v1/integrity/checkpoint: check the log "
                     "against it instead of the checkpoints kept in the store."),
    ] = None,
) -> None:
    """Check the whole log against its tree and its signed checkpoints.

    Every leaf is recomputed from the stored events, a page at a time. Exit 0 with a one-line
    summary, or 1 with a line naming the first position at fault.
    """
    expected = None if checkpoint is None else read_checkpoint(checkpoint)
    err = Console(stderr=True)
    with open_container() as container, Progress(
        TextColumn("verifying the log"), BarColumn(), TaskProgressColumn(), console=err,
        disable=not err.is_terminal, transient=True,
    ) as progress:
        task = progress.add_task("verify", total=None)
        try:
            report = container.integrity().verify(
                expected, lambda done, total: progress.update(task, completed=done, total=total)
            )
        except VerificationFailed as failed:
            fail(f"audit verify failed at {failed}")
    typer.echo(report.summary())


def register(app: typer.Typer) -> None:
    """`verify` joins `audit export` in the `audit` group (registered by the audit module)."""
    audit_app.command("verify")(verify)
