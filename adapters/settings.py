"""Settings from PROFILE_* environment variables, validated at start (operations.md)."""

from __future__ import annotations

import base64
import binascii
import os
import re
import sys
from contextlib import suppress
from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import unquote, urlsplit

from limits import parse_many
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.sections.credit_card import BRANDS

CommaList = Annotated[tuple[str, ...], NoDecode]
ENV_PREFIX = "PROFILE_"
_CATEGORY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
# The event feed (events.md): JetStream stream names and subject tokens NATS accepts.
_STREAM = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SUBJECT_PREFIX = re.compile(r"^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$")
_NATS_SCHEMES = ("nats", "tls", "ws", "wss")


class ConfigurationError(ValueError):
    """A setting is missing or wrong; the message names the variable."""


def _describe(error: ValidationError) -> str:
    """One line per bad variable, named as in the environment; never the value itself."""
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["loc"]:
            name = ENV_PREFIX + str(item["loc"][0]).upper()
            lines.append(f"{name}: {message}")
        else:
            lines.append(message)
    return "; ".join(lines)


def _split(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _key(value: SecretStr | None, name: str) -> SecretStr | None:
    if value is None or not value.get_secret_value():
        return None
    try:
        raw = base64.b64decode(value.get_secret_value(), validate=True)
    except binascii.Error:
        raise ValueError(f"{name} must be base64 (of 32 random bytes)") from None
    if len(raw) != 32:
        raise ValueError(f"{name} must be the base64 of 32 bytes, not of {len(raw)}")
    return value


class Settings(BaseSettings):
    """Validated at construction: a bad value raises ConfigurationError naming its variable."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    database_url: str = "sqlite:///var/profiles.db"
    vault_key: SecretStr | None = None
    events_key: SecretStr | None = None
    signing_key: SecretStr | None = None  # checkpoints' Ed25519 seed (integrity.md)
    log_format: Literal["json", "console"] = Field(
        default_factory=lambda: "console" if sys.stderr.isatty() else "json"
    )
    newsletter_categories: CommaList = ("news", "offers", "product_updates", "tips")
    accepted_card_brands: CommaList = ("visa", "mastercard", "amex")
    argon2_time_cost: int = Field(default=3, ge=1, le=20)
    argon2_memory_kib: int = Field(default=65536, ge=8, le=4 * 1024 * 1024)
    postgres_pool_size: int = Field(default=10, ge=1, le=200)
    idempotency_hours: float = Field(default=24, gt=0, le=24 * 366)
    # Per token and per helper (password strength, password generation, card brand).
    helpers_rate_limit: str = "20/second"
    # The event feed (events.md): pushed to NATS JetStream only when nats_url is set.
    nats_url: SecretStr | None = None
    nats_stream: str = "PROFILES"
    nats_subject_prefix: str = "profiles.events"

    def __init__(self, **values: object) -> None:
        try:
            super().__init__(**values)  # type: ignore[arg-type]
        except ValidationError as error:
            raise ConfigurationError(_describe(error)) from None

    @field_validator("newsletter_categories", mode="before")
    @classmethod
    def _categories(cls, value: object) -> object:
        categories = _split(value)
        if isinstance(categories, tuple):
            if not categories:
                raise ValueError("name at least one newsletter category")
            for category in categories:
                if not isinstance(category, str) or not _CATEGORY.match(category):
                    raise ValueError(
                        f"{category!r} is not a category name (a-z, 0-9, _ and -, "
                        "at most 50 characters)"
                    )
                if category == "all":
                    raise ValueError("'all' means every category and cannot be one")
        return categories

    @field_validator("accepted_card_brands", mode="before")
    @classmethod
    def _brands(cls, value: object) -> object:
        brands = _split(value)
        for brand in brands if isinstance(brands, tuple) else ():
            if brand not in BRANDS:
                raise ValueError(f"unknown card brand {brand!r}; known: {', '.join(BRANDS)}")
        return brands

    @field_validator("helpers_rate_limit")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        try:
            limits = parse_many(value)
        except ValueError:
            limits = []
        if not limits or any(limit.amount < 1 for limit in limits):
            raise ValueError(
                "expected limits such as '20/second' or '20 per second; 600 per minute'"
            )
        return value

    @field_validator("vault_key")
    @classmethod
    def _vault_key(cls, value: SecretStr | None) -> SecretStr | None:
        return _key(value, "PROFILE_VAULT_KEY")

    @field_validator("events_key")
    @classmethod
    def _events_key(cls, value: SecretStr | None) -> SecretStr | None:
        return _key(value, "PROFILE_EVENTS_KEY")

    @field_validator("signing_key")
    @classmethod
    def _signing_key(cls, value: SecretStr | None) -> SecretStr | None:
        return _key(value, "PROFILE_SIGNING_KEY")
    @field_validator("nats_url")
    @classmethod
    def _nats_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        for server in value.get_secret_value().split(","):
            parts = urlsplit(server.strip())
            if parts.scheme not in _NATS_SCHEMES or not parts.hostname:
                raise ValueError(
                    "expected nats://host:port (or tls://, ws://, wss://; comma-separated "
                    "for several servers)"
                )
            try:
                parts.port  # noqa: B018 (raises on a port that is not a number)
            except ValueError:
                raise ValueError("the port of a NATS server is a number") from None
        return value

    @field_validator("nats_stream")
    @classmethod
    def _nats_stream(cls, value: str) -> str:
        if not _STREAM.match(value):
            raise ValueError("a JetStream stream name is 1 to 64 of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("nats_subject_prefix")
    @classmethod
    def _nats_subject_prefix(cls, value: str) -> str:
        if not _SUBJECT_PREFIX.match(value):
            raise ValueError(
                "a subject prefix is dot-separated tokens of A-Z, a-z, 0-9, _ and - "
                "(no wildcard), such as profiles.events"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _url(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme == "sqlite" and value.startswith("sqlite:///") and len(value) > 10:
            return value
        if scheme in ("postgresql", "postgres") and urlsplit(value).path.strip("/"):
            return value
        raise ValueError(
            "expected sqlite:///path/to/file.db or postgresql://user:pass@host:port/db"
        )

    @model_validator(mode="after")
    def _vault_key_with_postgres(self) -> Self:
        if self.is_postgres and self.vault_key is None:
            raise ValueError(
                "PROFILE_VAULT_KEY is required with PostgreSQL (base64 of 32 random bytes)"
            )
        return self

    @property
    def is_postgres(self) -> bool:
        return not self.database_url.startswith("sqlite:")

    @property
    def sqlite_path(self) -> str:
        return self.database_url.removeprefix("sqlite:///")

    def eventsourcing_env(self) -> dict[str, str]:
        """The eventsourcing library's persistence settings for this database."""
        env = {"CREATE_TABLE": "y", "AGGREGATE_CACHE_MAXSIZE": "2000"}
        if self.is_postgres:
            url = urlsplit(self.database_url)
            env.update(
                PERSISTENCE_MODULE="eventsourcing.postgres",
                APPLICATION_RECORDER_TOPIC="adapters.eventstore.postgres:PostgresProfileRecorder",
                POSTGRES_DBNAME=url.path.strip("/"),
                POSTGRES_HOST=url.hostname or "127.0.0.1",
                POSTGRES_PORT=str(url.port or 5432),
                POSTGRES_USER=unquote(url.username or "postgres"),
                POSTGRES_PASSWORD=unquote(url.password or ""),
                POSTGRES_POOL_SIZE=str(self.postgres_pool_size),
                # A busy store is a 503 after at most 5 s (api.md): at most 2 s for a pooled
                # connection, then 3 s for a lock.
                POSTGRES_CONNECT_TIMEOUT="2",
                POSTGRES_LOCK_TIMEOUT="3",
            )
        else:
            path = self.sqlite_path
            if path != ":memory:" and not path.startswith("file:"):
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            env.update(
                PERSISTENCE_MODULE="eventsourcing.sqlite",
                APPLICATION_RECORDER_TOPIC="adapters.eventstore.sqlite:SQLiteProfileRecorder",
                SQLITE_DBNAME=path,
                SQLITE_LOCK_TIMEOUT="5",  # a busy store is a 503 after at most 5 s
            )
        if self.events_key is not None:
            env.update(
                CIPHER_TOPIC="eventsourcing.cryptography:AESCipher",
                CIPHER_KEY=self.events_key.get_secret_value(),
            )
        return env


KEY_BYTES = 32


def decode_key(text: str, where: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise ConfigurationError(f"{where} must hold base64 (of {KEY_BYTES} bytes)") from None
    if len(raw) != KEY_BYTES:
        raise ConfigurationError(
            f"{where} must hold the base64 of {KEY_BYTES} bytes, not of {len(raw)}"
        )
    return raw


def key_file(path: Path, what: str = "the key file") -> bytes:
    """The key kept in `path`, made once if there is none: written whole under another name,
    then linked into place, so that a process starting at the same time reads either none or
    all of it, and both end with the same key. A file holding anything but 32 bytes is refused."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.{os.urandom(4).hex()}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(base64.b64encode(os.urandom(KEY_BYTES)).decode())
                file.flush()
                os.fsync(file.fileno())
            with suppress(FileExistsError):  # another process made it first: use theirs
                os.link(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return decode_key(path.read_text(), f"{what} {path}")
