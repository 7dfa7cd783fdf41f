"""The tree's tables beside the events (SQLite or PostgreSQL): its state (size and position),
its leaves, its internal nodes by (level, index), and every checkpoint signed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError, OperationalError, ProgrammingError
from eventsourcing.postgres import PostgresDatastore
from psycopg.rows import tuple_row

from adapters.integrity.merkle import Frontier, Key, frontier_keys
from adapters.integrity.signing import Checkpoint

PREFIX = "integrity"
TREE = "tree"  # the state row's name
CREATE_ATTEMPTS = 5
_SUFFIX = re.compile(r"^[a-z0-9_]{0,40}$")
Leaf = tuple[int, int, bytes]  # (leaf index, position, leaf hash)
Node = tuple[int, int, bytes]  # (level >= 1, index, hash)
Entry = tuple[int, str, int, str, bytes]  # (position, profile id, version, topic, state)


class Moved(Exception):
    """The tree changed since its state was read (another builder, or a rebuild)."""


class NodesMissing(Exception):
    """Nodes a proof needs are not stored (yet): the tree is behind, or being rebuilt."""


@dataclass(frozen=True)
class TreeState:
    size: int  # leaves in the tree
    position: int  # the last event's position in it (0: none)
    frontier: Frontier  # the roots of its complete subtrees


class TreeStore:
    """The tree's rows; `suffix` renames its tables (a test's own, a rebuild's)."""

    def __init__(self, datastore: Any, suffix: str = "") -> None:  # noqa: ANN401
        if not _SUFFIX.match(suffix):
            raise ValueError(f"Invalid table suffix {suffix!r}")
        self.datastore = datastore
        self.postgres = isinstance(datastore, PostgresDatastore)
        schema = f"{datastore.schema}." if self.postgres else ""
        name = f"{schema}{PREFIX}{suffix}"
        self.lock_name = f"{PREFIX}{suffix}"
        self.state_table, self.leaves_table = f"{name}_state", f"{name}_leaves"
        self.nodes_table, self.checkpoints_table = f"{name}_nodes", f"{name}_checkpoints"

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def _run(self, cursor: Any, sql: str, params: Sequence[Any] = ()) -> None:  # noqa: ANN401
        cursor.execute(self._sql(sql), tuple(params))

    # Tables
    def create(self) -> None:
        big, blob = ("BIGINT", "BYTEA") if self.postgres else ("INTEGER", "BLOB")
        rowid = "" if self.postgres else " WITHOUT ROWID"
        statements = [
            f"CREATE TABLE IF NOT EXISTS {self.state_table} (name TEXT PRIMARY KEY, "
            f"tree_size {big} NOT NULL, position {big} NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.leaves_table} (leaf_index {big} PRIMARY KEY, "
            f"position {big} NOT NULL UNIQUE, hash {blob} NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.nodes_table} (level INTEGER NOT NULL, "
            f"idx {big} NOT NULL, hash {blob} NOT NULL, PRIMARY KEY (level, idx)){rowid}",
            f"CREATE TABLE IF NOT EXISTS {self.checkpoints_table} (tree_size {big} PRIMARY KEY, "
            "root_hash TEXT NOT NULL, timestamp TEXT NOT NULL, key_id TEXT NOT NULL, "
            "signature TEXT NOT NULL)",
            f"INSERT INTO {self.state_table} (name, tree_size, position) VALUES (?, 0, 0) "
            "ON CONFLICT (name) DO NOTHING",
        ]
        if self._exists():
            return  # no write: another process may be writing (SQLite's single writer)
        for attempt in range(CREATE_ATTEMPTS):
            try:
                with self.datastore.transaction(commit=True) as cursor:
                    if self.postgres:  # concurrent CREATE TABLE can fail: take turns
                        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                                       (self.lock_name,))
                    for statement in statements:
                        self._run(cursor, statement, (TREE,) if "?" in statement else ())
                return
            except (OperationalError, IntegrityError, ProgrammingError):
                if attempt == CREATE_ATTEMPTS - 1:
                    raise

    def _exists(self) -> bool:
        """Whether the state row (made last, with the tables) is there."""
        try:
            with self.reading() as reader:
                reader.run(f"SELECT 1 AS ok FROM {self.state_table} WHERE name = ?", (TREE,))
                return reader.cursor.fetchone() is not None
        except (OperationalError, ProgrammingError):
            return False

    def drop(self, *, checkpoints: bool = True) -> None:
        tables = [self.state_table, self.leaves_table, self.nodes_table]
        with self.datastore.transaction(commit=True) as cursor:
            for table in tables + ([self.checkpoints_table] if checkpoints else []):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    # The tree
    @contextmanager
    def reading(self) -> Iterator[Reader]:
        """Several reads in one transaction (one connection, fewer round trips)."""
        with self.datastore.transaction(commit=False) as cursor:
            yield Reader(self, cursor)

    def size_and_position(self) -> tuple[int, int]:
        with self.reading() as reader:
            return reader.size_and_position()

    def state(self) -> TreeState:
        with self.reading() as reader:
            size, position = reader.size_and_position()
            keys = frontier_keys(size)
            found = reader.found(keys)
        if len(found) != len(keys):
            raise Moved("the tree was reset while its state was read")
        return TreeState(size, position, Frontier(size, [found[key] for key in keys]))

    def append(self, before: int, after: TreeState, leaves: Sequence[Leaf],
               nodes: Sequence[Node]) -> None:
        """Record the leaves and nodes that take the tree from `before` leaves to `after`, with
        its new state, in one transaction; Moved (nothing written) if it is no longer `before`."""
        with self.datastore.transaction(commit=True) as cursor:
            self._run(cursor, f"UPDATE {self.state_table} SET tree_size = ?, position = ? "
                      "WHERE name = ? AND tree_size = ? RETURNING tree_size",
                      (after.size, after.position, TREE, before))
            if cursor.fetchone() is None:
                raise Moved(f"the tree no longer has {before} leaves")
            self._insert(cursor, self.leaves_table, ("leaf_index", "position", "hash"), leaves)
            self._insert(cursor, self.nodes_table, ("level", "idx", "hash"), nodes)

    def _insert(self, cursor: Any, table: str, columns: Sequence[str],  # noqa: ANN401
                rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        if self.postgres:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def reset(self) -> None:
        """Forget the tree (not the checkpoints): it is built again from the first event."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"DELETE FROM {self.leaves_table}")
            cursor.execute(f"DELETE FROM {self.nodes_table}")
            self._run(cursor, f"UPDATE {self.state_table} SET tree_size = 0, position = 0 "
                      "WHERE name = ?", (TREE,))

    def nodes(self, keys: Iterable[Key]) -> dict[Key, bytes]:
        with self.reading() as reader:
            return reader.nodes(keys)

    def leaf_index(self, position: int) -> int | None:
        with self.reading() as reader:
            return reader.leaf_index(position)

    def leaves(self, start: int, limit: int) -> list[Leaf]:
        """The leaves from index `start` on, at most `limit` of them, in order."""
        return self._tuples(f"SELECT leaf_index, position, hash FROM {self.leaves_table} "
                            "WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?", (start, limit))

    def log_page(self, events_table: str, after: int, stop: int, limit: int) -> list[Entry]:
        """The events after position `after`, up to `stop`, at most `limit`, as hashed into
        leaves: the profile's id as PostgreSQL's canonical text, or SQLite's stored hex."""
        if self.postgres:
            sql = ("SELECT notification_id, originator_id::text, originator_version, topic, "
                   f"state FROM {self.datastore.schema}.{events_table} WHERE notification_id > ? "
                   "AND notification_id <= ? ORDER BY notification_id LIMIT ?")
        else:
            sql = ("SELECT rowid, originator_id, originator_version, topic, state FROM "
                   f"{events_table} WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?")
        return self._tuples(sql, (after, stop, limit))

    def _tuples(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """The rows as tuples, as the driver makes them (not a dict per row)."""
        with self.datastore.transaction(commit=False) as cursor:
            if self.postgres:
                cursor = cursor.connection.cursor(row_factory=tuple_row)
                self._run(cursor, sql, params)
                return cursor.fetchall()  # type: ignore[no-any-return]
            self._run(cursor, sql, params)
            return [tuple(row) for row in cursor.fetchall()]

    # Checkpoints
    def add_checkpoint(self, checkpoint: Checkpoint) -> bool:
        """Keep a checkpoint; False if one of that size is kept already."""
        with self.datastore.transaction(commit=True) as cursor:
            self._run(cursor, f"INSERT INTO {self.checkpoints_table} (tree_size, root_hash, "
                      "timestamp, key_id, signature) VALUES (?, ?, ?, ?, ?) "
                      "ON CONFLICT (tree_size) DO NOTHING RETURNING tree_size",
                      (checkpoint.tree_size, checkpoint.root_hash, checkpoint.timestamp,
                       checkpoint.key_id, checkpoint.signature))
            return cursor.fetchone() is not None

    def latest_checkpoint(self) -> Checkpoint | None:
        with self.reading() as reader:
            return reader.latest_checkpoint()

    def checkpoints(self, after: int = 0, limit: int = 1000, *, descending: bool = False,
                    upto: int | None = None) -> list[Checkpoint]:
        """Checkpoints by tree size: those larger than `after` (and at most `upto`)."""
        with self.reading() as reader:
            return reader.checkpoints(after, limit, descending=descending, upto=upto)


class Reader:
    """Reads of the tree's tables through one cursor (one transaction)."""

    def __init__(self, store: TreeStore, cursor: Any) -> None:  # noqa: ANN401
        self.store = store
        self.cursor = cursor

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.store._run(self.cursor, sql, params)

    def size_and_position(self) -> tuple[int, int]:
        self.run(f"SELECT tree_size, position FROM {self.store.state_table} WHERE name = ?",
                 (TREE,))
        row = self.cursor.fetchone()
        return (int(row["tree_size"]), int(row["position"])) if row else (0, 0)

    def nodes(self, keys: Iterable[Key]) -> dict[Key, bytes]:
        """The hashes of these nodes (level 0: the leaves); NodesMissing if any is not stored."""
        wanted = sorted(set(keys))
        found = self.found(wanted)
        if len(found) != len(wanted):
            raise NodesMissing(f"{len(wanted) - len(found)} of {len(wanted)} nodes are missing")
        return found

    def found(self, keys: Sequence[Key]) -> dict[Key, bytes]:
        """Those of these nodes that are stored."""
        leaves = [index for level, index in keys if level == 0]
        inner = [key for key in keys if key[0] > 0]
        parts, params = [], []
        if leaves:
            parts.append(f"SELECT 0 AS level, leaf_index AS idx, hash FROM "
                         f"{self.store.leaves_table} "
                         f"WHERE leaf_index IN ({', '.join('?' for _ in leaves)})")
            params += leaves
        if inner:  # ORed point lookups: each one an index probe on both stores
            where = " OR ".join("(level = ? AND idx = ?)" for _ in inner)
            parts.append(f"SELECT level, idx, hash FROM {self.store.nodes_table} WHERE {where}")
            params += [part for key in inner for part in key]
        if not parts:
            return {}
        self.run(" UNION ALL ".join(parts), params)
        return {(int(r["level"]), int(r["idx"])): bytes(r["hash"])
                for r in self.cursor.fetchall()}

    def leaf_index(self, position: int) -> int | None:
        self.run(f"SELECT leaf_index FROM {self.store.leaves_table} WHERE position = ?",
                 (position,))
        row = self.cursor.fetchone()
        return None if row is None else int(row["leaf_index"])

    def latest_checkpoint(self) -> Checkpoint | None:
        found = self.checkpoints(descending=True, limit=1)
        return found[0] if found else None

    def checkpoints(self, after: int = 0, limit: int = 1000, *, descending: bool = False,
                    upto: int | None = None) -> list[Checkpoint]:
        order = "DESC" if descending else "ASC"
        bound, params = ("AND tree_size <= ? ", [after, upto]) if upto is not None else (
            "", [after])
        self.run(f"SELECT tree_size, root_hash, timestamp, key_id, signature FROM "
                 f"{self.store.checkpoints_table} WHERE tree_size > ? {bound}"
                 f"ORDER BY tree_size {order} LIMIT ?", [*params, limit])
        return [Checkpoint(int(r["tree_size"]), r["root_hash"], r["timestamp"], r["key_id"],
                           r["signature"]) for r in self.cursor.fetchall()]
