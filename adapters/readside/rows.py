"""The views' SQL plumbing: `?` placeholders on both stores, rows as dicts, a batch's state."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

to_json = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def canonical_id(profile_id: UUID | str) -> str | None:
    try:
        return str(profile_id if isinstance(profile_id, UUID) else UUID(str(profile_id)))
    except ValueError:
        return None


def epoch_us(at: datetime) -> int:
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return int(at.timestamp() * 1_000_000)


class RawCursor(Protocol):
    def execute(self, sql: Any, params: Any = ...) -> Any: ...  # noqa: ANN401
    def executemany(self, sql: Any, params: Any) -> Any: ...  # noqa: ANN401
    def fetchone(self) -> Any: ...  # noqa: ANN401
    def fetchall(self) -> Any: ...  # noqa: ANN401
    def copy(self, sql: Any) -> Any: ...  # noqa: ANN401  (PostgreSQL only)


class Rows:
    """A cursor speaking `?` placeholders on both stores, rows as dicts."""

    def __init__(self, raw: RawCursor, placeholder: str) -> None:
        self.raw = raw
        self.placeholder = placeholder

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.raw.execute(sql.replace("?", self.placeholder), tuple(params))

    def many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        if params:
            self.raw.executemany(sql.replace("?", self.placeholder), [tuple(p) for p in params])

    def one(self) -> dict[str, Any] | None:
        row = self.raw.fetchone()
        return None if row is None else dict(row)

    def all(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self.raw.fetchall()]


@dataclass
class Batch:
    """A view's share of one transaction: each profile's state read once, written once at the end,
    and the position recorded once, for the last event."""

    thread: int
    rows: Rows
    position: int | None  # recorded before this batch (its row locked until the commit)
    last: int
    generation: int | None = None  # which build of the view's tables (see views.batching)
    states: dict[str, Any] = field(default_factory=dict)  # profile id -> state, None: unknown
    dirty: dict[str, None] = field(default_factory=dict)  # the profile ids to write, in order
    entries: list[dict[str, Any]] = field(default_factory=list)
    erased: list[str] = field(default_factory=list)  # profiles whose entries lose their values

    def accepts(self, notification_id: int) -> bool:
        return self.position is None or notification_id > self.position



@dataclass
class Memory:
    """The states a runner's view keeps between its batches, valid at `position` only (when
    nobody else wrote the view meanwhile); the least recently used go first."""

    size: int
    position: int | None = None
    generation: int | None = None
    states: OrderedDict[str, Any] = field(default_factory=OrderedDict)

    def recall(self, position: int | None, generation: int | None) -> OrderedDict[str, Any]:
        """The states remembered, if they are those at `position` of the same build of the
        tables (a rebuilt view swapped in is another generation): else none, forgotten."""
        if position is None or (position, generation) != (self.position, self.generation):
            self.forget()
        return self.states

    def keep(self, position: int, generation: int | None, states: dict[str, Any]) -> None:
        self.position, self.generation = position, generation
        for key, state in states.items():
            self.states[key] = state
            self.states.move_to_end(key)
        while len(self.states) > self.size:
            self.states.popitem(last=False)

    def forget(self) -> None:
        self.position = self.generation = None
        self.states.clear()
