"""The feed's source: the audit trail's entries as CloudEvents, a page or a batch at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from adapters.feed.cloudevent import encode, event_id
from adapters.feed.ports import AuditEntries, AuditPages, Message

PAGE_START = b'{"events":['


@dataclass(frozen=True)
class Page:
    """A page of the pull feed: CloudEvents in JSON, and where the next page starts."""

    bodies: list[bytes]
    next_after: int | None

    def json(self) -> bytes:
        """`{"events": [...], "next_after": N | null}` with each CloudEvent as it is published."""
        after = b"null" if self.next_after is None else str(self.next_after).encode()
        return PAGE_START + b",".join(self.bodies) + b'],"next_after":' + after + b"}"


@dataclass(frozen=True)
class Batch:
    """What the relay publishes next, and the position it reaches once they are acknowledged
    (beyond the last message when the audit trail went further without an entry)."""

    messages: list[Message]
    upto: int


def page(audit: AuditPages, after: int | None, limit: int) -> Page:
    """The CloudEvents of the entries after `after` (the pull feed, on every store)."""
    entries = audit.entries(after=after, limit=limit)
    next_after = int(entries[-1]["position"]) if len(entries) == limit else None
    return Page([encode(entry) for entry in entries], next_after)


class FeedSource:
    """Reads the audit trail of `application`'s events; `head()` is the log's last position."""

    def __init__(self, audit: AuditEntries, application: str, head: Callable[[], int]) -> None:
        self.audit = audit
        self.application = application
        self.head = head

    def page(self, after: int | None, limit: int) -> Page:
        return page(self.audit, after, limit)

    def reached(self) -> int:
        """The position up to which the audit trail is complete."""
        return self.audit.max_tracking_id(self.application) or 0

    def batch(self, after: int, limit: int) -> Batch:
        """The entries after `after`, up to `limit`, among those the audit trail has completed."""
        reached = self.reached()  # first: its entries up to there are committed with it
        if reached <= after:
            return Batch([], after)
        found = self.audit.entries(after=after, limit=limit)
        kept = [entry for entry in found if int(entry["position"]) <= reached]
        complete = len(found) < limit or int(found[-1]["position"]) > reached
        messages = [
            Message(str(entry["event"]), event_id(entry), encode(entry), int(entry["position"]))
            for entry in kept
        ]
        return Batch(messages, reached if complete else messages[-1].position)

    def id_at(self, position: int) -> str | None:
        """The CloudEvent id of the entry at `position`, if there is one."""
        found = self.audit.entries(after=position - 1, limit=1)
        if found and int(found[0]["position"]) == position:
            return event_id(found[0])
        return None
