"""Checkpoints: the signed text, Ed25519 signatures checked, where the signing key comes from."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from adapters.integrity.signing import (
    SIGNING_LABEL,
    Signer,
    checkpoint_file,
    signing_seed,
)
from adapters.settings import ConfigurationError, Settings
from tests.support import TEST_VAULT_KEY

SEED = bytes(range(32))
ROOT = hashlib.sha256(b"root").digest()


def never(label: str) -> bytes:
    raise AssertionError(f"no key is derived here ({label})")


def test_a_checkpoint_signs_the_specified_text_and_anyone_can_check_it_with_the_public_key():
    signer = Signer(SEED)
    checkpoint = signer.sign(42, ROOT, "2026-03-01T12:00:00.000Z")
    message = f"profile-service checkpoint v1\n42\n{ROOT.hex()}\n2026-03-01T12:00:00.000Z"
    public = Ed25519PublicKey.from_public_bytes(
        base64.b64decode(signer.public_json()["public_key"])
    )
    public.verify(base64.b64decode(checkpoint.signature), message.encode())  # raises if not
    assert checkpoint.message() == message.encode()
    assert signer.check(checkpoint) is None
    assert signer.public_json()["algorithm"] == "ed25519"
    assert checkpoint.key_id == signer.key_id
    assert signer.key_id == hashlib.sha256(signer.public_bytes).hexdigest()[:16]


@pytest.mark.parametrize(
    "change",
    [
        {"tree_size": 43},
        {"root_hash": hashlib.sha256(b"other").hexdigest()},
        {"timestamp": "2026-03-01T12:00:01.000Z"},
        {"signature": base64.b64encode(b"\x00" * 64).decode()},
        {"signature": "not base64!"},
    ],
)
def test_a_checkpoint_changed_in_any_part_no_longer_verifies(change):
    signer = Signer(SEED)
    checkpoint = replace(signer.sign(42, ROOT), **change)
    assert signer.check(checkpoint) == "its signature does not verify"


def test_a_checkpoint_of_another_key_is_named_so():
    other = Signer(bytes(32)).sign(1, ROOT)
    assert "not this service's" in (Signer(SEED).check(other) or "")


def test_timestamps_are_utc_iso_8601_to_the_millisecond():
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", Signer(SEED).sign(1, ROOT)
                        .timestamp)


def test_a_checkpoint_file_is_read_as_the_api_answered_it():
    checkpoint = Signer(SEED).sign(7, ROOT)
    assert checkpoint_file(json.dumps(checkpoint.as_json())) == checkpoint


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", "not JSON"),
        ("[]", "a JSON object"),
        ('{"tree_size": 1}', "a checkpoint has root_hash"),
        ('{"tree_size": 0, "root_hash": "", "timestamp": "", "key_id": "", "signature": ""}',
         "tree_size is a positive integer"),
        ('{"tree_size": 1, "root_hash": "XYZ", "timestamp": "", "key_id": "", "signature": ""}',
         "root_hash is 64"),
    ],
)
def test_a_file_that_is_not_a_checkpoint_is_refused_saying_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        checkpoint_file(text)


def test_profile_signing_key_is_the_seed_when_set(tmp_path):
    key = base64.b64encode(SEED).decode()
    settings = Settings(database_url=f"sqlite:///{tmp_path}/p.db", signing_key=key)
    assert signing_seed(settings, never) == SEED
    assert not (tmp_path / "p.db.signing-key").exists()


@pytest.mark.parametrize("value", ["c2hvcnQ=", "not base64 at all"])
def test_a_signing_key_that_is_not_32_bytes_stops_the_start_naming_the_variable(value):
    with pytest.raises(ConfigurationError, match="PROFILE_SIGNING_KEY"):
        Settings(signing_key=value)


def test_the_embedded_default_is_generated_once_beside_the_database_readable_by_its_owner_only(
    tmp_path,
):
    settings = Settings(database_url=f"sqlite:///{tmp_path}/var/p.db")
    first = signing_seed(settings, never)
    path = tmp_path / "var" / "p.db.signing-key"
    assert len(first) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert signing_seed(settings, never) == first
    assert list(path.parent.glob("*.partial")) == []


def test_a_key_file_that_is_not_a_32_byte_key_is_refused(tmp_path):
    (tmp_path / "p.db.signing-key").write_text(base64.b64encode(b"short").decode())
    settings = Settings(database_url=f"sqlite:///{tmp_path}/p.db")
    with pytest.raises(ConfigurationError, match=r"signing key file .* 32 bytes, not of 5"):
        signing_seed(settings, never)


def test_on_postgresql_the_key_is_derived_from_the_master_key_under_its_own_label():
    settings = Settings(database_url="postgresql://u@h/db", vault_key=TEST_VAULT_KEY)
    labels: list[str] = []

    def derive(label: str) -> bytes:
        labels.append(label)
        return hashlib.sha256(label.encode()).digest()

    assert signing_seed(settings, derive) == hashlib.sha256(SIGNING_LABEL.encode()).digest()
    assert labels == [SIGNING_LABEL]
    assert SIGNING_LABEL not in ("idempotency", "card-vault", "card-fingerprint")
