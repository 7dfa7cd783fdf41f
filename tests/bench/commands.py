"""Commands per second through the application layer, beside raw SQL doing the same I/O."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import psycopg

from adapters.bootstrap import Container
from application.context import CommandContext
from application.ports import CommandResult
from application.service import ProfileService
from tests.bench.stores import BenchStore
from tests.support import registration

FLOOR_TABLE = "bench_floor_events"
Command = Callable[[ProfileService, UUID, CommandContext], CommandResult]


def sample_registration(n: int) -> dict[str, Any]:
    """The tests' registration, with a street number of its own per profile."""
    sample = registration()
    sample["address"] = {**sample["address"], "line1": f"{100 + n} rue Sainte-Catherine"}
    return sample


def bench_ctx() -> CommandContext:
    return CommandContext(actor="service:bench", correlation_id=str(uuid4()))


def command_for_round(round_no: int) -> Command:
    """Four cheap commands in turn; each value flips every four rounds, so each records an event."""
    kind, flip = round_no % 4, (round_no // 4) % 2 == 0
    if kind == 0:
        return lambda s, p, c: s.change_preferences(p, {"pdf_invoices": flip}, c)
    if kind == 1:
        phone = "+1 514 555 0199" if flip else "+1 514 555 0123"
        return lambda s, p, c: s.change_contact(p, {"phone": phone}, c)
    if kind == 2:
        url = f"https://x.com/marie{'a' if flip else 'b'}"
        return lambda s, p, c: s.link_social(p, "twitter", url, c)
    title = "Developer" if flip else "CTO"
    return lambda s, p, c: s.change_additional_info(p, {"job_title": title}, c)


def register_profiles(service: ProfileService, count: int) -> list[UUID]:
    return [
        UUID(service.register(sample_registration(n), bench_ctx()).profile_id)
        for n in range(count)
    ]


def app_commands_per_second(
    service: ProfileService, profiles: Sequence[UUID], seconds: float, first_round: int = 0
) -> tuple[float, int]:
    """Run rounds of commands over `profiles` for about `seconds`; (commands/s, next round)."""
    done, round_no = 0, first_round
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        command = command_for_round(round_no)
        for profile_id in profiles:
            command(service, profile_id, bench_ctx())
        done += len(profiles)
        round_no += 1
    return done / (time.perf_counter() - start), round_no


class Floor:
    """The same I/O as one command, in raw SQL: read the profile's new events, insert one.

    The insert is one autocommit statement (one round trip, one transaction, one commit),
    into a table shaped like the events table, in the same database.
    """

    def __init__(self, store: BenchStore, container: Container) -> None:
        recorder: Any = container.service.recorder
        events_table = recorder.events_table_name
        row = container.sql.fetchone(
            f"SELECT topic, state FROM {events_table} WHERE topic LIKE ?",
            ("%PreferencesChanged",),
        )
        if row is None:
            raise RuntimeError("run the application commands first")
        self.topic, self.state = row["topic"], bytes(row["state"])
        self.version = 1
        self.done = 0  # commands run, over every call of commands_per_second
        self.one: Callable[[UUID, int, int], None]
        self.close: Callable[[], None]
        if store.settings.is_postgres:
            self._postgres(store.url, events_table)
        else:
            self._sqlite(store.url.removeprefix("sqlite:///"), events_table)

    def commands_per_second(self, profiles: Sequence[UUID], versions: dict[UUID, int],
                            seconds: float) -> float:
        done = 0
        start = time.perf_counter()
        deadline = start + seconds
        while time.perf_counter() < deadline:
            self.version += 1
            for profile_id in profiles:
                self.one(profile_id, versions[profile_id], self.version)
            done += len(profiles)
        self.done += done
        return done / (time.perf_counter() - start)

    def _postgres(self, url: str, events_table: str) -> None:
        select = (f"SELECT * FROM {events_table} WHERE originator_id = %s "
                  "AND originator_version > %s ORDER BY originator_version ASC")
        insert = (f"INSERT INTO {FLOOR_TABLE} (originator_id, originator_version, topic, state) "
                  "VALUES (%s, %s, %s, %s) RETURNING notification_id")
        conn = psycopg.connect(url, autocommit=True)
        conn.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        conn.execute(
            f"CREATE TABLE {FLOOR_TABLE} (originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, topic text, state bytea, "
            "notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
        )
        conn.execute(f"CREATE UNIQUE INDEX ON {FLOOR_TABLE} (notification_id)")

        def one(profile_id: UUID, known: int, version: int) -> None:
            conn.execute(select, (profile_id, known), prepare=True).fetchall()
            conn.execute(insert, (profile_id, version, self.topic, self.state),
                         prepare=True).fetchall()

        self.one, self.close = one, conn.close

    def _sqlite(self, path: str, events_table: str) -> None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            raise RuntimeError("the floor must run in WAL mode like the event store")
        conn.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        conn.execute(
            f"CREATE TABLE {FLOOR_TABLE} (originator_id TEXT, originator_version INTEGER, "
            "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
        )
        select = (f"SELECT * FROM {events_table} WHERE originator_id = ? "
                  "AND originator_version > ? ORDER BY originator_version ASC")
        insert = f"INSERT INTO {FLOOR_TABLE} VALUES (?, ?, ?, ?)"

        def one(profile_id: UUID, known: int, version: int) -> None:
            conn.execute(select, (profile_id.hex, known)).fetchall()
            conn.execute("BEGIN")
            conn.execute(insert, (profile_id.hex, version, self.topic, self.state))
            conn.execute("COMMIT")

        self.one, self.close = one, conn.close


@dataclass(frozen=True)
class Paired:
    """The application layer and its floor, interleaved: commands/s, and this process's CPU
    µs per command (with PostgreSQL, the server's own CPU is in neither)."""

    app_per_second: float
    floor_per_second: float
    app_cpu_us: float
    floor_cpu_us: float


def interleaved(service: ProfileService, floor: Floor, profiles: Sequence[UUID],
                seconds: float, first_round: int, slices: int = 3) -> tuple[float, float]:
    """Alternate application and floor runs, so a busy neighbour slows both alike."""
    paired = interleaved_cpu(service, floor, profiles, seconds, first_round, slices)
    return paired.app_per_second, paired.floor_per_second


def interleaved_cpu(service: ProfileService, floor: Floor, profiles: Sequence[UUID],
                    seconds: float, first_round: int, slices: int = 3) -> Paired:
    app_done = floor_done = app_cpu = floor_cpu = 0.0
    app_count, floor_count = 0, floor.done
    round_no = first_round
    for _ in range(slices):
        began = time.process_time()
        rate, next_round = app_commands_per_second(service, profiles, seconds / slices, round_no)
        app_cpu += time.process_time() - began
        app_count += (next_round - round_no) * len(profiles)
        app_done += rate
        round_no = next_round
        versions = current_versions(service, profiles)
        began = time.process_time()
        floor_done += floor.commands_per_second(profiles, versions, seconds / slices)
        floor_cpu += time.process_time() - began
    floor_count = floor.done - floor_count
    return Paired(app_done / slices, floor_done / slices,
                  app_cpu / max(app_count, 1) * 1e6, floor_cpu / max(floor_count, 1) * 1e6)


def current_versions(service: ProfileService, profiles: Sequence[UUID]) -> dict[UUID, int]:
    return {p: service.get_profile(p).version for p in profiles}
