"""Settings from PROFILE_* variables: defaults, the library's env, errors naming the variable."""

from __future__ import annotations

import base64
import os

import pytest

from adapters.bootstrap import build
from adapters.settings import ConfigurationError, Settings

KEY = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("PROFILE_"):
            monkeypatch.delenv(name)


def test_defaults_follow_operations_md(monkeypatch):
    settings = Settings()
    assert settings.database_url == "sqlite:///var/profiles.db"
    assert settings.newsletter_categories == ("news", "offers", "product_updates", "tips")
    assert settings.accepted_card_brands == ("visa", "mastercard", "amex")
    assert settings.vault_key is None and settings.events_key is None
    assert settings.log_format in ("json", "console")
    assert settings.helpers_rate_limit == "20/second"


def test_reads_the_helpers_rate_limit_in_the_limits_notation(monkeypatch):
    monkeypatch.setenv("PROFILE_HELPERS_RATE_LIMIT", "5 per second; 100 per minute")
    assert Settings().helpers_rate_limit == "5 per second; 100 per minute"


def test_reads_comma_separated_lists_from_the_environment(monkeypatch):
    monkeypatch.setenv("PROFILE_NEWSLETTER_CATEGORIES", " news , promos ")
    monkeypatch.setenv("PROFILE_ACCEPTED_CARD_BRANDS", "visa,discover")
    monkeypatch.setenv("PROFILE_LOG_FORMAT", "console")
    settings = Settings()
    assert settings.newsletter_categories == ("news", "promos")
    assert settings.accepted_card_brands == ("visa", "discover")
    assert settings.log_format == "console"


def test_maps_a_sqlite_url_to_the_librarys_persistence_settings(tmp_path):
    env = Settings(database_url=f"sqlite:///{tmp_path}/p.db").eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == f"{tmp_path}/p.db"
    assert env["APPLICATION_RECORDER_TOPIC"] == "adapters.eventstore.sqlite:SQLiteProfileRecorder"
    assert "CIPHER_TOPIC" not in env


def test_maps_a_postgresql_url_to_the_librarys_persistence_settings():
    settings = Settings(
        database_url="postgresql://app%40x:s%3Acret@db.internal:6543/profiles", vault_key=KEY
    )
    env = settings.eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("db.internal", "6543")
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("app@x", "s:cret")
    assert env["POSTGRES_DBNAME"] == "profiles"
    assert env["APPLICATION_RECORDER_TOPIC"] == (
        "adapters.eventstore.postgres:PostgresProfileRecorder"
    )


def test_an_events_key_turns_on_the_librarys_cipher(tmp_path):
    env = Settings(database_url=f"sqlite:///{tmp_path}/p.db", events_key=KEY).eventsourcing_env()
    assert env["CIPHER_TOPIC"] == "eventsourcing.cryptography:AESCipher"
    assert env["CIPHER_KEY"] == KEY


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PROFILE_DATABASE_URL", "mysql://localhost/profiles"),
        ("PROFILE_DATABASE_URL", "sqlite://"),
        ("PROFILE_DATABASE_URL", "postgresql://localhost"),
        ("PROFILE_VAULT_KEY", "not base64!"),
        ("PROFILE_VAULT_KEY", base64.b64encode(b"short").decode()),
        ("PROFILE_EVENTS_KEY", base64.b64encode(b"x" * 31).decode()),
        ("PROFILE_LOG_FORMAT", "xml"),
        ("PROFILE_NEWSLETTER_CATEGORIES", ""),
        ("PROFILE_NEWSLETTER_CATEGORIES", "news,Big Offers"),
        ("PROFILE_NEWSLETTER_CATEGORIES", "news,all"),
        ("PROFILE_ACCEPTED_CARD_BRANDS", "visa,maestro"),
        ("PROFILE_ARGON2_TIME_COST", "zero"),
        ("PROFILE_ARGON2_MEMORY_KIB", "1"),
        ("PROFILE_HELPERS_RATE_LIMIT", "lots"),
        ("PROFILE_HELPERS_RATE_LIMIT", "0/second"),
        ("PROFILE_HELPERS_RATE_LIMIT", ""),
    ],
)
def test_a_bad_value_stops_the_start_with_a_message_naming_the_variable(
    monkeypatch, variable, value
):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as caught:
        Settings()
    message = str(caught.value)
    assert message.startswith(variable + ": ")
    assert "\n" not in message
    if "KEY" in variable:
        assert value not in message
    with pytest.raises(ConfigurationError, match=variable):
        build()


def test_postgresql_requires_a_vault_key(monkeypatch):
    monkeypatch.setenv("PROFILE_DATABASE_URL", "postgresql://u:secret@localhost/profiles")
    with pytest.raises(ConfigurationError) as caught:
        Settings()
    assert "PROFILE_VAULT_KEY" in str(caught.value)
    assert "secret" not in str(caught.value)


def test_names_every_bad_variable_at_once(monkeypatch):
    monkeypatch.setenv("PROFILE_LOG_FORMAT", "xml")
    monkeypatch.setenv("PROFILE_ACCEPTED_CARD_BRANDS", "maestro")
    with pytest.raises(ConfigurationError) as caught:
        Settings()
    assert "PROFILE_LOG_FORMAT" in str(caught.value)
    assert "PROFILE_ACCEPTED_CARD_BRANDS" in str(caught.value)
