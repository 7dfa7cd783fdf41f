"""The Profile aggregate alone: rules applied, events pending until collected, and its state
the one `domain.state.evolve` gives."""

from __future__ import annotations

import pytest

from domain.errors import DomainError
from domain.inputs import PasswordChange, PreferencesPatch, Registration, parse
from domain.profile import Profile
from domain.sections.registration import check_registration
from domain.state import evolve
from tests.doubles import meta, new_profile, pending
from tests.support import STRONG_PASSWORD, registration


def test_the_aggregate_alone_applies_rules_and_collects_pending_events(hasher):
    profile = new_profile(hasher)
    profile.change_preferences(PreferencesPatch(language="en"), meta())
    profile.change_preferences(PreferencesPatch(language="en"), meta())  # no change
    with pytest.raises(DomainError) as caught:
        profile.change_password(
            PasswordChange(current_password="wrong but long", new_password="x"), hasher, meta()
        )
    assert caught.value.code == "wrong_password"
    assert pending(profile) == ["PreferencesChanged", "PasswordChangeRejected"]
    assert profile.version == 3
    assert len(profile.state["rejected_attempts"]) == 1
    assert pending(profile) == []


def test_its_state_is_the_one_evolve_gives_event_by_event(hasher):
    fields = check_registration(parse(Registration, registration()))
    profile = Profile.register(fields, hasher.hash(STRONG_PASSWORD), meta())
    profile.change_preferences(PreferencesPatch(pdf_invoices=True), meta())
    profile.link_social("signal", "https://signal.me/#p/x", meta())
    state = None
    for event in profile.collect_events():
        state = evolve(state, event)
    assert state == profile.state
    assert (profile.state["profile_id"], profile.state["version"]) == (str(profile.id), 3)


def test_user_inputs_are_the_holders_names_and_email(profile):
    state = profile.state
    assert profile.user_inputs == [state["first_name"], state["last_name"], state["email"]]
