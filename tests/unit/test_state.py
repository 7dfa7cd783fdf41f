"""domain.state.evolve: the one definition of the profile's state, event by event."""

from __future__ import annotations

from copy import deepcopy

import pytest

from domain import events as ev
from domain.state import evolve
from tests.doubles import AT
from tests.doubles import later_event as event
from tests.doubles import registered_event as registered


def test_the_registration_gives_every_part_of_the_state():
    state = evolve(None, registered())
    assert (state["version"], state["password_hash"]) == (1, "$argon2id$secret")
    assert state["address"]["line2"] is None
    assert state["additional_info"] == dict.fromkeys(
        ("company", "vat_number", "job_title", "website")
    )
    assert state["preferences"]["language"] == "en"
    assert (state["contacts"], state["social"], state["newsletters"]) == ({}, {}, {})
    assert state["card"] is None and state["rejected_attempts"] == []
    assert state["registered_at"] == state["updated_at"] == registered().timestamp.isoformat()


def test_an_event_before_registration_is_refused():
    with pytest.raises(ValueError, match="unknown profile"):
        evolve(None, event(ev.CardRemoved, 2, old_card={"brand": "visa", "last4": "4242"}))


def test_an_event_of_no_profile_is_refused():
    class Stray(ev.ProfileEvent):
        pass

    stray = event(Stray, 2)
    with pytest.raises(TypeError, match="Not a profile event"):
        evolve(evolve(None, registered()), stray)


def test_evolving_leaves_the_state_it_is_given_and_shares_what_the_event_did_not_change():
    before = evolve(None, registered())
    kept = deepcopy(before)
    after = evolve(before, event(ev.SocialAccountLinked, 2, network="signal", url="https://s/x"))
    assert before == kept
    assert after["social"] == {"signal": "https://s/x"} and before["social"] == {}
    assert (after["version"], after["updated_at"]) == (2, AT.isoformat())
    assert after["address"] is before["address"] and after["contacts"] is before["contacts"]


def test_a_wrong_password_is_remembered_and_a_new_password_forgets_them():
    state = evolve(None, registered())
    for version in range(2, 9):
        state = evolve(state, event(ev.PasswordChangeRejected, version, reason="wrong_password"))
    assert len(state["rejected_attempts"]) == 5  # the last five only
    state = evolve(state, event(ev.PasswordChanged, 9, password_hash="$argon2id$new"))
    assert (state["password_hash"], state["rejected_attempts"]) == ("$argon2id$new", [])
