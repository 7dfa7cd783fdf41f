"""`profile-service serve`: the HTTP API, with the projections in-process on SQLite."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from adapters.entrypoints.cli.base import fail, load_settings, open_container
from adapters.entrypoints.cli.relay import in_process_relay, in_process_relay_wanted
from adapters.security.tokens import SCOPES, TokenStore

INITIAL_TOKEN_NAME = "admin"
# An idle connection is closed after this; a reverse proxy in front keeps its own upstream
# keep-alive shorter (README, "Behind a reverse proxy"): uvicorn cannot time out headers.
KEEP_ALIVE_SECONDS = 5


def default_workers(cpus: int) -> int:
    """One process per two CPUs, at most 4: a process keeps about one CPU busy (its GIL), and
    the database, the kernel's network work and the projections need the rest. On 2 CPUs with
    PostgreSQL and the load generator beside it, 16 clients, three runs each: 1 process did
    904-1,066 commands/s, p99 31-38 ms, 940-1,101 us of CPU per request; 2 processes did
    942-1,141, p99 36-52 ms, 1,150-1,374 us."""
    return max(1, min(cpus // 2, 4))


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
            help="Server processes (default: one per two CPUs, at most 4, with PostgreSQL; "
            "else 1). Above 1 the projections must run elsewhere.",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API (with SQLite, the projections run in-process too)."""
    import uvicorn

    from adapters.entrypoints.http.app import create_app, settle_memory
    from adapters.logging import configure_logging, get_logger

    settings = load_settings()
    configure_logging(settings.log_format)
    in_process = projections if projections is not None else not settings.is_postgres
    processes = workers or (default_workers(os.cpu_count() or 1) if settings.is_postgres else 1)
    if in_process and processes > 1:
        fail("--workers above 1 needs the projections out of process (--no-projections)")
    options: dict[str, Any] = {
        "host": host, "port": port, "log_config": None, "access_log": False,
        "server_header": False, "timeout_graceful_shutdown": 5,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        # uvicorn[standard]'s C parser and event loop, named: never the pure-Python h11/asyncio
        "http": "httptools", "loop": "uvloop",
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
            relay_in_process=processes == 1 and in_process_relay_wanted(settings),
            store="postgresql" if settings.is_postgres else "sqlite",
            workers=processes,
        )
        if processes == 1:
            read_side = container.read_side()
            integrity = container.integrity()  # the tamper-evident log's tree (integrity.md)
            relay = in_process_relay(container, read_side)  # the event feed (events.md)
            if in_process:
                read_side.start()
                integrity.start()
            if relay is not None:
                relay.start()
            try:
                served = create_app(container, read_side, tokens=tokens)
                served.state.integrity = integrity
                settle_memory()
                uvicorn.run(served, **options)
            finally:
                if relay is not None:
                    relay.stop()
                if in_process:
                    read_side.stop()
                    integrity.stop()
            return
    # Each process builds its own container and app (adapters.entrypoints.http.app:worker_app).
    uvicorn.run(
        "adapters.entrypoints.http.app:worker_app", factory=True, workers=processes, **options
    )


def register(app: typer.Typer) -> None:
    app.command()(serve)
