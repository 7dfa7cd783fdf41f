"""Test doubles and builders for the tests that run without a store: a fast hasher, an
in-memory card vault, the ProfileService on the in-memory event store, a Profile registered
by hand, and domain events made by hand."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from adapters.eventstore.memory import MemoryProfileRecorder
from application.ports import CardVault, Clock, PasswordHasher, SealedNumber
from application.service import ProfileService
from domain import events as ev
from domain.events import Meta
from domain.inputs import Registration, parse
from domain.profile import Profile
from domain.sections.registration import check_registration
from tests.support import STRONG_PASSWORD, registration

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # FakeClock's start
PROFILE_ID = UUID("6f1c2c1e-8a51-4bd0-9d1e-5b0c1d2e3f40")
EVENT_META = {"actor": "customer:1", "correlation_id": "c-1", "idempotency_key": None}
FINGERPRINT_KEY = b"test fingerprint key, 32 bytes.."


class FakeHasher(PasswordHasher):
    """A fast, deterministic one-way stand-in for argon2id (domain.sections.password's port)."""

    def hash(self, password: str) -> str:
        return "fake$" + hashlib.sha256(b"salt:" + password.encode()).hexdigest()

    def verify(self, password_hash: str, password: str) -> bool:
        return hmac.compare_digest(password_hash, self.hash(password))


class MemoryCardVault(CardVault):
    """Seals numbers as they are (a test double: no encryption); the memory recorder keeps
    them with the commands that record them; fingerprints are keyed digests."""

    def __init__(self, recorder: MemoryProfileRecorder) -> None:
        self.recorder = recorder

    def seal(self, number: str) -> SealedNumber:
        return SealedNumber("tok_" + uuid4().hex, b"", number.encode(), "test")

    def reveal(self, token: str) -> str | None:
        sealed = self.recorder.vault.get(token)
        return None if sealed is None else sealed.ciphertext.decode()

    def fingerprint(self, number: str) -> str:
        return hmac.new(b"vault", number.encode(), hashlib.sha256).hexdigest()[:32]


def memory_env(store_name: str | None = None) -> dict[str, str]:
    """The library's settings for the in-memory store (`store_name`: shared by that name)."""
    env = {
        "PERSISTENCE_MODULE": "adapters.eventstore.memory",
        "APPLICATION_RECORDER_TOPIC": "adapters.eventstore.memory:MemoryProfileRecorder",
        "AGGREGATE_CACHE_MAXSIZE": "2000",
    }
    if store_name is not None:
        env["MEMORY_STORE"] = store_name
    return env


def memory_service(
    clock: Clock | None = None, *, store_name: str | None = None, **options: Any
) -> ProfileService:
    """ProfileService on the in-memory store, with the fake hasher and the memory vault;
    `options` are ProfileService's (categories, card brands, read_before_write)."""
    service = ProfileService(
        memory_env(store_name),
        hasher=FakeHasher(),
        fingerprint_key=FINGERPRINT_KEY,
        clock=clock,
        **options,
    )
    assert isinstance(service.recorder, MemoryProfileRecorder)
    service.use_vault(MemoryCardVault(service.recorder))
    return service


def meta(at: datetime = AT, actor: str = "customer:42", **kwargs: Any) -> Meta:
    """An event's metadata, as the application makes it from a command's context."""
    return Meta(
        actor,
        kwargs.get("correlation_id", f"corr-{uuid4().hex[:8]}"),
        kwargs.get("idempotency_key"),
        at,
    )


def new_profile(hasher: PasswordHasher | None = None, at: datetime = AT, **fields: Any) -> Profile:
    """A Profile registered from `tests.support.registration(**fields)`, its registration
    already collected (as once saved): version 1, nothing pending."""
    reg = parse(Registration, registration(**fields))
    password_hash = (hasher or FakeHasher()).hash(fields.get("password", STRONG_PASSWORD))
    profile = Profile.register(check_registration(reg), password_hash, meta(at))
    profile.collect_events()
    return profile


def pending(profile: Profile) -> list[str]:
    """The names of the events the profile has taken since last collected (and collects them)."""
    return [type(event).__name__ for event in profile.collect_events()]


def registered_event(profile_id: UUID = PROFILE_ID, at: datetime = AT) -> ev.ProfileRegistered:
    """Marie's registration (English, a fake argon2 hash), made by hand."""
    return ev.ProfileRegistered(
        originator_id=profile_id,
        originator_version=1,
        originator_topic="domain.profile:Profile",
        timestamp=at,
        first_name="Marie",
        last_name="Tremblay",
        email="marie@example.com",
        phone=None,
        address={"line1": "1 rue", "city": "Montréal", "postal_code": "H3B 1K9", "country": "CA"},
        language="en",
        password_hash="$argon2id$secret",
        **EVENT_META,
    )


def later_event(cls: type[Any], version: int, at: datetime = AT, **fields: Any) -> Any:
    """An event of `cls` at `version` of the profile PROFILE_ID, made by hand."""
    return cls(
        originator_id=PROFILE_ID, originator_version=version, timestamp=at, **EVENT_META, **fields
    )
