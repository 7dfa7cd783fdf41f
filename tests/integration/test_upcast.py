"""An event stored by an older version of the service loads with the fields added since."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from adapters.bootstrap import build
from domain.events import ProfileRegistered
from domain.profile import Profile
from tests.support import ctx


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
