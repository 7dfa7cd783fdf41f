"""The stateless helpers' guard: a rate limit per token (the limits library), their own threads."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Annotated, TypeVar, TypeVarTuple, cast

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from adapters.entrypoints.http.deps import READ, Caller
from adapters.entrypoints.http.problems import ApiError

# The helpers get threads of their own, so that many costly ones in parallel never take the
# threads that commands and /readyz need (the default pool has one per database connection).
HELPER_THREADS = 2
T = TypeVar("T")
Args = TypeVarTuple("Args")


class HelperLimits:
    """At most `spec` (e.g. "20/second") requests per token to each helper, in this process."""

    def __init__(self, spec: str) -> None:
        self.limits: list[RateLimitItem] = parse_many(spec)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self._threads: anyio.CapacityLimiter | None = None

    def retry_after(self, helper: str, token_name: str) -> int | None:
        """None if this request may go on (and it is counted), else the seconds to wait."""
        full = [item for item in self.limits if not self.limiter.test(item, helper, token_name)]
        if full:
            resets = (self.limiter.get_window_stats(item, helper, token_name)[0] for item in full)
            return max(1, math.ceil(max(resets) - time.time()))
        for item in self.limits:
            self.limiter.hit(item, helper, token_name)
        return None

    async def run(self, function: Callable[[*Args], T], *args: *Args) -> T:
        """`function(*args)` in one of the helpers' threads."""
        if self._threads is None:  # made in the event loop, on first use
            self._threads = anyio.CapacityLimiter(HELPER_THREADS)
        return await anyio.to_thread.run_sync(function, *args, limiter=self._threads)


def limits_of(request: Request) -> HelperLimits:
    return cast(HelperLimits, request.app.state.helper_limits)


async def helper_caller(request: Request, caller: Annotated[Caller, Depends(READ)]) -> Caller:
    """A `profiles:read` caller within its rate limit for this helper, else 429."""
    route = request.scope.get("route")
    helper = getattr(route, "name", None) or request.url.path
    wait = limits_of(request).retry_after(helper, caller.token.name)
    if wait is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"Too many requests to this helper for this token; retry in {wait} s.",
            headers={"Retry-After": str(wait)},
        )
    return caller


Helper = Annotated[Caller, Depends(helper_caller)]
LIMITED = (
    "Scope `profiles:read`. Nothing is recorded. Rate-limited per token and per helper "
    "(`PROFILE_HELPERS_RATE_LIMIT`, default 20 per second): beyond it, 429 `rate_limited` "
    "with `Retry-After`."
)
