"""A batch of events applied to several views in one transaction (savepoints if one fails)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Mapper, Notification, Tracking
from eventsourcing.projection import Projection

from adapters.eventstore.sql import write_transaction
from adapters.readside.rows import Batch, Rows
from adapters.readside.views.base import SqlView

Event = tuple[Any, Tracking]


@dataclass(frozen=True)
class Member:
    """A view and the projection that writes it."""

    name: str
    view: SqlView
    projection: Projection[Any]


@dataclass
class Outcome:
    positions: dict[str, int] = field(default_factory=dict)  # each view's position after it
    failures: dict[str, Exception] = field(default_factory=dict)  # the views left as they were


def decode(
    mapper: Mapper[Any], application_name: str, notifications: Sequence[Notification]
) -> list[Event]:
    return [
        (mapper.to_domain_event(notification), Tracking(application_name, notification.id))
        for notification in notifications
    ]


def apply_batch(
    datastore: Any,  # noqa: ANN401
    members: Sequence[Member],
    events: Sequence[Event],
) -> Outcome:
    """Apply `events` (in order, of one application) to each view, written in one transaction.

    Each view reads the states of the profiles concerned once, writes each once and records
    only the last position, skipping the events it has recorded already. The events are
    applied before the writing transaction begins (SQLite's single writer is held only to
    write); a view whose position moved meanwhile has them applied again inside it. A view
    that fails is rolled back to its savepoint (as if the batch never started) and named in
    the outcome; the others commit. An error of the transaction itself is raised.
    """
    if not events or not members:
        return Outcome()
    keys = [str(event.originator_id) for event, _ in events if hasattr(event, "originator_id")]
    try:
        prepared = _prepare(datastore, members, events, keys)
        if all(batch is not None for batch in prepared.values()):
            with suppress(Exception):  # a view moved or failed: then each in a savepoint
                return _committed(members, *_write(datastore, members, events, prepared))
        return _committed(members, *_write_carefully(datastore, members, events, keys, prepared))
    except BaseException:
        for member in members:
            member.view.forget()
        raise


def _committed(members: Sequence[Member], outcome: Outcome, batches: dict[str, Batch]) -> Outcome:
    """The views remember the states they have just committed (or forget them, if failed)."""
    for member in members:
        if member.name in batches:
            member.view.committed(batches[member.name])
        else:
            member.view.forget()
    return outcome


class _Moved(Exception):
    """A view's position moved since its batch was filled (another runner wrote it)."""


def _prepare(
    datastore: Any,  # noqa: ANN401
    members: Sequence[Member],
    events: Sequence[Event],
    keys: Sequence[str],
) -> dict[str, Batch | None]:
    """Each view's batch, filled from what it has recorded, read without locking anything;
    None where that failed (the writing transaction tries again, and names the error)."""
    last = events[-1][1]
    prepared: dict[str, Batch | None] = dict.fromkeys(member.name for member in members)
    with suppress(Exception), datastore.transaction(commit=False) as raw:
        for member in members:
            rows = Rows(raw, member.view.placeholder)
            position, generation = member.view.read_position(rows, last.application_name)
            with member.view.batch_open(
                rows, position, last.notification_id, keys, generation
            ) as batch:
                _process(member, batch, events)
            prepared[member.name] = batch
    return prepared


def _write(
    datastore: Any,  # noqa: ANN401
    members: Sequence[Member],
    events: Sequence[Event],
    prepared: dict[str, Batch | None],
) -> tuple[Outcome, dict[str, Batch]]:
    """Write every prepared batch in one transaction (rolled back whole when one has moved)."""
    application_name, last = events[-1][1].application_name, events[-1][1].notification_id
    outcome, written = Outcome(), {}
    with write_transaction(datastore) as raw:
        for member in members:
            batch = prepared[member.name]
            if batch is None or not member.view.batch_write(raw, application_name, batch):
                raise _Moved
            outcome.positions[member.name] = max(last, batch.position or 0)
            written[member.name] = batch
    return outcome, written


def _write_carefully(
    datastore: Any,  # noqa: ANN401
    members: Sequence[Member],
    events: Sequence[Event],
    keys: Sequence[str],
    prepared: dict[str, Batch | None],
) -> tuple[Outcome, dict[str, Batch]]:
    """Each view in a savepoint, its events applied again inside the transaction if need be."""
    application_name, last = events[-1][1].application_name, events[-1][1].notification_id
    outcome, written = Outcome(), {}
    with write_transaction(datastore) as raw:
        for number, member in enumerate(members):
            savepoint = f"view_{number}"
            raw.execute(f"SAVEPOINT {savepoint}")
            try:
                batch = prepared[member.name]
                if batch is None or not member.view.batch_write(raw, application_name, batch):
                    with member.view.batch_in(raw, application_name, last, keys) as batch:
                        _process(member, batch, events)
            except Exception as error:
                raw.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                raw.execute(f"RELEASE SAVEPOINT {savepoint}")
                outcome.failures[member.name] = error
            else:
                raw.execute(f"RELEASE SAVEPOINT {savepoint}")
                outcome.positions[member.name] = max(last, batch.position or 0)
                written[member.name] = batch
    return outcome, written


def _process(member: Member, batch: Batch, events: Sequence[Event]) -> None:
    if batch.accepts(batch.last):
        process_event = member.projection.process_event  # bound once: binding costs
        for event, tracking in events:
            if batch.accepts(tracking.notification_id):
                process_event(event, tracking)


def apply_within(raw: Any, members: Sequence[Member], events: Sequence[Event]) -> None:  # noqa: ANN401
    """Apply `events` to each view in `raw`'s transaction (a swap's): all or nothing."""
    if not events:
        return
    application_name, last = events[-1][1].application_name, events[-1][1].notification_id
    keys = [str(event.originator_id) for event, _ in events if hasattr(event, "originator_id")]
    for member in members:
        with member.view.batch_in(raw, application_name, last, keys) as batch:
            _process(member, batch, events)
