"""Events: every name of domain.md, their metadata, gapless versions and upcasting."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

from domain.errors import DomainError
from domain.events import EVENT_CLASSES, SECTION_OF_EVENT, Meta, ProfileRegistered
from domain.inputs import PasswordChange, PreferencesPatch, Registration
from domain.profile import Profile
from domain.sections.registration import check_registration
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx, registration

SPEC = Path(__file__).parents[2] / ".." / "shared" / "spec" / "domain.md"
CONSENT = {"channel": "api", "text_version": "v3", "language": "en"}


@pytest.fixture
def store() -> str:
    return "sqlite"


class PlainHasher:
    """A stand-in for the argon2id port, to exercise the aggregate alone."""

    def hash(self, password: str) -> str:
        return "hashed:" + password[::-1]

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == self.hash(password)


def meta(at: datetime | None = None) -> Meta:
    return Meta("customer:1", "corr-1", None, at or datetime(2026, 3, 1, tzinfo=UTC))


def test_event_classes_are_exactly_the_events_named_in_the_spec():
    spec_text = SPEC.resolve().read_text() if SPEC.resolve().exists() else None
    names = {cls.__name__ for cls in EVENT_CLASSES}
    assert names == set(SECTION_OF_EVENT)
    if spec_text is not None:
        named = set(re.findall(r"`([A-Z][a-z]+(?:[A-Z][a-z]+)+)`", spec_text))
        assert named - {"Profile"} <= names
        assert names - {"ProfileRegistered"} <= named  # the spec names no registration event


def test_every_event_of_a_full_history_carries_its_metadata_with_gapless_versions(
    service, clock
):
    key = f"k-{uuid4()}"
    profile_id = UUID(service.register(registration(), ctx(correlation_id="c-0")).profile_id)
    steps = [
        lambda c: service.change_contact(profile_id, {"phone": "418 555 0199"}, c),
        lambda c: service.change_additional_info(profile_id, {"company": "Acme"}, c),
        lambda c: service.add_contact(profile_id, {"name": "Luc", "email": "l@x.ca"}, c),
        lambda c: service.change_preferences(profile_id, {"language": "en"}, c),
        lambda c: service.change_password(
            profile_id,
            {"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
            c,
        ),
        lambda c: service.register_card(
            profile_id,
            {"holder_name": "M T", "number": "4111111111111111", "exp_month": 1,
             "exp_year": 2030},
            c,
        ),
        lambda c: service.remove_card(profile_id, True, c),
        lambda c: service.link_social(profile_id, "signal", "https://signal.me/#p/x", c),
        lambda c: service.unlink_social(profile_id, "signal", c),
        lambda c: service.subscribe_newsletters(
            profile_id, {"categories": ["news"], "consent": CONSENT}, c
        ),
        lambda c: service.unsubscribe_newsletters(profile_id, c),
    ]
    for number, step in enumerate(steps, start=1):
        clock.advance(minutes=1)
        step(ctx(f"service:billing-{number}", correlation_id=f"c-{number}",
                 idempotency_key=f"{key}-{number}"))
    events = list(service.events.get(profile_id))
    assert [e.originator_version for e in events] == list(range(1, len(steps) + 2))
    assert {type(e).__name__ for e in events} >= set(SECTION_OF_EVENT) - {
        "AccountContactRemoved", "CardReplaced", "PasswordChangeRejected"
    }
    for number, event in enumerate(events[1:], start=1):
        assert event.actor == f"service:billing-{number}"
        assert event.correlation_id == f"c-{number}"
        assert event.idempotency_key == f"{key}-{number}"
        assert event.timestamp.utcoffset() == UTC.utcoffset(None)
    assert events[0].idempotency_key is None
    assert [e.timestamp for e in events] == sorted(e.timestamp for e in events)


@pytest.mark.parametrize(
    "command",
    [
        lambda s, p: s.change_contact(p, {"first_name": "Autre"}, ctx()),
        lambda s, p: s.change_additional_info(p, {"vat_number": "FR40303265045"}, ctx()),
        lambda s, p: s.remove_contact(p, "holder", ctx()),
        lambda s, p: s.change_preferences(p, {"communication_channel": "fax"}, ctx()),
        lambda s, p: s.change_password(
            p, {"current_password": STRONG_PASSWORD, "new_password": "short"}, ctx()
        ),
        lambda s, p: s.remove_card(p, True, ctx()),
        lambda s, p: s.link_social(p, "myspace", "https://myspace.com/x", ctx()),
        lambda s, p: s.subscribe_newsletters(
            p, {"categories": ["gossip"], "consent": CONSENT}, ctx()
        ),
    ],
)
def test_a_refused_command_records_no_event(service, profile_id, command):
    before = service.recorder.max_notification_id()
    with pytest.raises(DomainError):
        command(service, profile_id)
    assert service.recorder.max_notification_id() == before


def test_the_aggregate_alone_applies_rules_and_collects_pending_events():
    fields = check_registration(Registration.model_validate(registration()))
    profile = Profile.register(fields, PlainHasher().hash(STRONG_PASSWORD), meta())
    profile.change_preferences(PreferencesPatch(language="en"), meta())
    profile.change_preferences(PreferencesPatch(language="en"), meta())  # no change
    with pytest.raises(DomainError) as caught:
        profile.change_password(
            PasswordChange(current_password="wrong but long", new_password="x"),
            PlainHasher(),
            meta(),
        )
    assert caught.value.code == "wrong_password"
    names = [type(e).__name__ for e in profile.collect_events()]
    assert names == ["ProfileRegistered", "PreferencesChanged", "PasswordChangeRejected"]
    assert profile.version == 3
    assert len(profile.state["rejected_attempts"]) == 1


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
