"""What the service knows about the request being answered, for problems and the log line."""

from __future__ import annotations

import re
import time
import uuid
from contextvars import ContextVar
from contextvars import Token as Marker
from dataclasses import dataclass, field

from adapters.security.tokens import Token

_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


@dataclass
class RequestInfo:
    correlation_id: str
    method: str
    path: str
    started: float = field(default_factory=time.perf_counter)
    token: Token | None = None
    actor: str | None = None
    route: str | None = None
    status: int | None = None
    profile_id: str | None = None
    version: int | None = None
    response_started: bool = False

    def note(self, *, profile_id: str | None = None, version: int | None = None) -> None:
        if profile_id is not None:
            self.profile_id = profile_id
        if version is not None:
            self.version = version

    @property
    def duration_ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 2)


_current: ContextVar[RequestInfo | None] = ContextVar("profile_service_request", default=None)


def correlation_id_from(header: str | None) -> str:
    """The caller's correlation id when it is a sane one, else a new one."""
    if header is not None and _CORRELATION_ID.match(header):
        return header
    return str(uuid.uuid4())


def current_request() -> RequestInfo | None:
    return _current.get()


def enter(info: RequestInfo) -> Marker[RequestInfo | None]:
    return _current.set(info)


def leave(marker: Marker[RequestInfo | None]) -> None:
    _current.reset(marker)
