"""What both recorders share: the idempotency table, the snapshots' table, row decoding."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from application.ports import (
    EmailTaken,
    IdempotencyRecord,
    SideWrites,
    VaultWrites,
    outcome_from_json,
)

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


KEYS_TABLE = "profile_keys"  # each profile's data key, wrapped (privacy.md)
ROTATIONS_TABLE = "key_rotations"  # a new master key handed over while a rotation runs
CLAIMS_TABLE = "email_claims"  # which profile holds each e-mail address
CLAIMS_BUILT_TABLE = "email_claims_built"  # a row once the claims are built from the log


def side_table_statements(blob: str, clustered: str = "") -> list[str]:
    """The tables a command writes beside its events: the vault, data keys, e-mail claims
    (`clustered`: SQLite's WITHOUT ROWID, the claims kept in their key's own b-tree; one
    b-tree, not three, for each claim to change: a claim is freed by its address, an
    erasure's too)."""
    return [
        vault_table_statement(blob),
        f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} (profile_id TEXT PRIMARY KEY, "
        f"key_id TEXT NOT NULL, nonce {blob} NOT NULL, wrapped {blob} NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {CLAIMS_TABLE} (email TEXT PRIMARY KEY, "
        f"profile_id TEXT NOT NULL){clustered}",
        f"DROP INDEX IF EXISTS {CLAIMS_TABLE}_by_profile",
        f"CREATE TABLE IF NOT EXISTS {CLAIMS_BUILT_TABLE} (position BIGINT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {ROTATIONS_TABLE} (key_id TEXT PRIMARY KEY, "
        f"old_key_id TEXT NOT NULL, nonce {blob} NOT NULL, wrapped {blob} NOT NULL)",
    ]


class Cursor(Protocol):
    def execute(self, sql: Any, params: Any = ...) -> Any: ...  # noqa: ANN401
    def fetchone(self) -> Any: ...  # noqa: ANN401


def write_beside(
    cursor: Cursor,
    side: SideWrites | None,
    profile_id: UUID | str | None,
    mark: str,
    snapshot_rows: tuple[Any, Any] | None = None,
) -> None:
    """In the events' transaction: the vault's numbers, a new data key, the e-mail claims
    (EmailTaken if another profile holds one) and those freed, and what an erasure destroys.
    `snapshot_rows`: the statement deleting a profile's snapshots, and its parameter."""
    if not side:
        return
    for statement, params in vault_statements(side.vault, mark):
        cursor.execute(statement, params)
    if (key := side.new_key) is not None:
        cursor.execute(
            f"INSERT INTO {KEYS_TABLE} (profile_id, key_id, nonce, wrapped) "
            f"VALUES ({mark}, {mark}, {mark}, {mark})",
            (str(key.profile_id), key.key_id, key.nonce, key.wrapped),
        )
    owner = str(profile_id)
    for email in side.releases:
        cursor.execute(
            f"DELETE FROM {CLAIMS_TABLE} WHERE email = {mark} AND profile_id = {mark}",
            (email, owner),
        )
    for email in side.claims:
        _claim(cursor, email, owner, mark)
    if side.erase is not None:
        erased = str(side.erase)
        cursor.execute(f"DELETE FROM {KEYS_TABLE} WHERE profile_id = {mark}", (erased,))
        if snapshot_rows is not None:
            cursor.execute(*snapshot_rows)


def _claim(cursor: Cursor, email: str, owner: str, mark: str) -> None:
    """Hold `email` for `owner`: a racing claim of the same address waits for the other
    transaction's end, then finds it taken (PostgreSQL; SQLite's writers take turns)."""
    for _ in range(3):  # a holder that let go meanwhile: try again
        cursor.execute(
            f"INSERT INTO {CLAIMS_TABLE} (email, profile_id) VALUES ({mark}, {mark}) "
            "ON CONFLICT (email) DO NOTHING RETURNING profile_id",
            (email, owner),
        )
        if cursor.fetchone() is not None:
            return
        cursor.execute(f"SELECT profile_id FROM {CLAIMS_TABLE} WHERE email = {mark}", (email,))
        held = cursor.fetchone()
        if held is not None:
            if held["profile_id"] != owner:
                raise EmailTaken
            return
    raise EmailTaken


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
