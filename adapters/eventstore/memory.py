"""The in-memory event store: the SQL recorders' contract without a database (tests, trials)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from threading import Lock
from typing import Any
from uuid import UUID
from weakref import WeakValueDictionary

from eventsourcing import popo
from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    IntegrityError,
    StoredEvent,
)
from eventsourcing.utils import Environment, EnvType, resolve_topic

from application.ports import (
    EmailDirectory,
    EmailTaken,
    IdempotencyLedger,
    IdempotencyRecord,
    SealedNumber,
    SideWrites,
    WrappedKey,
)

MEMORY_STORE = "MEMORY_STORE"


class MemorySnapshotRecorder(popo.POPOAggregateRecorder):
    """The snapshots beside a memory recorder's events, under the same lock (one transaction)."""

    def __init__(self, events: MemoryProfileRecorder) -> None:
        super().__init__()
        self._database_lock = events.transaction

    def has(self, originator_id: UUID | str, version: int) -> bool:
        return bool(super().select_events(originator_id, gt=version - 1, lte=version))

    def forget(self, originator_id: UUID) -> None:
        """Delete every snapshot of a profile (held under the recorder's lock)."""
        kept = [e for e in self._stored_events if str(e.originator_id) != str(originator_id)]
        self._stored_events.clear()
        self._stored_events_index.clear()
        for event in kept:  # the library's own list and index, rebuilt without the profile
            self._stored_events.append(event)
            index = self._stored_events_index[str(event.originator_id)]
            index[event.originator_version] = len(self._stored_events) - 1


class MemoryProfileRecorder(popo.POPOApplicationRecorder, IdempotencyLedger, EmailDirectory):
    """Records a command at once: its events, its idempotency record and its due snapshot, or
    nothing (IntegrityError) if a version is taken, does not follow the last one, or a key is."""

    def __init__(self) -> None:
        super().__init__()
        self.transaction = self._database_lock  # held while a command is recorded
        self.snapshots = MemorySnapshotRecorder(self)
        self._records: dict[str, IdempotencyRecord] = {}
        self.vault: dict[str, SealedNumber] = {}  # the card vault's numbers, by token
        self.data_keys: dict[UUID, WrappedKey] = {}  # each profile's data key
        self.claims: dict[str, UUID] = {}  # e-mail address (as compared) -> its profile

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any  # noqa: ANN401
    ) -> Sequence[int] | None:
        record: IdempotencyRecord | None = kwargs.get("idempotency")
        snapshot: StoredEvent | None = kwargs.get("snapshot")
        with self.transaction:
            if record is not None and record.key in self._records:
                raise IntegrityError(f"idempotency key already recorded: {record.key}")
            self._check_sequence(stored_events)
            if snapshot is not None and self.snapshots.has(
                snapshot.originator_id, snapshot.originator_version
            ):
                raise IntegrityError(f"snapshot already recorded: {snapshot}")
            notification_ids = super().insert_events(stored_events)  # checks unique versions
            if record is not None:
                self._records[record.key] = record
            if snapshot is not None:
                self.snapshots.insert_events([snapshot])
            side: SideWrites | None = kwargs.get("side")
            if side:
                self._write_beside(side, stored_events[0].originator_id if stored_events else None)
        return notification_ids

    def _write_beside(self, side: SideWrites, profile_id: UUID | str | None) -> None:
        """What SQL recorders write in the events' transaction (its checks come first)."""
        owner = UUID(str(profile_id)) if profile_id is not None else None
        for email in side.claims:
            if self.claims.get(email, owner) != owner:
                raise EmailTaken
        self.vault.update((sealed.token, sealed) for sealed in side.vault.add)
        for token in side.vault.remove:
            self.vault.pop(token, None)
        if side.new_key is not None:
            self.data_keys[side.new_key.profile_id] = side.new_key
        for email in side.releases:
            if self.claims.get(email) == owner:
                del self.claims[email]
        for email in side.claims:
            if owner is not None:
                self.claims[email] = owner
        if side.erase is not None:
            self.data_keys.pop(side.erase, None)
            self.snapshots.forget(side.erase)

    def email_owner(self, key: str) -> UUID | None:
        with self.transaction:
            return self.claims.get(key)

    def _check_sequence(self, stored_events: Sequence[StoredEvent]) -> None:
        """Refuse an event whose predecessor is not recorded (as the SQL recorders do)."""
        first: dict[UUID | str, int] = {}
        for event in stored_events:
            first.setdefault(event.originator_id, event.originator_version)
        for originator_id, version in first.items():
            # the class's own select_events, not one a caller may have wrapped: no read counts
            if version > 1 and not super().select_events(
                originator_id, gt=version - 2, lte=version - 1
            ):
                raise IntegrityError("an event does not follow the last one")

    def find_idempotency_record(self, key: str) -> IdempotencyRecord | None:
        with self.transaction:
            return self._records.get(key)

    def purge_idempotency_records(self, before: datetime) -> int:
        with self.transaction:
            old = [key for key, record in self._records.items() if record.created_at < before]
            for key in old:
                del self._records[key]
        return len(old)


_STORES: WeakValueDictionary[str, MemoryProfileRecorder] = WeakValueDictionary()
_STORES_LOCK = Lock()


class MemoryFactory(popo.POPOFactory):
    """PERSISTENCE_MODULE=adapters.eventstore.memory: the library's POPO factory, honouring
    APPLICATION_RECORDER_TOPIC (the memory recorder by default; the POPO factory ignores it).
    Applications whose env names the same MEMORY_STORE share one store while any of them uses
    it, as processes share a database."""

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        self._recorder: MemoryProfileRecorder | None = None

    def application_recorder(self) -> ApplicationRecorder:
        topic = self.env.get(self.APPLICATION_RECORDER_TOPIC)
        recorder_class: type[MemoryProfileRecorder] = (
            resolve_topic(topic) if topic else MemoryProfileRecorder
        )
        if not issubclass(recorder_class, MemoryProfileRecorder):
            msg = f"{topic} is not a memory recorder"
            raise TypeError(msg)
        name = self.env.get(MEMORY_STORE)
        if not name:
            self._recorder = recorder_class()
            return self._recorder
        with _STORES_LOCK:
            recorder = _STORES.get(name)
            if recorder is None:
                recorder = _STORES[name] = recorder_class()
        self._recorder = recorder
        return recorder

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        if purpose == "snapshots" and self._recorder is not None:
            return self._recorder.snapshots
        return super().aggregate_recorder(purpose)


Factory = MemoryFactory  # what the library looks for in a persistence module
