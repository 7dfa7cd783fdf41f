"""`profile-service tokens create`: API bearer tokens (only their hashes are stored)."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.entrypoints.cli.base import open_container
from adapters.security.tokens import SCOPES, TokenStore

tokens_app = typer.Typer(
    help="API bearer tokens (only their hashes are stored).", no_args_is_help=True
)


@tokens_app.command("create")
def create_token(
    name: Annotated[
        str, typer.Option(help="The calling service; the actor becomes service:<name>.")
    ],
    scope: Annotated[list[str], typer.Option(help=f"Repeatable: {', '.join(SCOPES)}.")],
) -> None:
    """Create a token; it is printed alone on the last line, and only its hash is kept."""
    with open_container() as container:
        token = TokenStore(container.sql).create(name, scope)
    typer.echo(f"Created token {name!r} with scopes {', '.join(sorted(set(scope)))}:")
    typer.echo(token)


def register(app: typer.Typer) -> None:
    app.add_typer(tokens_app, name="tokens")
