"""What both recorders share: the idempotency table, the snapshots' table, row decoding."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from application.ports import IdempotencyRecord, VaultWrites, outcome_from_json

IDEMPOTENCY_TABLE = "idempotency_keys"
# The card vault's numbers: written and deleted in the transaction of the command that uses
# them (the vault adapter reads them; `key_id` names the key they are encrypted under).
VAULT_TABLE = "card_vault"
VAULT_COLUMNS = ("token", "nonce", "ciphertext", "key_id")


def vault_table_statement(blob: str) -> str:
    return (
        f"CREATE TABLE IF NOT EXISTS {VAULT_TABLE} (token TEXT PRIMARY KEY, "
        f"nonce {blob} NOT NULL, ciphertext {blob} NOT NULL, key_id TEXT)"
    )


def vault_statements(vault: VaultWrites | None, mark: str) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements (with `mark` as placeholder) that apply a command's vault writes."""
    if not vault:
        return []
    names, marks = ", ".join(VAULT_COLUMNS), ", ".join(mark for _ in VAULT_COLUMNS)
    insert = f"INSERT INTO {VAULT_TABLE} ({names}) VALUES ({marks})"
    delete = f"DELETE FROM {VAULT_TABLE} WHERE token = {mark}"
    return [
        *((insert, (s.token, s.nonce, s.ciphertext, s.key_id)) for s in vault.add),
        *((delete, (token,)) for token in vault.remove),
    ]


def snapshots_table(events_table: str) -> str:
    """The snapshot store's table beside an events table (the library names both so)."""
    return events_table.removesuffix("events") + "snapshots"


def id_text(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else originator_id


def record_from_row(row: Mapping[str, Any]) -> IdempotencyRecord:
    created = row["created_at"]
    return IdempotencyRecord(
        key=row["key"],
        fingerprint=row["fingerprint"],
        result=outcome_from_json(row["result"]),
        created_at=created if isinstance(created, datetime) else datetime.fromisoformat(created),
    )
