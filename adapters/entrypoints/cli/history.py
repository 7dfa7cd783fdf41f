"""`profile-service history PROFILE_ID [--as-of T]`: a profile's events and its state then."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer

from adapters.entrypoints.cli.audit import parse_instant, parse_profile_id
from adapters.entrypoints.cli.base import fail, open_container
from application.history import History
from domain.errors import ProfileNotFound, VersionNotFound


def _line(event: dict[str, Any]) -> str:
    fields = json.dumps(event["fields"], ensure_ascii=False, sort_keys=True, default=str)
    return (f"v{event['version']:<4} {event['at']}  {event['actor']:<28} "
            f"{event['name']:<32} {fields}")


def history(
    profile_id: Annotated[str, typer.Argument(help="The profile's id (a UUID).")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Show the profile as it was at this ISO 8601 instant."),
    ] = None,
    output: Annotated[
        str, typer.Option("--format", help="text or json.", case_sensitive=False)
    ] = "text",
) -> None:
    """A profile's events (secrets masked) and its state at a moment (now by default)."""
    if output not in ("text", "json"):
        fail(f"--format must be text or json, not {output!r}")
    pid = parse_profile_id(profile_id, "PROFILE_ID")
    instant: datetime | None = parse_instant(as_of, "--as-of")
    with open_container() as container:
        history_of = History(container.service)
        try:
            events = history_of.events(pid)
            state = history_of.profile_at(pid, as_of=instant)
        except (ProfileNotFound, VersionNotFound) as error:
            fail(error.message)
    events = [e for e in events if e["version"] <= state["version"]]
    if output == "json":
        typer.echo(json.dumps({"events": events, "state": state}, ensure_ascii=False,
                              default=str))
        return
    moment = "now" if instant is None else instant.isoformat()
    typer.echo(f"Events of profile {state['profile_id']} up to version {state['version']}:")
    for event in events:
        typer.echo(_line(event))
    typer.echo(f"\nState at {moment} (version {state['version']}):")
    typer.echo(json.dumps(state, ensure_ascii=False, indent=2, default=str))


def register(app: typer.Typer) -> None:
    app.command("history")(history)
