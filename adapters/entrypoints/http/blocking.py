"""Blocking work off the event loop: a ThreadPoolExecutor, for `def` endpoints and token checks."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from fastapi import APIRouter
from fastapi.routing import APIRoute

from adapters.entrypoints.http.lean import LeanRoute

P = ParamSpec("P")
T = TypeVar("T")
DEFAULT_THREADS = 10

# Under load, anyio.to_thread (FastAPI's way for `def` endpoints: a CapacityLimiter, a
# queue.Queue per worker, a Condition per hop) cost ~100 us of CPU per call against ~45 us
# for run_in_executor, and lengthened the p99 (serve on PostgreSQL, 16 clients: 58-94 ms
# against 35-40 ms). One pool per size; configure() picks the size the app wants.
_pools: dict[int, ThreadPoolExecutor] = {}
_size = DEFAULT_THREADS


def configure(threads: int) -> None:
    """As many threads as database connections, so no thread waits for one."""
    global _size
    _size = max(1, threads)


def _pool() -> ThreadPoolExecutor:
    pool = _pools.get(_size)
    if pool is None:
        pool = _pools[_size] = ThreadPoolExecutor(_size, thread_name_prefix="profile-http")
    return pool


def shutdown() -> None:
    """Stop the pools' threads once their work is done; the next call starts a new pool."""
    while _pools:
        _pools.popitem()[1].shutdown(wait=True)


async def run(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`call` in a thread, in a copy of the request's context (its log fields, RequestInfo)."""
    context = contextvars.copy_context()
    work = functools.partial(context.run, call, *args, **kwargs)
    future = asyncio.get_running_loop().run_in_executor(_pool(), work)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:  # as with anyio: the call finishes before the task ends
        await asyncio.wait([future])
        raise


def in_threads(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A `def` endpoint as an `async def` one that runs it in the pool; FastAPI reads its
    signature, name and docstring through `__wrapped__`, so its OpenAPI entry is the same."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def threaded(*args: object, **kwargs: object) -> object:
        return await run(endpoint, *args, **kwargs)

    return threaded


def operation_id(route: APIRoute) -> str:
    """The endpoint's own name (`register`, `change_contact`): the operationId generated
    clients name their functions after; a route's `operation_id=` overrides it."""
    return route.name


class Router(APIRouter):
    """An APIRouter whose `def` endpoints run in the pool rather than in anyio's threads, whose
    operations are named after their endpoints, and whose routes follow a plan (lean.py)."""

    def __init__(self, **options: Any) -> None:  # noqa: ANN401
        options.setdefault("generate_unique_id_function", operation_id)
        options.setdefault("route_class", LeanRoute)
        super().__init__(**options)

    def add_api_route(
        self, path: str, endpoint: Callable[..., Any], **options: Any  # noqa: ANN401
    ) -> None:
        super().add_api_route(path, in_threads(endpoint), **options)
