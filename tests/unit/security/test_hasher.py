"""The argon2id hasher: salted one-way hashes of the whole password, checked without error."""

from __future__ import annotations

import pytest

from adapters.security.hasher import Argon2idHasher
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD


@pytest.fixture(scope="module")
def argon2() -> Argon2idHasher:
    return Argon2idHasher(time_cost=1, memory_cost_kib=1024)


def test_hashes_a_password_into_a_salted_argon2id_hash(argon2):
    first, second = argon2.hash(STRONG_PASSWORD), argon2.hash(STRONG_PASSWORD)
    assert first.startswith("$argon2id$") and second.startswith("$argon2id$")
    assert first != second  # a salt of its own each time
    assert STRONG_PASSWORD not in first
    assert argon2.verify(first, STRONG_PASSWORD) and argon2.verify(second, STRONG_PASSWORD)
    assert not argon2.verify(first, OTHER_STRONG_PASSWORD)


@pytest.mark.parametrize(
    "password",
    ["éléphant 🐘 rose " * 7 + "fin", ("Zebra-quilt river " * 8)[:127] + "!"],
    ids=["122-code-points", "128-characters"],
)
def test_hashes_every_character_of_a_long_password(argon2, password):
    password_hash = argon2.hash(password)
    assert argon2.verify(password_hash, password)
    assert not argon2.verify(password_hash, password[:72])
    assert not argon2.verify(password_hash, password[:-1])


@pytest.mark.parametrize("stored", ["", "not a hash", "$argon2id$v=19$garbage"])
def test_a_password_never_matches_what_is_not_a_hash(argon2, stored):
    assert argon2.verify(stored, STRONG_PASSWORD) is False
