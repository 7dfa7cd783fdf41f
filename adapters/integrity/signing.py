"""Checkpoints (signed tree heads) and their Ed25519 key: the signed text, signing, checking."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from adapters.settings import ConfigurationError, Settings, decode_key, key_file

SIGNING_LABEL = "integrity-checkpoint-signing"  # the master key's purpose for this key
KEY_FILE_SUFFIX = ".signing-key"
MESSAGE = "profile-service checkpoint v1\n{tree_size}\n{root_hash}\n{timestamp}"
_HEX_HASH = re.compile(r"^[0-9a-f]{64}$")


def utc_timestamp(at: datetime | None = None) -> str:
    """ISO 8601 in UTC to the millisecond, as signed: 2026-03-01T12:00:00.000Z."""
    at = at or datetime.now(UTC)
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head exactly as the API answers it (hex root, base64 signature)."""

    tree_size: int
    root_hash: str
    timestamp: str
    key_id: str
    signature: str

    def message(self) -> bytes:
        return signed_message(self.tree_size, self.root_hash, self.timestamp)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Checkpoint:
        """A checkpoint as the API answered it; ValueError saying what is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError("a checkpoint is a JSON object")
        missing = [name for name in cls.__dataclass_fields__ if name not in data]
        if missing:
            raise ValueError(f"a checkpoint has {', '.join(missing)}")
        size = data["tree_size"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ValueError("tree_size is a positive integer")
        texts = {name: data[name] for name in ("root_hash", "timestamp", "key_id", "signature")}
        if not all(isinstance(value, str) for value in texts.values()):
            raise ValueError("root_hash, timestamp, key_id and signature are strings")
        if not _HEX_HASH.match(texts["root_hash"]):
            raise ValueError("root_hash is 64 lower-case hex digits")
        return cls(tree_size=size, **texts)


def signed_message(tree_size: int, root_hash: str, timestamp: str) -> bytes:
    return MESSAGE.format(tree_size=tree_size, root_hash=root_hash, timestamp=timestamp).encode()


class Signer:
    """Signs checkpoints with an Ed25519 key and checks them with its public half."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != 32:
            raise ValueError("an Ed25519 seed is 32 bytes")
        self._private = Ed25519PrivateKey.from_private_bytes(seed)
        self.public_key: Ed25519PublicKey = self._private.public_key()
        self.public_bytes = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id(self.public_bytes)

    def sign(self, tree_size: int, root: bytes, timestamp: str | None = None) -> Checkpoint:
        stamp = timestamp or utc_timestamp()
        root_hex = root.hex()
        signature = self._private.sign(signed_message(tree_size, root_hex, stamp))
        return Checkpoint(tree_size, root_hex, stamp, self.key_id,
                          base64.b64encode(signature).decode())

    def check(self, checkpoint: Checkpoint) -> str | None:
        """None if this key signed the checkpoint, else what is wrong with it."""
        if checkpoint.key_id != self.key_id:
            return f"signed by key {checkpoint.key_id!r}, not this service's {self.key_id!r}"
        try:
            signature = base64.b64decode(checkpoint.signature, validate=True)
            self.public_key.verify(signature, checkpoint.message())
        except (binascii.Error, ValueError, InvalidSignature):
            return "its signature does not verify"
        return None

    def public_json(self) -> dict[str, str]:
        return {"key_id": self.key_id, "algorithm": "ed25519",
                "public_key": base64.b64encode(self.public_bytes).decode()}


def key_id(public_bytes: bytes) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key."""
    return hashlib.sha256(public_bytes).hexdigest()[:16]


def signing_seed(settings: Settings, derive: Callable[[str], bytes]) -> bytes:
    """PROFILE_SIGNING_KEY; else, on SQLite, the key file beside the database; else (PostgreSQL)
    derived from the master key under its own label by `derive(label)`."""
    if settings.signing_key is not None:
        return decode_key(settings.signing_key.get_secret_value(), "PROFILE_SIGNING_KEY")
    if settings.is_postgres:
        seed = derive(SIGNING_LABEL)
        if len(seed) != 32:
            raise ConfigurationError("the derived signing key is not 32 bytes")
        return seed
    return key_file(Path(settings.sqlite_path + KEY_FILE_SUFFIX), "the signing key file")


def checkpoint_file(text: str) -> Checkpoint:
    """A checkpoint saved from GET /v1/integrity/checkpoint (ValueError if it is not one)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg} at line {error.lineno})") from None
    return Checkpoint.from_json(data)
