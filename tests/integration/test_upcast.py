"""What an older version of the service stored still loads: a registration event without the
fields added since, a Profile snapshot in the v1 layout (the state's fields as attributes)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from adapters.bootstrap import build
from domain.errors import RuleViolation
from domain.events import ProfileRegistered
from domain.profile import Profile
from domain.state import evolve
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx, registration


def store_v1_registration(service, profile_id: UUID, email: str) -> None:
    """Write a ProfileRegistered as version 1 wrote it: no `language`, no class_version."""
    state = {
        "timestamp": datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        "originator_topic": get_topic(Profile),
        "actor": "system:import",
        "correlation_id": "import-2024",
        "idempotency_key": None,
        "first_name": "Jean",
        "last_name": "Dupont",
        "email": email,
        "phone": None,
        "address": {"line1": "5 rue de Rivoli", "line2": None, "city": "Paris",
                    "region": None, "postal_code": "75001", "country": "FR"},
        "password_hash": service.hasher.hash("an old long password 1"),
    }
    data = service.mapper.transcoder.encode(state)
    if service.mapper.compressor is not None:
        data = service.mapper.compressor.compress(data)
    if service.mapper.cipher is not None:
        data = service.mapper.cipher.encrypt(data)
    service.recorder.insert_events([
        StoredEvent(
            originator_id=profile_id,
            originator_version=1,
            topic=get_topic(ProfileRegistered),
            state=data,
        )
    ])


def test_a_version_1_registration_without_language_loads_in_french(service, settings, clock):
    profile_id, email = uuid4(), f"jean.{uuid4().hex[:8]}@example.fr"
    store_v1_registration(service, profile_id, email)
    (stored,) = service.recorder.select_events(profile_id)
    assert b"class_version" not in stored.state
    assert b"language" not in stored.state

    fresh = build(settings, clock=clock)
    try:
        profile = fresh.service.get_profile(profile_id)
        assert profile.state["preferences"]["language"] == "fr"
        assert profile.state["email"] == email
        (event,) = fresh.service.events.get(profile_id)
        assert isinstance(event, ProfileRegistered)
        assert event.language == "fr"
        result = fresh.service.change_preferences(profile_id, {"language": "en"}, ctx())
        assert result.version == 2
        assert fresh.service.get_profile(profile_id).state["preferences"]["language"] == "en"
    finally:
        fresh.close()


V1_FIELDS = (
    "first_name", "last_name", "email", "phone", "address", "additional_info", "contacts",
    "preferences", "card", "social", "newsletters", "unsubscribed_at", "password_hash",
    "rejected_attempts",
)


def store_v1_snapshot(service, profile_id: UUID) -> int:
    """Write a Profile snapshot as class version 1 took it: the state's fields as attributes of
    the aggregate (no `state`, no class_version), at the profile's last version."""
    events = list(service.events.get(profile_id))
    state = None
    for event in events:
        state = evolve(state, event)
    assert state is not None
    v1 = {name: state[name] for name in V1_FIELDS}
    v1["_created_on"] = events[0].timestamp
    v1["_modified_on"] = events[-1].timestamp
    snapshot = Snapshot(
        originator_id=profile_id,
        originator_version=events[-1].originator_version,
        timestamp=Snapshot.create_timestamp(),
        topic=get_topic(Profile),
        state=v1,
    )
    stored = service.mapper.to_stored_event(snapshot)
    assert b"class_version" not in stored.state
    service.snapshots.recorder.insert_events([stored])
    return events[-1].originator_version


def evolved(service, profile_id: UUID):
    state = None
    for event in service.events.get(profile_id):
        state = evolve(state, event)
    return state


def reads(monkeypatch, recorder) -> list[int]:
    """Spy on a recorder: the number of rows each select_events call returns."""
    counts: list[int] = []
    select = recorder.select_events

    def spy(*args, **kwargs):
        rows = select(*args, **kwargs)
        counts.append(len(rows))
        return rows

    monkeypatch.setattr(recorder, "select_events", spy)
    return counts


@pytest.mark.parametrize("events_after", [0, 1], ids=["at-the-snapshot", "an-event-after"])
def test_a_version_1_snapshot_of_a_profile_loads_with_its_whole_state(
    service, settings, clock, monkeypatch, events_after
):
    profile_id = UUID(service.register(registration(), ctx()).profile_id)
    clock.advance(minutes=5)
    service.change_preferences(profile_id, {"language": "en"}, ctx())
    clock.advance(minutes=5)
    wrong = {"current_password": "not the password 123", "new_password": OTHER_STRONG_PASSWORD}
    with pytest.raises(RuleViolation):
        service.change_password(profile_id, wrong, ctx())
    snapshot_version = store_v1_snapshot(service, profile_id)
    assert snapshot_version == 3
    for _ in range(events_after):
        clock.advance(minutes=5)
        service.link_social(profile_id, "signal", "https://signal.me/#p/marie", ctx())

    fresh = build(settings, clock=clock)  # a cold cache: the profile is read from the store
    try:
        events = reads(monkeypatch, fresh.service.events.recorder)
        snapshots = reads(monkeypatch, fresh.service.snapshots.recorder)
        profile = fresh.service.get_profile(profile_id)
        assert (snapshots, sum(events)) == ([1], events_after)  # loaded from the v1 snapshot
        expected = evolved(service, profile_id)
        assert profile.state == expected
        assert profile.state["profile_id"] == str(profile_id)
        assert profile.state["version"] == profile.version == 3 + events_after
        assert profile.state["registered_at"] == profile.created_on.isoformat()
        assert profile.state["updated_at"] == profile.modified_on.isoformat()
        assert profile.state["updated_at"] == clock.now().isoformat()
        assert len(profile.state["rejected_attempts"]) == 1
        assert fresh.service.hasher.verify(profile.state["password_hash"], STRONG_PASSWORD)
        result = fresh.service.change_preferences(profile_id, {"pdf_invoices": True}, ctx())
        assert result.version == 4 + events_after
    finally:
        fresh.close()
