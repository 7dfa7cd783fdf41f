"""ProfileService's commands on the in-memory store: versions, unknown profiles, writers that
race, the events' metadata, refusals that record nothing, and the configured options."""

from __future__ import annotations

from datetime import UTC
from uuid import UUID, uuid4

import pytest

from application.ports import SystemClock
from application.service import ProfileService
from application.store import ProfileEventStore
from domain.errors import (
    DomainError,
    ProfileNotFound,
    RuleViolation,
    ValidationFailed,
    VersionConflict,
)
from domain.events import SECTION_OF_EVENT, Meta, ProfileRegistered
from tests.doubles import memory_service
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx, registration
from tests.unit.sections.test_registration import BROKEN_RULES

CONSENT = {"channel": "api", "text_version": "v3", "language": "en"}
CARD = {"holder_name": "M T", "number": "4111111111111111", "exp_month": 1, "exp_year": 2030}


def meta() -> Meta:
    return Meta("customer:other", "c", None, SystemClock().now())


def count(service, profile_id) -> int:
    return len(list(service.events.get(UUID(str(profile_id)))))


def test_the_command_service_and_the_read_only_store_share_one_store_name():
    assert ProfileService.name == ProfileEventStore.name == "profiles"


def test_registering_answers_version_1_and_its_event(service, clock):
    result = service.register(registration(email="Marie@Example.COM"), ctx())
    assert (result.version, result.events) == (1, ("ProfileRegistered",))
    profile = service.get_profile(result.profile_id)
    assert profile.state["email"] == "Marie@example.com"
    assert profile.created_on == clock.now()


def test_a_commands_context_becomes_its_events_metadata_in_utc(service, clock):
    result = service.register(
        registration(), ctx("support:agent-7", correlation_id="req-123", idempotency_key="reg-1")
    )
    (event,) = service.events.get(UUID(result.profile_id))
    assert isinstance(event, ProfileRegistered)
    assert (event.actor, event.correlation_id, event.idempotency_key) == (
        "support:agent-7", "req-123", "reg-1"
    )
    assert event.timestamp == clock.now()
    assert event.timestamp.utcoffset() == UTC.utcoffset(None)
    assert event.originator_version == 1


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
        lambda c: service.register_card(profile_id, CARD, c),
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
        "AccountContactRemoved", "CardReplaced", "PasswordChangeRejected", "ProfileErased"
    }
    for number, event in enumerate(events[1:], start=1):
        assert event.actor == f"service:billing-{number}"
        assert event.correlation_id == f"c-{number}"
        assert event.idempotency_key == f"{key}-{number}"
        assert event.timestamp.utcoffset() == UTC.utcoffset(None)
    assert events[0].idempotency_key is None
    assert [e.timestamp for e in events] == sorted(e.timestamp for e in events)


def test_adding_a_contact_answers_the_id_the_profile_gave_it(service, profile_id):
    result = service.add_contact(profile_id, {"name": "Luc", "email": "luc@example.com"}, ctx())
    assert result.events == ("AccountContactAdded",)
    assert result.contact_id and result.contact_id != "holder"
    assert list(service.get_profile(profile_id).state["contacts"]) == [result.contact_id]


@pytest.mark.parametrize("profile_id", [uuid4(), str(uuid4()), "not-a-uuid"])
def test_commands_and_queries_on_an_unknown_profile_are_profile_not_found(service, profile_id):
    with pytest.raises(ProfileNotFound) as caught:
        service.change_preferences(profile_id, {"language": "en"}, ctx())
    assert caught.value.code == "profile_not_found"
    with pytest.raises(ProfileNotFound):
        service.get_profile(profile_id)
    with pytest.raises(ProfileNotFound):
        service.may_send(profile_id, "invoice")


def test_a_command_applies_at_the_expected_version(service, profile_id):
    result = service.change_preferences(
        profile_id, {"language": "en"}, ctx(expected_version=1)
    )
    assert result.version == 2


def test_a_stale_expected_version_is_a_version_conflict_and_records_nothing(service, profile_id):
    service.change_preferences(profile_id, {"language": "en"}, ctx())
    with pytest.raises(VersionConflict) as caught:
        service.change_preferences(profile_id, {"pdf_invoices": True}, ctx(expected_version=1))
    assert caught.value.code == "version_conflict"
    assert (caught.value.expected, caught.value.actual) == (1, 2)
    assert count(service, profile_id) == 2


def test_a_concurrent_write_found_at_save_time_is_a_version_conflict(
    service, profile_id, monkeypatch
):
    other = service.get_profile(profile_id)  # another writer, a step ahead at each save
    insert = service.recorder.insert_events

    def racing_insert(events, **kwargs):
        other.link_social("twitter", f"https://x.com/other{other.version}", meta())
        insert([service.mapper.to_stored_event(e) for e in other.collect_events()])
        return insert(events, **kwargs)

    monkeypatch.setattr(service.recorder, "insert_events", racing_insert)
    with pytest.raises(VersionConflict) as caught:
        service.change_preferences(profile_id, {"language": "en"}, ctx())
    # Once on the cached profile, once more on the one read again: then it gives up.
    assert (caught.value.expected, caught.value.actual) == (None, 3)
    assert count(service, profile_id) == 3


def test_a_command_that_changes_nothing_succeeds_with_the_version_unchanged(service, profile_id):
    result = service.change_preferences(profile_id, {"language": "fr"}, ctx(expected_version=1))
    assert (result.version, result.events) == (1, ())
    assert count(service, profile_id) == 1


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
        lambda s, p: s.register_card(p, {**CARD, "number": "4111111111111112"}, ctx()),
    ],
)
def test_a_refused_command_records_no_event(service, profile_id, command):
    before = service.recorder.max_notification_id()
    with pytest.raises(DomainError):
        command(service, profile_id)
    assert service.recorder.max_notification_id() == before


@pytest.mark.parametrize(
    "command",
    [
        lambda s, p: s.change_contact(p, {"nickname": "Marie"}, ctx()),
        lambda s, p: s.change_additional_info(p, {"company": 42}, ctx()),
        lambda s, p: s.add_contact(p, {"name": "", "email": "luc@example.com"}, ctx()),
        lambda s, p: s.change_preferences(p, {"pdf_invoices": "yes"}, ctx()),
        lambda s, p: s.change_password(p, {"new_password": OTHER_STRONG_PASSWORD}, ctx()),
        lambda s, p: s.register_card(p, {**CARD, "cvc": "123"}, ctx()),
        lambda s, p: s.subscribe_newsletters(p, {"categories": [], "consent": CONSENT}, ctx()),
    ],
)
def test_malformed_input_is_refused_before_anything_is_recorded(service, profile_id, command):
    with pytest.raises(ValidationFailed):
        command(service, profile_id)
    assert service.get_profile(profile_id).version == 1


@pytest.mark.parametrize(("overrides", "code", "field"), BROKEN_RULES)
def test_a_refused_registration_records_nothing(service, overrides, code, field):
    before = service.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as caught:
        service.register(registration(**overrides), ctx())
    assert (caught.value.code, caught.value.field) == (code, field)
    assert service.recorder.max_notification_id() == before


def test_a_query_answers_from_the_current_profile(service, profile_id):
    assert not service.may_send(profile_id, "newsletter:news").allowed
    service.subscribe_newsletters(
        profile_id, {"categories": ["news"], "consent": CONSENT}, ctx()
    )
    assert service.may_send(profile_id, "newsletter:news").allowed
    assert service.may_send(profile_id, "invoice").allowed


def test_newsletter_categories_are_configurable(clock):
    service = memory_service(clock, newsletter_categories=("promos", "news"))
    try:
        profile_id = service.register(registration(), ctx()).profile_id
        all_of_them = {"categories": ["all"], "consent": CONSENT}
        service.subscribe_newsletters(profile_id, all_of_them, ctx())
        assert sorted(service.get_profile(profile_id).state["newsletters"]) == ["news", "promos"]
        with pytest.raises(RuleViolation):
            service.subscribe_newsletters(
                profile_id, {"categories": ["tips"], "consent": CONSENT}, ctx()
            )
    finally:
        service.close()


def test_accepted_card_brands_are_configurable(clock):
    service = memory_service(clock, accepted_card_brands=("visa", "discover"))
    try:
        profile_id = service.register(registration(), ctx()).profile_id
        discover = {**CARD, "number": "6011111111111117"}
        assert service.register_card(profile_id, discover, ctx()).events == ("CardRegistered",)
        with pytest.raises(RuleViolation) as caught:
            service.register_card(profile_id, {**CARD, "number": "5555555555554444"}, ctx())
        assert caught.value.code == "unsupported_card_brand"
    finally:
        service.close()
