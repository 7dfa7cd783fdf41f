"""The master key and the purpose keys derived from it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from adapters.settings import ConfigurationError, Settings


def derive_key(master: bytes, purpose: str) -> bytes:
    return hmac.new(master, purpose.encode(), hashlib.sha256).digest()


def vault_master_key(settings: Settings) -> bytes:
    if settings.vault_key is not None:
        return base64.b64decode(settings.vault_key.get_secret_value())
    if settings.is_postgres:
        raise ConfigurationError("PROFILE_VAULT_KEY is required with PostgreSQL")
    path = Path(settings.sqlite_path + ".vault-key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(base64.b64encode(os.urandom(32)).decode())
    return base64.b64decode(path.read_text().strip())
