"""`profile-service audit export`: the audit trail for auditors, streamed as JSON lines or CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Any
from uuid import UUID

import typer

from adapters.entrypoints.cli.base import fail, open_container

audit_app = typer.Typer(help="The audit trail (from its projection).", no_args_is_help=True)
CSV_COLUMNS = ("position", "profile_id", "version", "at", "actor", "correlation_id", "event",
               "section", "field", "before", "after")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAGE_SIZE = 500


def parse_instant(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 date or date-time; without a time zone it is taken as UTC."""
    if value is None:
        return None
    try:
        instant = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(f"{option} must be an ISO 8601 date or date-time, such as 2026-03-01T12:00:00Z")
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def parse_profile_id(value: str, what: str = "--profile") -> UUID:
    try:
        return UUID(value)
    except ValueError:
        fail(f"{what} must be a profile id (a UUID), not {value!r}")


def cell(value: Any) -> str:  # noqa: ANN401
    """A CSV cell: text as is, anything else as JSON; never read as a formula."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(entries: Iterable[dict[str, Any]]) -> Iterator[list[str]]:
    """One row per change of each entry (an entry without changes still gets one row)."""
    for entry in entries:
        head = [cell(entry[name]) for name in CSV_COLUMNS[:8]]
        for change in entry["changes"] or [{"field": None, "before": None, "after": None}]:
            yield [*head, cell(change["field"]), cell(change["before"]), cell(change["after"])]


def write_jsonl(entries: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for entry in entries:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(entries: Iterable[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in csv_rows(entries):
        writer.writerow(row)
        count += 1
    return count


@contextmanager
def opened(output: Path | None, encoding: str) -> Iterator[IO[str]]:
    """The output file (written under a temporary name, renamed when complete) or stdout."""
    if output is None:
        sys.stdout.flush()
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="")
        try:
            yield stream
            stream.flush()
        except BrokenPipeError:  # the reader has had enough (`| head`): a success
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        finally:
            with suppress(BrokenPipeError):
                stream.detach()
        return
    partial = output.with_name(output.name + ".partial")
    try:
        with partial.open("w", encoding=encoding, newline="") as stream:
            yield stream
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


@audit_app.command("export")
def export(
    output_format: Annotated[
        str, typer.Option("--format", help="jsonl (one entry a line) or csv (one change a row).")
    ],
    profile: Annotated[str | None, typer.Option(help="Only this profile's entries.")] = None,
    since: Annotated[str | None, typer.Option(help="From this instant (inclusive).")] = None,
    until: Annotated[str | None, typer.Option(help="Before this instant (exclusive).")] = None,
    output: Annotated[
        Path | None, typer.Option(help="Write to this file instead of standard output.")
    ] = None,
) -> None:
    """Export audit entries, oldest first, streamed page by page.

    CSV is UTF-8 with a byte-order mark, one row per changed field; a cell that a
    spreadsheet would run as a formula is prefixed with an apostrophe.
    """
    if output_format not in ("jsonl", "csv"):
        fail(f"--format must be jsonl or csv, not {output_format!r}")
    profile_id = None if profile is None else parse_profile_id(profile)
    start, end = parse_instant(since, "--since"), parse_instant(until, "--until")
    if start is not None and end is not None and end <= start:
        fail("--until must be later than --since")
    with open_container() as container:
        read_side = container.read_side()
        lag = next(s["lag"] for s in read_side.status() if s["name"] == "audit_trail")
        if lag:
            typer.echo(f"profile-service: warning: the audit trail is {lag} events behind; "
                       "run `projections run` (or `serve`) to bring it up to date", err=True)
        entries = read_side.audit.iter_entries(
            profile_id=profile_id, since=start, until=end, page_size=PAGE_SIZE
        )
        if output_format == "csv":
            with opened(output, "utf-8-sig") as stream:
                rows = write_csv(entries, stream)
            summary = f"{rows} rows (one per change)"
        else:
            with opened(output, "utf-8") as stream:
                summary = f"{write_jsonl(entries, stream)} entries"
    if output is not None:
        typer.echo(f"Exported {summary} to {output}.", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
