"""The event feed's settings: NATS servers, stream and subjects, refused with the variable named."""

from __future__ import annotations

import os

import pytest

from adapters.settings import ConfigurationError, Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("PROFILE_"):
            monkeypatch.delenv(name)


def test_the_feed_is_pull_only_by_default_on_the_stream_of_events_md():
    settings = Settings()
    assert settings.nats_url is None
    assert (settings.nats_stream, settings.nats_subject_prefix) == ("PROFILES", "profiles.events")


def test_reads_the_nats_servers_stream_and_subjects_from_the_environment(monkeypatch):
    monkeypatch.setenv("PROFILE_NATS_URL", "nats://a:4222, tls://b:4223")
    monkeypatch.setenv("PROFILE_NATS_STREAM", "PROFILES_EU")
    monkeypatch.setenv("PROFILE_NATS_SUBJECT_PREFIX", "eu.profiles.events")
    settings = Settings()
    assert settings.nats_url is not None
    assert settings.nats_url.get_secret_value() == "nats://a:4222, tls://b:4223"
    assert (settings.nats_stream, settings.nats_subject_prefix) == (
        "PROFILES_EU", "eu.profiles.events"
    )


def test_an_empty_nats_url_means_no_push():
    assert Settings(nats_url="").nats_url is None


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PROFILE_NATS_URL", "http://nats:4222"),
        ("PROFILE_NATS_URL", "nats://"),
        ("PROFILE_NATS_URL", "nats://host:port"),
        ("PROFILE_NATS_STREAM", "PRO.FILES"),
        ("PROFILE_NATS_STREAM", "PROFILES>"),
        ("PROFILE_NATS_SUBJECT_PREFIX", "profiles.*"),
        ("PROFILE_NATS_SUBJECT_PREFIX", "profiles..events"),
    ],
)
def test_a_bad_feed_setting_stops_the_start_naming_its_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=variable):
        Settings()


def test_a_refused_nats_url_is_never_repeated_in_the_message(monkeypatch):
    monkeypatch.setenv("PROFILE_NATS_URL", "http://relay:s3cret-pass@nats:4222")
    with pytest.raises(ConfigurationError) as refused:
        Settings()
    assert "s3cret-pass" not in str(refused.value)
