"""Section D, password: the current one is needed, a refusal is recorded, guessing is locked
out; and the rules for a new password's length and strength, and for generated ones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import RuleViolation, ValidationFailed
from domain.events import PasswordChanged, PasswordChangeRejected
from domain.inputs import PasswordChange, parse
from domain.sections.password import (
    MAX_LENGTH,
    MIN_LENGTH,
    Strength,
    check_new_password,
    estimate_strength,
    generate_password,
)
from tests.doubles import AT, meta, pending
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD

WRONG = "not my password at all 99"


class Clock:
    """The instant of each attempt, moved by hand."""

    def __init__(self) -> None:
        self.now = AT

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def change(profile, hasher, at=AT, current=STRONG_PASSWORD, new=OTHER_STRONG_PASSWORD):
    change = PasswordChange(current_password=current, new_password=new)
    profile.change_password(change, hasher, meta(at))


def refuse(profile, hasher, code, at=AT, **kw):
    with pytest.raises(RuleViolation) as caught:
        change(profile, hasher, at, **kw)
    assert caught.value.code == code
    return caught.value


# --- the profile's password -----------------------------------------------------------


def test_changes_the_password_to_the_new_ones_hash(profile, hasher):
    old_hash = profile.state["password_hash"]
    change(profile, hasher)
    (event,) = profile.collect_events()
    assert isinstance(event, PasswordChanged)
    assert event.password_hash == hasher.hash(OTHER_STRONG_PASSWORD) != old_hash
    assert hasher.verify(event.password_hash, OTHER_STRONG_PASSWORD)
    assert not hasher.verify(event.password_hash, STRONG_PASSWORD)
    assert profile.state["password_hash"] == event.password_hash


def test_records_a_refusal_for_a_wrong_current_password_without_any_secret(profile, hasher):
    error = refuse(profile, hasher, "wrong_password", current=WRONG)
    assert error.field == "current_password"
    (event,) = profile.collect_events()
    assert isinstance(event, PasswordChangeRejected)
    assert event.reason == "wrong_password"
    recorded = repr(event.__dict__)
    secrets = (WRONG, OTHER_STRONG_PASSWORD, STRONG_PASSWORD, profile.state["password_hash"])
    for secret in (*secrets, hasher.hash(WRONG), hasher.hash(OTHER_STRONG_PASSWORD)):
        assert secret not in recorded
    assert profile.version == 2


def test_locks_password_changes_after_five_refusals_within_fifteen_minutes(profile, hasher):
    clock = Clock()
    for _ in range(5):
        refuse(profile, hasher, "wrong_password", clock.now, current=WRONG)
        clock.advance(minutes=2)
    version = profile.version
    profile.collect_events()
    error = refuse(profile, hasher, "too_many_attempts", clock.now)  # even the right password
    assert error.field == "current_password"
    assert (profile.version, pending(profile)) == (version, [])  # not recorded


def test_the_lock_lasts_until_the_window_passes(profile, hasher):
    clock = Clock()
    for _ in range(5):
        refuse(profile, hasher, "wrong_password", clock.now, current=WRONG)
        clock.advance(minutes=1)
    clock.advance(minutes=9, seconds=59)  # 14:59 after the first refusal
    refuse(profile, hasher, "too_many_attempts", clock.now)
    clock.advance(seconds=2)  # the first refusal has left the window
    profile.collect_events()
    change(profile, hasher, clock.now)
    assert pending(profile) == ["PasswordChanged"]


def test_refusals_spread_over_more_than_fifteen_minutes_do_not_lock(profile, hasher):
    clock = Clock()
    for _ in range(6):
        refuse(profile, hasher, "wrong_password", clock.now, current=WRONG)
        clock.advance(minutes=4)
    profile.collect_events()
    change(profile, hasher, clock.now)
    assert pending(profile) == ["PasswordChanged"]


def test_a_successful_change_resets_the_refusal_count(profile, hasher):
    for _ in range(4):
        refuse(profile, hasher, "wrong_password", current=WRONG)
    change(profile, hasher)
    assert profile.state["rejected_attempts"] == []
    for _ in range(4):
        refuse(profile, hasher, "wrong_password", current=WRONG)
    profile.collect_events()
    change(profile, hasher, current=OTHER_STRONG_PASSWORD, new=STRONG_PASSWORD)
    assert pending(profile) == ["PasswordChanged"]


@pytest.mark.parametrize(
    "new",
    ["short 1", "aaaaaaaaaaaaaaaa", "password12345", "MarieTremblay2026", "x" * 129],
)
def test_refuses_a_weak_new_password_with_feedback(profile, hasher, new):
    error = refuse(profile, hasher, "weak_password", new=new)
    assert error.field == "new_password"
    assert error.feedback
    assert new not in error.message
    assert (profile.version, pending(profile)) == (1, [])


def test_refuses_the_current_password_as_the_new_one(profile, hasher):
    error = refuse(profile, hasher, "password_reused", new=STRONG_PASSWORD)
    assert error.field == "new_password"
    assert (profile.version, pending(profile)) == (1, [])


def test_accepts_a_128_character_password_and_hashes_every_character(profile, hasher):
    new = ("Zebra-quilt river " * 8)[:127] + "!"
    assert len(new) == 128
    change(profile, hasher, new=new)
    password_hash = profile.state["password_hash"]
    assert hasher.verify(password_hash, new)
    assert not hasher.verify(password_hash, new[:-1])


def test_refuses_a_malformed_password_change():
    with pytest.raises(ValidationFailed) as caught:
        parse(PasswordChange, {"new_password": OTHER_STRONG_PASSWORD})
    assert "current_password" in {e.field for e in caught.value.errors}


# --- the rules ------------------------------------------------------------------------

PROFILE = ("Jean-Pierre", "Dupont", "jean.dupont@example.com")
STRONG = "correct horse battery staple"


def test_bounds_are_twelve_and_one_hundred_twenty_eight() -> None:
    assert (MIN_LENGTH, MAX_LENGTH) == (12, 128)


@pytest.mark.parametrize(
    "password",
    [
        STRONG,
        "motdepasse-très-sécurisé-éléphant",
        "Tr0ub4dor&3 xylophone",
        "ζωή-χαρά-θάλασσα-βουνό",
    ],
)
def test_accepts_a_strong_password_of_any_characters(password: str) -> None:
    strength = estimate_strength(password, PROFILE)
    assert strength.strong
    assert strength.score >= 3
    check_new_password(password, PROFILE)


@pytest.mark.parametrize(
    "password",
    ["password1234", "azertyuiop123", "aaaaaaaaaaaaaaaa", "123456789012", "qwertyuiopasdfgh"],
)
def test_refuses_a_guessable_password_with_the_estimator_feedback(password: str) -> None:
    strength = estimate_strength(password)
    assert not strength.strong
    assert 0 <= strength.score < 3
    with pytest.raises(RuleViolation) as caught:
        check_new_password(password)
    assert caught.value.code == "weak_password"
    assert caught.value.field == "new_password"
    assert caught.value.feedback == strength.feedback
    assert caught.value.feedback
    assert password not in caught.value.message


@pytest.mark.parametrize(
    "password", ["JeanPierreDupont!", "jeandupont2024!", "DupontJeanPierre", "Jean-Pierre 1987"]
)
def test_refuses_a_password_made_of_the_profiles_names_and_email(password: str) -> None:
    assert not estimate_strength(password, PROFILE).strong
    with pytest.raises(RuleViolation) as caught:
        check_new_password(password, PROFILE, field="password")
    assert (caught.value.code, caught.value.field) == ("weak_password", "password")


@pytest.mark.parametrize("password", ["", "x", "Zq8#vR2!kL9"])
def test_refuses_a_password_shorter_than_twelve_characters(password: str) -> None:
    strength = estimate_strength(password)
    assert not strength.strong
    assert f"Use at least {MIN_LENGTH} characters." in strength.feedback
    with pytest.raises(RuleViolation) as caught:
        check_new_password(password)
    assert caught.value.code == "weak_password"
    assert "12" in caught.value.message


def test_counts_length_in_unicode_code_points() -> None:
    eleven = "été-à-noël"  # 10 code points, more UTF-8 bytes
    assert not estimate_strength(eleven + "ç").strong
    assert f"Use at least {MIN_LENGTH} characters." in estimate_strength(eleven + "ç").feedback


def test_estimates_a_password_of_exactly_the_maximum_length_in_full() -> None:
    strong_tail = generate_password()
    weak_head = "a" * (MAX_LENGTH - len(strong_tail))  # beyond zxcvbn's default 72
    assert len(weak_head + strong_tail) == MAX_LENGTH
    assert estimate_strength(weak_head + strong_tail).strong
    assert not estimate_strength("a" * MAX_LENGTH).strong


def test_refuses_a_password_longer_than_the_maximum_and_never_truncates_it() -> None:
    password = generate_password() * 7  # strong, but 140 characters
    assert len(password) > MAX_LENGTH
    strength = estimate_strength(password)
    assert not strength.strong
    assert f"Use at most {MAX_LENGTH} characters." in strength.feedback
    with pytest.raises(RuleViolation) as caught:
        check_new_password(password)
    assert caught.value.code == "weak_password"
    assert "128" in caught.value.message


def test_estimates_a_very_long_password_quickly_without_failing() -> None:
    assert estimate_strength("x" * 100_000) == Strength(
        score=0, strong=False, feedback=(f"Use at most {MAX_LENGTH} characters.",)
    )


def test_generates_twenty_character_passwords_that_pass_the_check() -> None:
    passwords = {generate_password() for _ in range(20)}
    assert len(passwords) == 20
    for password in passwords:
        assert len(password) == 20
        check_new_password(password, PROFILE)
