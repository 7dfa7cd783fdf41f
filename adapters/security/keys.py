"""The master key, its key id, and the purpose keys derived from it with HKDF (one label each)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from contextlib import suppress
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from adapters.settings import ConfigurationError, Settings

KEY_BYTES = 32
KEY_ID_BYTES = 8
# The purposes of the keys derived from the master key: one HKDF label each.
VAULT = "card-vault"
FINGERPRINTS = "card-fingerprint"
IDEMPOTENCY = "idempotency"
DATA_KEYS = "data-key-wrapping"
SIGNING = "checkpoint-signing"


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


def key_file(path: Path) -> bytes:
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
    return decode_key(path.read_text(), str(path))


def vault_master_key(settings: Settings) -> bytes:
    if settings.vault_key is not None:
        return base64.b64decode(settings.vault_key.get_secret_value())
    if settings.is_postgres:
        raise ConfigurationError("PROFILE_VAULT_KEY is required with PostgreSQL")
    return key_file(Path(settings.sqlite_path + ".vault-key"))
