"""The endpoints' thread pool: the request's context goes along, signatures stay, calls finish."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from contextvars import ContextVar

from adapters.entrypoints.http import blocking

REQUEST: ContextVar[str] = ContextVar("request", default="none")


def test_a_call_runs_in_a_pool_thread_with_the_callers_context() -> None:
    def seen() -> tuple[str, str]:
        return REQUEST.get(), threading.current_thread().name

    async def main() -> tuple[str, str]:
        REQUEST.set("r1")
        return await blocking.run(seen)

    value, thread = asyncio.run(main())
    assert value == "r1"
    assert thread.startswith("profile-http")


def test_a_def_endpoint_keeps_its_signature_name_and_docstring() -> None:
    def endpoint(profile_id: str, limit: int = 3) -> dict[str, object]:
        """Doc."""
        return {"profile_id": profile_id, "limit": limit}

    wrapped = blocking.in_threads(endpoint)
    assert inspect.iscoroutinefunction(wrapped)
    assert inspect.signature(wrapped) == inspect.signature(endpoint)
    assert (wrapped.__name__, wrapped.__doc__) == ("endpoint", "Doc.")
    assert asyncio.run(wrapped("p", limit=5)) == {"profile_id": "p", "limit": 5}


def test_an_async_endpoint_is_left_alone() -> None:
    async def endpoint() -> None:
        return None

    assert blocking.in_threads(endpoint) is endpoint


def test_a_cancelled_request_lets_its_call_finish_first() -> None:
    finished = threading.Event()

    def slow() -> None:
        time.sleep(0.2)
        finished.set()

    async def main() -> bool:
        task = asyncio.create_task(blocking.run(slow))
        await asyncio.sleep(0.05)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return finished.is_set()
        return False

    assert asyncio.run(main())
