"""Unit fixtures: no store, no argon2. A Profile registered by hand with the fake hasher, and
`service`, the ProfileService on the in-memory event store (so tests/conftest.py's
`profile_id` registers there)."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest

from application.service import ProfileService
from domain.profile import Profile
from tests.doubles import FakeHasher, memory_service, new_profile
from tests.support import FakeClock


@pytest.fixture
def hasher() -> FakeHasher:
    return FakeHasher()


@pytest.fixture
def profile(hasher: FakeHasher) -> Profile:
    """Marie's profile just registered (version 1, its registration collected)."""
    return new_profile(hasher)


@pytest.fixture
def store_name() -> str:
    """The in-memory store's name: another service given it shares the store (a process)."""
    return f"unit-{uuid4().hex}"


@pytest.fixture
def service(clock: FakeClock, store_name: str) -> Iterator[ProfileService]:
    built = memory_service(clock, store_name=store_name)
    yield built
    built.close()
