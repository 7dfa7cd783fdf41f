"""`profile-service tokens create | list | revoke`: API bearer tokens (only hashes are kept)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from adapters.entrypoints.cli.base import fail, open_container
from adapters.security.tokens import SCOPES, TokenStore
from application.context import ACTOR_KINDS

tokens_app = typer.Typer(
    help="API bearer tokens (only their hashes are stored).", no_args_is_help=True
)


@tokens_app.command("create")
def create_token(
    name: Annotated[
        str, typer.Option(help="The calling service (unique); its actor is service:<name>.")
    ],
    scope: Annotated[list[str], typer.Option(help=f"Repeatable: {', '.join(SCOPES)}.")],
    actor_kind: Annotated[
        list[str] | None,
        typer.Option(
            "--actor-kind",
            help=f"Repeatable: the X-Actor kinds it may claim ({', '.join(ACTOR_KINDS)}); "
            "any when omitted.",
        ),
    ] = None,
) -> None:
    """Create a token; it is printed alone on the last line, and only its hash is kept."""
    kinds = actor_kind or []
    with open_container() as container:
        token = TokenStore(container.sql).create(name, scope, kinds)
    limits = f", acting for {', '.join(sorted(set(kinds)))}" if kinds else ""
    typer.echo(f"Created token {name!r} with scopes {', '.join(sorted(set(scope)))}{limits}:")
    typer.echo(token)


@tokens_app.command("list")
def list_tokens(
    output: Annotated[
        str, typer.Option("--format", help="table or json.", case_sensitive=False)
    ] = "table",
) -> None:
    """Every token: name, scopes, actor kinds, created, last used (never the token)."""
    if output not in ("table", "json"):
        fail(f"unknown format {output!r}; use table or json")
    with open_container() as container:
        found = TokenStore(container.sql).list()
    if output == "json":
        typer.echo(json.dumps([vars(info) for info in found]))
        return
    table = Table("name", "scopes", "actor kinds", "created", "last used")
    for info in found:
        table.add_row(
            info.name,
            " ".join(info.scopes),
            " ".join(info.actor_kinds) or "any",
            info.created_at,
            info.last_used_at or "never",
        )
    Console().print(table)


@tokens_app.command("revoke")
def revoke_token(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke a token: every server process refuses it within 2 seconds."""
    with open_container() as container:
        TokenStore(container.sql).revoke(name)
    typer.echo(f"Revoked token {name!r}.")


def register(app: typer.Typer) -> None:
    app.add_typer(tokens_app, name="tokens")
