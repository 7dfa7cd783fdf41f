"""What the feed reads (the audit trail) and where the relay publishes (a message broker)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class AuditPages(Protocol):
    """The audit trail's entries in position order, a page at a time."""

    def entries(self, *, after: int | None = None, limit: int = 100) -> list[dict[str, Any]]: ...


class AuditEntries(AuditPages, Protocol):
    """The audit trail the relay follows: its entries, and how far it has got."""

    def max_tracking_id(self, application_name: str) -> int | None: ...


@dataclass(frozen=True)
class Message:
    """One CloudEvent to publish: its event's name (the subject's last token), id and body."""

    name: str
    id: str
    body: bytes
    position: int


@dataclass(frozen=True)
class Last:
    """The last message a stream holds: its CloudEvent id and position."""

    id: str
    position: int


class Publisher(ABC):
    """Where the relay publishes: each message acknowledged as stored, or an error raised."""

    @abstractmethod
    async def publish(self, messages: Sequence[Message]) -> None:
        """Publish in order; return once every one is acknowledged (else raise)."""

    @abstractmethod
    async def last(self) -> Last | None:
        """The last message the stream holds, if any."""

    @abstractmethod
    async def close(self) -> None:
        """Let go of the connection (never raises)."""
