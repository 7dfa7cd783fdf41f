"""The master key, its key id, and the purpose keys derived from it with HKDF (one label each)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from adapters.settings import KEY_BYTES, ConfigurationError, Settings, key_file

KEY_ID_BYTES = 8
# The purposes of the keys derived from the master key: one HKDF label each.
VAULT = "card-vault"
FINGERPRINTS = "card-fingerprint"
IDEMPOTENCY = "idempotency"
DATA_KEYS = "data-key-wrapping"


def derive_key(master: bytes, label: str) -> bytes:
    """The key for one purpose: HKDF-SHA256 of the master key, the label as its info."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=None,
        info=f"profile-service {label}".encode(),
    ).derive(master)


def key_id(master: bytes) -> str:
    """A name for the master key that reveals nothing of it: stored beside what it encrypts."""
    return derive_key(master, "key-id")[:KEY_ID_BYTES].hex()


def legacy_key(master: bytes, purpose: str) -> bytes:
    """How purpose keys were derived before key ids (HMAC-SHA256): to read what they wrote."""
    return hmac.new(master, purpose.encode(), hashlib.sha256).digest()


def vault_master_key(settings: Settings) -> bytes:
    if settings.vault_key is not None:
        return base64.b64decode(settings.vault_key.get_secret_value())
    if settings.is_postgres:
        raise ConfigurationError("PROFILE_VAULT_KEY is required with PostgreSQL")
    return key_file(Path(settings.sqlite_path + ".vault-key"), "the vault key file")
