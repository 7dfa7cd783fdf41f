"""View ports: what each projection needs from its storage, each write with its tracking."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking, TrackingRecorder

from domain.state import ProfileState

Record = dict[str, Any]  # what a reader is shown (domain.disclosure.profile_record)
Entry = dict[str, Any]


class ViewRecorder(TrackingRecorder):
    """A view that records, in each write's transaction, the position it has reached.

    Writes may be grouped: the events of a batch are applied in one transaction, each
    profile's state read and written once, the position recorded once for the last event;
    an event at or before the recorded position is ignored."""

    @abstractmethod
    def profile_version(self, profile_id: UUID | str) -> int | None:
        """The version of the profile this view reflects, None when it has not seen it."""

    @abstractmethod
    def reset(self, application_name: str, start_after: int | None = None) -> None:
        """Forget every row and the tracking position (then start after `start_after`)."""

    @abstractmethod
    def drop(self) -> None:
        """Drop the view's tables."""


class ProfileViewRecorder(ViewRecorder):
    """Each profile's state without its secrets; read as the record readers are shown."""

    @abstractmethod
    def evolve(
        self,
        profile_id: str,
        change: Callable[[ProfileState | None], ProfileState | None],
        tracking: Tracking,
    ) -> None:
        """In one transaction (the batch's, if one is open): record `tracking`, then store
        `change(current state)` unless it is None."""

    @abstractmethod
    def get(self, profile_id: UUID | str) -> Record | None:
        """The profile's current record (`profile_record` of its state), None when unknown."""


class AuditRecorder(ViewRecorder):
    """One entry per recorded event, and each profile's last known state for `before`."""

    @abstractmethod
    def append(
        self,
        profile_id: str,
        step: Callable[[ProfileState | None], tuple[ProfileState, Entry] | None],
        tracking: Tracking,
    ) -> None:
        """In one transaction (the batch's, if one is open): record `tracking`;
        `step(last state)` gives the new one and the entry to append, or None for nothing."""

    @abstractmethod
    def erase(self, profile_id: str, tracking: Tracking) -> None:
        """In the transaction of `tracking` (the batch's): keep each earlier entry's skeleton,
        every change's before and after erased (privacy.md)."""

    @abstractmethod
    def entries(
        self,
        *,
        profile_id: UUID | str | None = None,
        after: int | None = None,
        limit: int = 100,
        section: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Entry]:
        """Entries oldest first (by position); `since` inclusive, `until` exclusive."""

    def iter_entries(
        self,
        *,
        profile_id: UUID | str | None = None,
        after: int | None = None,
        section: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        page_size: int = 500,
    ) -> Iterator[Entry]:
        """Every matching entry, oldest first, read page by page (for exports)."""
        while True:
            page = self.entries(
                profile_id=profile_id,
                after=after,
                limit=page_size,
                section=section,
                since=since,
                until=until,
            )
            yield from page
            if len(page) < page_size:
                return
            after = page[-1]["position"]


@dataclass(frozen=True)
class AudienceChange:
    """What an event changes in a profile's communications; None means unchanged."""

    profile_id: str
    version: int
    registered: bool = False  # only a registration introduces a profile
    domain_suggestions: bool | None = None
    categories: Sequence[str] | None = None  # the new full set of subscribed categories
    consent: Mapping[str, Any] = field(default_factory=dict)  # for new and renewed categories
    renewed: Sequence[str] = ()  # categories kept whose consent this one replaces
    unsubscribed_at: str | None = None
    erased: bool = False  # the person is forgotten: out of every audience, sent nothing


@dataclass(frozen=True)
class Communications:
    version: int
    newsletters: dict[str, dict[str, Any]]  # category -> consent
    domain_suggestions: bool
    unsubscribed_at: str | None
    erased: bool = False


class AudienceRecorder(ViewRecorder):
    """Subscribers per newsletter category and what each profile accepts to receive."""

    @abstractmethod
    def record(self, change: AudienceChange, tracking: Tracking) -> None:
        """In one transaction (the batch's, if one is open): record `tracking` and apply
        `change` (ignored for a profile this view has not seen registered)."""

    @abstractmethod
    def subscribers(self, category: str, after: str | None = None, limit: int = 100) -> list[str]:
        """Profile ids subscribed to `category`, ordered, those after `after`."""

    @abstractmethod
    def communications(self, profile_id: UUID | str) -> Communications | None:
        """The profile's newsletter consents and preferences, None when unknown."""
