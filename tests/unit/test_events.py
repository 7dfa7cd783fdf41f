"""The domain events: exactly those of the spec, one section each, and an old registration
event upcast to the current version."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

from domain.events import EVENT_CLASSES, SECTION_OF_EVENT, SECTIONS, ProfileRegistered
from domain.profile import Profile
from tests.support import registration

# The events domain.md names (the spec lives outside this repository; copied here). It names
# no registration event: ProfileRegistered is the service's own.
SPEC_EVENTS = {
    "ContactChanged",
    "AdditionalInfoChanged",
    "AccountContactAdded",
    "AccountContactRemoved",
    "PreferencesChanged",
    "PasswordChanged",
    "PasswordChangeRejected",
    "CardRegistered",
    "CardReplaced",
    "CardRemoved",
    "SocialAccountLinked",
    "SocialAccountUnlinked",
    "NewsletterSubscriptionsChanged",
    "NewsletterUnsubscribed",
    "ProfileErased",  # privacy.md
}


def test_event_classes_are_exactly_the_events_named_in_the_spec():
    names = {cls.__name__ for cls in EVENT_CLASSES}
    assert names == set(SECTION_OF_EVENT)
    assert names - {"ProfileRegistered"} == SPEC_EVENTS


def test_every_event_belongs_to_one_section_of_the_page():
    assert SECTIONS == (
        "registration", "contact", "additional_info", "account_contacts", "preferences",
        "password", "card", "social", "newsletters", "privacy",
    )
    assert set(SECTION_OF_EVENT.values()) == set(SECTIONS)


def test_a_version_1_registration_without_language_is_upcast_to_french():
    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DatetimeAsISO())
    mapper: Mapper = Mapper(transcoder=transcoder)
    fields = {k: v for k, v in registration().items() if k not in ("password", "language")}
    state = {
        **fields,
        "address": {**fields["address"], "line2": None},
        "password_hash": "hashed",
        "timestamp": datetime(2024, 1, 1, tzinfo=UTC),
        "originator_topic": get_topic(Profile),
        "actor": "system:migration",
        "correlation_id": "c",
        "idempotency_key": None,
    }
    stored = StoredEvent(
        originator_id=uuid4(),
        originator_version=1,
        topic=get_topic(ProfileRegistered),
        state=mapper.transcoder.encode(state),
    )
    assert b"class_version" not in stored.state
    event = mapper.to_domain_event(stored)
    assert isinstance(event, ProfileRegistered)
    assert event.language == "fr"
    profile = event.mutate(None)
    assert profile.state["preferences"]["language"] == "fr"
    assert b'"class_version":2' in mapper.to_stored_event(event).state.replace(b" ", b"")
