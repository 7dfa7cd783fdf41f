"""Section D rules: password length, strength with profile context, generation."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation
from domain.sections.password import (
    MAX_LENGTH,
    MIN_LENGTH,
    Strength,
    check_new_password,
    estimate_strength,
    generate_password,
)

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
