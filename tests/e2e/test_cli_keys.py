"""`keys rotate` and `keys migrate` from the command line: the embedded key file follows a
rotation, and each refusal is one line."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from uuid import UUID

import pytest

from adapters.bootstrap import build
from adapters.settings import Settings
from tests.e2e.cli_support import Cli
from tests.integration.integrity_support import built_and_signed, own_store, record_events
from tests.support import FakeClock, ctx, registration, store_settings

CARD = {"holder_name": "Marie T", "number": "4111111111111111", "exp_month": 8, "exp_year": 2031}


def new_key_file(tmp_path: Path) -> Path:
    path = tmp_path / "new.key"
    path.write_text(base64.b64encode(os.urandom(32)).decode() + "\n")
    return path


@pytest.fixture
def embedded(tmp_path: Path) -> Settings:
    """The embedded default: SQLite, its master key in a file generated beside it."""
    settings = store_settings("sqlite", tmp_path)
    assert settings.vault_key is None
    return settings


@pytest.mark.slow
def test_rotating_the_embedded_store_puts_the_new_key_in_its_key_file(embedded, tmp_path):
    container = build(embedded, clock=FakeClock())
    profile_id = UUID(container.service.register(registration(), ctx()).profile_id)
    container.service.register_card(profile_id, CARD, ctx())
    container.close()
    key_file = Path(embedded.sqlite_path + ".vault-key")
    old = key_file.read_text()
    new = new_key_file(tmp_path)

    result = Cli(embedded).ok("keys", "rotate", "--new-key-file", str(new))

    assert result.stdout.startswith("Rotated 1 data keys and 1 card-vault entries to key ")
    assert key_file.read_text() == new.read_text().strip() != old
    assert key_file.stat().st_mode & 0o777 == 0o600
    container = build(embedded, clock=FakeClock())  # reads the new key file
    try:
        profile = container.service.get_profile(profile_id)
        assert profile.state["first_name"] == "Marie"
        assert container.service.vault.reveal(profile.state["card"]["token"]) == CARD["number"]
    finally:
        container.close()


@pytest.mark.parametrize(
    ("content", "reason"), [("not base64!", "key file"), ("c2hvcnQ=", "32 bytes")]
)
def test_rotating_to_a_bad_key_file_is_refused_in_one_line(embedded, tmp_path, content, reason):
    bad = tmp_path / "bad.key"
    bad.write_text(content)

    result = Cli(embedded)("keys", "rotate", "--new-key-file", str(bad))

    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and reason in result.stderr
    assert content not in result.stderr


def test_rotating_to_a_missing_key_file_is_refused_in_one_line(embedded, tmp_path):
    result = Cli(embedded)("keys", "rotate", "--new-key-file", str(tmp_path / "absent.key"))

    assert result.exit_code == 1
    assert result.stderr.startswith("profile-service: cannot read ")
    assert len(result.stderr.splitlines()) == 1


def test_migrating_is_refused_while_the_tamper_evident_log_covers_events(store, tmp_path):
    with own_store(store, tmp_path) as container:
        record_events(container, 1)
        built_and_signed(container.integrity())
        cli = Cli(container.settings)

        refused = cli("keys", "migrate")
        discarded = cli.ok("keys", "migrate", "--discard-tree")

        assert refused.exit_code == 1
        assert refused.stderr.splitlines() == [
            "profile-service: the tamper-evident log covers 3 events, which migrating would "
            "rewrite; run it with --discard-tree to drop the tree and its checkpoints first"
        ]
        assert discarded.stdout == "Migrated 0 profiles (0 events) to data keys of their own.\n"
        assert container.integrity().store.size_and_position()[0] == 0
