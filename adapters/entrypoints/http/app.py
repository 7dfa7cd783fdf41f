"""The FastAPI application: create_app wires routes, problems and the request middleware."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from starlette.routing import Route

from adapters.bootstrap import Container, build
from adapters.entrypoints.http import blocking, openapi, problems
from adapters.entrypoints.http.deps import ReadModel
from adapters.entrypoints.http.helpers import HelperLimits
from adapters.entrypoints.http.middleware import RequestMiddleware
from adapters.entrypoints.http.routes import (
    account_contacts,
    account_preferences,
    additional_information,
    audit,
    contact_information,
    credit_card,
    docs,
    erasure,
    events,
    health,
    integrity,
    newsletters,
    password,
    profiles,
    registration,
    social_media,
)
from adapters.security.tokens import TokenStore
from application.history import History

MAX_BODY_BYTES = 64 * 1024
BODY_TIMEOUT_SECONDS = 10.0  # the whole body, from its first read: else 408
DESCRIPTION = """\
Customer profiles of the web-hosting portal, event-sourced.

Every `/v1` request carries `Authorization: Bearer <token>`; the scopes are
`profiles:read` (queries and the stateless helpers), `profiles:write` (commands),
`payment:write` (the card), `audit:read` (audit trails, integrity proofs), `events:read`
(the event feed), `privacy:erase` (erasure). Refusals are
`application/problem+json` with a stable `code`.
"""


def create_app(
    container: Container,
    read_side: ReadModel,
    *,
    tokens: TokenStore,
    max_body_bytes: int = MAX_BODY_BYTES,
    body_timeout: float = BODY_TIMEOUT_SECONDS,
    on_shutdown: Callable[[], None] | None = None,
) -> FastAPI:
    """The HTTP API over a built container and a read side (started or not by the caller)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # What still runs in anyio's worker threads (Starlette's own): as many as database
        # connections, so no thread waits for one (and fewer threads contend for the GIL).
        threads = anyio.to_thread.current_default_thread_limiter()
        threads.total_tokens = container.settings.postgres_pool_size
        yield
        if on_shutdown is not None:
            on_shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="Customer profile service",
        version="1",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,  # routes/docs.py serves /docs with its own files
        redoc_url=None,
        # /v1/profiles/ is not /v1/profiles: 404, never a redirect built from the Host header
        redirect_slashes=False,
    )
    blocking.configure(container.settings.postgres_pool_size)  # `def` endpoints, token checks
    app.state.container = container
    app.state.read_side = read_side
    app.state.history = History(container.service)
    app.state.tokens = tokens
    app.state.helper_limits = HelperLimits(container.settings.helpers_rate_limit)
    problems.install(app)
    sections = (
        registration,
        contact_information,
        additional_information,
        account_contacts,
        account_preferences,
        password,
        credit_card,
        social_media,
        newsletters,
    )
    routers = [
        module.router
        for module in (*sections, profiles, erasure, audit, integrity, events, health, docs)
    ]
    # The routes themselves, in order, not include_router: FastAPI 0.165 keeps included
    # routers nested and matches a request through them twice (about 10% of a request's CPU
    # in-process); the OpenAPI document is the same (tests/e2e/test_openapi_document.py).
    for router in routers:
        app.router.routes.extend(router.routes)
    openapi.install(app)
    app.state.routes = [route for route in app.routes if isinstance(route, Route)]
    app.add_middleware(
        RequestMiddleware,
        tokens=tokens,
        max_body_bytes=max_body_bytes,
        body_timeout=body_timeout,
        routes=app.state.routes,
    )
    return app


def worker_app() -> FastAPI:
    """One of `serve --workers N` processes: its own container, from the environment."""
    from adapters.logging import configure_logging
    from adapters.settings import Settings

    settings = Settings()
    configure_logging(settings.log_format)
    container = build(settings, several_servers=True)
    app = create_app(
        container, container.read_side(), tokens=TokenStore(container.sql),
        on_shutdown=container.close,
    )
    settle_memory()
    return app


def settle_memory() -> None:
    """Just before serving: what exists now (modules, the app) lives as long as the process,
    so the cyclic garbage collector stops scanning it; and it runs less often. Without this a
    full collection stopped every request for 60 to 90 ms now and then (the p99)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
