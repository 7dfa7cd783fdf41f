"""Time travel from the events (History): a profile at a version or an instant, its events
with every secret masked."""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import uuid4

import pytest

from application.history import History, profile_state
from domain.errors import ProfileNotFound, VersionNotFound
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx

CARD = {
    "holder_name": "Marie Tremblay",
    "number": "5555555555554444",
    "exp_month": 12,
    "exp_year": 2031,
}


@pytest.fixture
def history(service) -> History:
    return History(service)


def test_profile_at_a_version_is_the_state_after_that_event(service, history, profile_id):
    service.change_additional_info(profile_id, {"company": "Acme"}, ctx())
    service.change_additional_info(profile_id, {"company": "Globex"}, ctx())
    assert history.profile_at(profile_id, version=2)["additional_info"]["company"] == "Acme"
    assert history.profile_at(profile_id, version=1)["additional_info"]["company"] is None
    assert history.profile_at(profile_id) == profile_state(service.get_profile(profile_id))
    assert history.profile_at(profile_id, version=3)["version"] == 3


def test_profile_at_an_instant_is_the_state_of_the_last_event_by_then(
    service, history, clock, profile_id
):
    clock.advance(days=1)
    service.link_social(profile_id, "facebook", "https://facebook.com/marie", ctx())
    linked_at = clock.now()
    clock.advance(days=1)
    service.unlink_social(profile_id, "facebook", ctx())
    between = linked_at + timedelta(hours=12)
    assert history.profile_at(profile_id, as_of=between)["social"] == {
        "facebook": "https://facebook.com/marie"
    }
    assert history.profile_at(profile_id, as_of=linked_at)["version"] == 2
    assert history.profile_at(profile_id, as_of=linked_at - timedelta(seconds=1))["version"] == 1
    assert history.profile_at(profile_id, as_of=clock.now())["social"] == {}
    naive = between.replace(tzinfo=None)
    assert history.profile_at(profile_id, as_of=naive)["version"] == 2


def test_before_registration_or_beyond_the_last_version_there_is_no_state(
    history, clock, profile_id
):
    with pytest.raises(VersionNotFound):
        history.profile_at(profile_id, as_of=clock.now() - timedelta(days=1))
    with pytest.raises(VersionNotFound):
        history.profile_at(profile_id, version=2)
    with pytest.raises(VersionNotFound):
        history.profile_at(profile_id, version=0)


def test_unknown_profile_is_not_found_at_any_time(history, clock):
    for kwargs in ({}, {"version": 1}, {"as_of": clock.now()}):
        with pytest.raises(ProfileNotFound):
            history.profile_at(uuid4(), **kwargs)
    with pytest.raises(ProfileNotFound):
        history.events(uuid4())
    with pytest.raises(ProfileNotFound):
        history.events("not-a-uuid")


def test_version_and_instant_together_are_refused(history, clock, profile_id):
    with pytest.raises(ValueError, match="not both"):
        history.profile_at(profile_id, version=1, as_of=clock.now())


def test_events_carry_their_metadata_and_mask_every_secret(service, history, profile_id):
    key = f"key-{uuid4()}"
    service.change_password(
        profile_id,
        {"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
        ctx(correlation_id="corr-pw", idempotency_key=key),
    )
    service.register_card(profile_id, CARD, ctx())
    service.register_card(profile_id, {**CARD, "number": "4242424242424242"}, ctx())
    events = history.events(profile_id)
    assert [e["name"] for e in events] == [
        "ProfileRegistered",
        "PasswordChanged",
        "CardRegistered",
        "CardReplaced",
    ]
    password = events[1]
    assert password["fields"] == {"password": "changed"}
    assert (password["correlation_id"], password["idempotency_key"]) == ("corr-pw", key)
    assert password["actor"] == "customer:42" and password["version"] == 2
    assert events[0]["fields"]["password"] == "set"
    assert events[3]["fields"]["old_card"] == {
        "brand": "mastercard",
        "last4": "4444",
        "exp_month": 12,
        "exp_year": 2031,
        "holder_name": "Marie Tremblay",
    }
    profile = service.get_profile(profile_id)
    dumped = json.dumps(events)
    assert profile.state["password_hash"] not in dumped and "argon2" not in dumped
    assert (
        profile.state["card"]["token"] not in dumped
        and profile.state["card"]["fingerprint"] not in dumped
    )
    assert "4242424242424242" not in dumped
