from __future__ import annotations

import json
from datetime import timedelta
from uuid import uuid4

import pytest

from tests.e2e.cli_support import Cli
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx, registration

CARD_NUMBER = "4111 1111 1111 1111"


@pytest.fixture
def cli(settings):
    return Cli(settings)


@pytest.fixture
def story(service, clock):
    """A profile registered, moved a day later, given a card and a new password."""
    registered_at = clock.now()
    profile_id = service.register(registration(phone="514 555 0123"), ctx()).profile_id
    clock.advance(days=1)
    service.change_contact(profile_id, {"phone": "514 555 0199"}, ctx())
    service.register_card(
        profile_id,
        {"holder_name": "Marie Tremblay", "number": CARD_NUMBER, "exp_month": 12, "exp_year": 2031},
        ctx(),
    )
    service.change_password(
        profile_id,
        {"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
        ctx(),
    )
    return profile_id, registered_at


def test_history_lists_every_event_with_secrets_masked(cli, story, service):
    profile_id, _ = story
    result = cli.ok("history", profile_id, "--format", "json")
    shown = json.loads(result.stdout)
    names = [e["name"] for e in shown["events"]]
    assert names == ["ProfileRegistered", "ContactChanged", "CardRegistered", "PasswordChanged"]
    assert shown["events"][3]["fields"] == {"password": "changed"}
    assert shown["events"][2]["fields"]["card"]["last4"] == "1111"
    token = service.get_profile(profile_id).state["card"]["token"]
    for secret in (
        STRONG_PASSWORD,
        OTHER_STRONG_PASSWORD,
        "$argon2",
        "4111111111111111",
        CARD_NUMBER,
        token,
    ):
        assert secret not in result.stdout
    assert shown["state"]["version"] == 4
    assert shown["state"]["phone"] == "+15145550199"


def test_history_as_of_a_moment_shows_the_state_and_events_until_then(cli, story):
    profile_id, registered_at = story
    moment = (registered_at + timedelta(hours=1)).isoformat()
    result = cli.ok("history", profile_id, "--as-of", moment)
    assert "ProfileRegistered" in result.stdout
    assert "ContactChanged" not in result.stdout
    assert f"State at {moment} (version 1):" in result.stdout
    assert '"phone": "+15145550123"' in result.stdout


def test_history_before_registration_fails_with_a_one_line_reason(cli, story):
    profile_id, _ = story
    result = cli("history", profile_id, "--as-of", "2001-01-01")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "not yet registered" in result.stderr


def test_history_of_an_unknown_profile_fails_with_a_one_line_reason(cli):
    result = cli("history", str(uuid4()))
    assert result.exit_code == 1
    assert result.stderr.startswith("profile-service: ")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_history_refuses_an_id_that_is_not_a_uuid(cli):
    result = cli("history", "not-a-uuid")
    assert result.exit_code == 1
    assert "PROFILE_ID must be a profile id" in result.stderr
