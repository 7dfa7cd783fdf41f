"""Rebuilding every view from the events, beside reading the notification log alone."""

from __future__ import annotations

import time
from dataclasses import dataclass

from adapters.bootstrap import Container
from adapters.readside.model import VIEW_NAMES
from adapters.readside.rebuild import PAGE


@dataclass(frozen=True)
class Rebuild:
    events: int
    rebuild_per_second: float  # events replayed into all views together, per second
    read_per_second: float  # notifications read from the log alone, per second
    decode_per_second: float  # read and turned into domain events, per second


def read_log(container: Container, head: int, decode: bool) -> tuple[float, int]:
    """Notifications read (and decoded) per second, and how many (ids may have gaps)."""
    recorder, mapper = container.service.recorder, container.service.mapper
    position, count = 0, 0
    start = time.perf_counter()
    while position < head:
        page = recorder.select_notifications(start=position, limit=PAGE, stop=head,
                                             inclusive_of_start=False)
        if not page:
            break
        if decode:
            for notification in page:
                mapper.to_domain_event(notification)
        count += len(page)
        position = page[-1].id
    return count / (time.perf_counter() - start), count


def rebuild_all(container: Container) -> Rebuild:
    read_side = container.read_side()
    head = read_side.head()
    read_log(container, head, decode=False)  # warm the page cache like the rebuild will be
    read, events = read_log(container, head, decode=False)
    decode, _ = read_log(container, head, decode=True)
    start = time.perf_counter()
    replayed = read_side.rebuild()
    elapsed = time.perf_counter() - start
    if replayed != events * len(VIEW_NAMES):
        raise RuntimeError(f"replayed {replayed} events for {events} recorded")
    return Rebuild(events, events / elapsed, read, decode)
