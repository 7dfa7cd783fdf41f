"""Section D, password: the current one is needed, refusals are recorded, lock-out."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation, ValidationFailed
from domain.events import PasswordChanged, PasswordChangeRejected
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx

WRONG = "not my password at all 99"


@pytest.fixture
def store() -> str:
    return "sqlite"


def change(service, profile_id, current=STRONG_PASSWORD, new=OTHER_STRONG_PASSWORD, **kw):
    return service.change_password(
        profile_id, {"current_password": current, "new_password": new}, ctx(**kw)
    )


def refuse(service, profile_id, code, **kw):
    with pytest.raises(RuleViolation) as caught:
        change(service, profile_id, **kw)
    assert caught.value.code == code
    return caught.value


def test_changes_the_password_to_a_new_argon2id_hash(service, profile_id):
    old_hash = service.get_profile(profile_id).state["password_hash"]
    result = change(service, profile_id)
    (event,) = list(service.events.get(profile_id, gt=1))
    assert result.events == ("PasswordChanged",)
    assert isinstance(event, PasswordChanged)
    assert event.password_hash.startswith("$argon2id$")
    assert event.password_hash != old_hash
    assert service.hasher.verify(event.password_hash, OTHER_STRONG_PASSWORD)
    assert not service.hasher.verify(event.password_hash, STRONG_PASSWORD)


def test_records_a_refusal_for_a_wrong_current_password_without_any_secret(service, profile_id):
    error = refuse(service, profile_id, "wrong_password", current=WRONG)
    assert error.field == "current_password"
    (event,) = list(service.events.get(profile_id, gt=1))
    assert isinstance(event, PasswordChangeRejected)
    assert event.reason == "wrong_password"
    recorded = repr(event.__dict__)
    for secret in (WRONG, OTHER_STRONG_PASSWORD, STRONG_PASSWORD, "$argon2"):
        assert secret not in recorded
    assert service.get_profile(profile_id).version == 2


def test_locks_password_changes_after_five_refusals_within_fifteen_minutes(
    service, profile_id, clock
):
    for _ in range(5):
        refuse(service, profile_id, "wrong_password", current=WRONG)
        clock.advance(minutes=2)
    version = service.get_profile(profile_id).version
    error = refuse(service, profile_id, "too_many_attempts")  # even the right password
    assert error.field == "current_password"
    assert service.get_profile(profile_id).version == version  # not recorded


def test_the_lock_lasts_until_the_window_passes(service, profile_id, clock):
    for _ in range(5):
        refuse(service, profile_id, "wrong_password", current=WRONG)
        clock.advance(minutes=1)
    clock.advance(minutes=9, seconds=59)  # 14:59 after the first refusal
    refuse(service, profile_id, "too_many_attempts")
    clock.advance(seconds=2)  # the first refusal has left the window
    assert change(service, profile_id).events == ("PasswordChanged",)


def test_refusals_spread_over_more_than_fifteen_minutes_do_not_lock(service, profile_id, clock):
    for _ in range(6):
        refuse(service, profile_id, "wrong_password", current=WRONG)
        clock.advance(minutes=4)
    assert change(service, profile_id).events == ("PasswordChanged",)


def test_a_successful_change_resets_the_refusal_count(service, profile_id, clock):
    for _ in range(4):
        refuse(service, profile_id, "wrong_password", current=WRONG)
    change(service, profile_id)
    for _ in range(4):
        refuse(service, profile_id, "wrong_password", current=WRONG)
    assert change(service, profile_id, current=OTHER_STRONG_PASSWORD, new=STRONG_PASSWORD).events


@pytest.mark.parametrize(
    "new",
    ["short 1", "aaaaaaaaaaaaaaaa", "password12345", "MarieTremblay2026", "x" * 129],
)
def test_refuses_a_weak_new_password_with_feedback(service, profile_id, new):
    error = refuse(service, profile_id, "weak_password", new=new)
    assert error.field == "new_password"
    assert error.feedback
    assert new not in error.message
    assert service.get_profile(profile_id).version == 1


def test_refuses_the_current_password_as_the_new_one(service, profile_id):
    error = refuse(service, profile_id, "password_reused", new=STRONG_PASSWORD)
    assert error.field == "new_password"
    assert service.get_profile(profile_id).version == 1


def test_accepts_a_128_character_password_and_keeps_every_character(service, profile_id):
    new = ("Zebra-quilt river " * 8)[:127] + "!"
    assert len(new) == 128
    change(service, profile_id, new=new)
    password_hash = service.get_profile(profile_id).state["password_hash"]
    assert service.hasher.verify(password_hash, new)
    assert not service.hasher.verify(password_hash, new[:-1])


def test_refuses_a_malformed_password_change(service, profile_id):
    with pytest.raises(ValidationFailed) as caught:
        service.change_password(profile_id, {"new_password": OTHER_STRONG_PASSWORD}, ctx())
    assert "current_password" in {e.field for e in caught.value.errors}


def test_rates_password_strength_with_the_profiles_words(service):
    weak = service.password_strength("marietremblay2026", ["Marie", "Tremblay"])
    strong = service.password_strength(OTHER_STRONG_PASSWORD)
    assert (weak.strong, strong.strong) == (False, True)
    assert weak.feedback
    assert 0 <= weak.score < 3 <= strong.score <= 4


def test_generates_random_strong_passwords(service):
    first, second = service.generate_password(), service.generate_password()
    assert first != second
    assert service.password_strength(first).strong
