"""The `profile-service` command line: serve the API, create tokens, and the other tools."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import typer

from adapters.bootstrap import Container, build
from adapters.settings import ConfigurationError, Settings
from adapters.tokens import SCOPES, TokenError, TokenStore

app = typer.Typer(
    name="profile-service",
    help="The customer profile service of the web-hosting portal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
tokens_app = typer.Typer(
    help="API bearer tokens (only their hashes are stored).", no_args_is_help=True
)
app.add_typer(tokens_app, name="tokens")

# Other command groups live in modules of their own, each with `register(app: typer.Typer)`:
# list them here (e.g. "adapters.cli_projections", "adapters.cli_audit", "adapters.cli_history",
# "adapters.cli_demo"); they may use `fail`, `load_settings` and `open_container` below.
COMMAND_MODULES: tuple[str, ...] = (
    "adapters.cli_projections",
    "adapters.cli_audit",
    "adapters.cli_history",
    "adapters.cli_demo",
)

INITIAL_TOKEN_NAME = "admin"


class CliError(Exception):
    """Stops a command with a one-line reason on standard error and a non-zero status."""


def fail(reason: str, code: int = 1) -> NoReturn:
    typer.echo(f"profile-service: {reason}", err=True)
    raise typer.Exit(code)


def load_settings() -> Settings:
    try:
        return Settings()
    except ConfigurationError as error:
        raise CliError(str(error)) from None


@contextmanager
def open_container(settings: Settings | None = None) -> Iterator[Container]:
    """The service built from the environment's settings, closed on the way out."""
    container = build(settings or load_settings())
    try:
        yield container
    finally:
        container.close()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port.")] = 8000,
    projections: Annotated[
        bool | None,
        typer.Option(
            "--projections/--no-projections",
            help="Run the projections in this process (default: yes with SQLite only).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Server processes (default: one per CPU, at most 4, with PostgreSQL; else 1). "
            "Above 1 the projections must run elsewhere.",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API (with SQLite, the projections run in-process too)."""
    import uvicorn

    from adapters.http.app import create_app, settle_memory
    from adapters.logging import configure_logging, get_logger
    from adapters.readside import ReadSide

    settings = load_settings()
    configure_logging(settings.log_format)
    in_process = projections if projections is not None else not settings.is_postgres
    processes = workers or (min(os.cpu_count() or 1, 4) if settings.is_postgres else 1)
    if in_process and processes > 1:
        fail("--workers above 1 needs the projections out of process (--no-projections)")
    options: dict[str, Any] = {
        "host": host, "port": port, "log_config": None, "access_log": False,
        "server_header": False, "timeout_graceful_shutdown": 5,
    }
    with open_container(settings) as container:
        tokens = TokenStore(container.sql)
        if tokens.count() == 0:
            token = tokens.create(INITIAL_TOKEN_NAME, SCOPES)
            typer.echo(
                f"No API token existed: created {INITIAL_TOKEN_NAME!r} with every scope "
                "(shown this once only):"
            )
            typer.echo(token)
        get_logger("profile_service").info(
            "starting",
            host=host,
            port=port,
            projections_in_process=in_process,
            store="postgresql" if settings.is_postgres else "sqlite",
            workers=processes,
        )
        if processes == 1:
            read_side = ReadSide(container)
            if in_process:
                read_side.start()
            try:
                served = create_app(container, read_side, tokens=tokens)
                settle_memory()
                uvicorn.run(served, **options)
            finally:
                if in_process:
                    read_side.stop()
            return
    # Each process builds its own container and app (adapters.http.app:worker_app).
    uvicorn.run("adapters.http.app:worker_app", factory=True, workers=processes, **options)


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


def register_commands() -> None:
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(app)


def _stop(reason: str) -> NoReturn:
    print(f"profile-service: {' '.join(reason.split())}", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    register_commands()
    try:
        app()
    except (CliError, ConfigurationError, TokenError) as error:
        _stop(str(error))
    except Exception as error:  # a one-line reason, never a traceback, for any failure
        _stop(f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
