"""The peer users would pick instead: a plain mutable row per profile, updated in place.

The same four commands as the application layer's figure (commands.command_for_round), each
validated by the domain's own code for its field (domain.inputs' pydantic models, then the
same normalisers: phonenumbers for the phone, the social link's URL rules, the additional
information's rules), then one UPDATE of the profile's JSON document in a transaction.

What it does not do, and the service does: keep a history, encrypt personal values under the
profile's data key, record who did it and why, compare with the state to write nothing when
nothing changes, guard against a concurrent writer (the version). Two variants:
- UPDATE only: the state the validation needs (the country, for the phone) is the one the
  peer last read, as the single server's cache does for the service;
- SELECT then UPDATE: the row read first (FOR UPDATE on PostgreSQL), as a CRUD handler
  usually does; one more round trip.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

from adapters.bootstrap import build
from application.service import ProfileService
from domain.inputs import AdditionalInfoInput, ContactPatch, PreferencesPatch, parse
from domain.sections.additional_information import additional_info_after
from domain.sections.contact_information import normalise_phone
from domain.sections.social_media import normalise_social_url
from tests.bench import commands
from tests.bench.report import Figure
from tests.bench.stores import BenchStore

TABLE = "bench_crud_profiles"
Change = tuple[tuple[str, ...], Any]  # the JSON path of the field, its new value
Decide = Callable[[dict[str, Any]], Change]  # from the profile's document


def decide_for_round(round_no: int) -> Decide:
    """commands.command_for_round's commands, validated the service's way."""
    kind, flip = round_no % 4, (round_no // 4) % 2 == 0
    if kind == 0:
        def preferences(_: dict[str, Any]) -> Change:
            patch = parse(PreferencesPatch, {"pdf_invoices": flip})
            return ("preferences", "pdf_invoices"), patch.pdf_invoices
        return preferences
    if kind == 1:
        def contact(doc: dict[str, Any]) -> Change:
            patch = parse(ContactPatch, {"phone": "+1 514 555 0199" if flip else "+1 514 555 0123"})
            assert patch.phone is not None
            return ("phone",), normalise_phone(patch.phone, doc["address"].get("country"))
        return contact
    if kind == 2:
        def social(_: dict[str, Any]) -> Change:
            url = f"https://x.com/marie{'a' if flip else 'b'}"
            return ("social", "twitter"), normalise_social_url("twitter", url)
        return social

    def additional(doc: dict[str, Any]) -> Change:
        info = parse(AdditionalInfoInput, {"job_title": "Developer" if flip else "CTO"})
        return ("additional_info", "job_title"), additional_info_after(
            doc["additional_info"], info)["job_title"]
    return additional


class CrudPeer:
    def __init__(self, store: BenchStore, service: ProfileService, profiles: Sequence[UUID],
                 read_first: bool) -> None:
        self.read_first = read_first
        self.known = {p: _plain(service.get_profile(p).state) for p in profiles}
        self.one: Callable[[UUID, Decide], None]
        self.close: Callable[[], None]
        if store.settings.is_postgres:
            self._postgres(store.url)
        else:
            self._sqlite(store.url.removeprefix("sqlite:///"))

    def run(self, profiles: Sequence[UUID], seconds: float, first_round: int) -> tuple[int, int]:
        """Rounds of commands for about `seconds`: (commands done, next round)."""
        done, round_no = 0, first_round
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            decide = decide_for_round(round_no)
            for profile_id in profiles:
                self.one(profile_id, decide)
            done += len(profiles)
            round_no += 1
        return done, round_no

    def _postgres(self, url: str) -> None:
        conn = psycopg.connect(url)
        with conn.transaction():
            conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
            conn.execute(f"CREATE TABLE {TABLE} (id uuid PRIMARY KEY, doc jsonb NOT NULL, "
                         "version bigint NOT NULL, updated_at timestamptz NOT NULL)")
            for profile_id, doc in self.known.items():
                conn.execute(f"INSERT INTO {TABLE} VALUES (%s, %s, 1, now())",
                             (profile_id, Jsonb(doc)))
        select = f"SELECT doc FROM {TABLE} WHERE id = %s FOR UPDATE"
        update = (f"UPDATE {TABLE} SET doc = jsonb_set(doc, %s, %s), version = version + 1, "
                  "updated_at = %s WHERE id = %s")

        def one(profile_id: UUID, decide: Decide) -> None:
            with conn.transaction():
                doc = self.known[profile_id]
                if self.read_first:
                    row = conn.execute(select, (profile_id,), prepare=True).fetchone()
                    assert row is not None
                    doc = row[0]
                path, value = decide(doc)
                conn.execute(update, (list(path), Jsonb(value), datetime.now(UTC), profile_id),
                             prepare=True)

        self.one, self.close = one, conn.close

    def _sqlite(self, path: str) -> None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute(f"CREATE TABLE {TABLE} (id TEXT PRIMARY KEY, doc TEXT NOT NULL, "
                     "version INTEGER NOT NULL, updated_at TEXT NOT NULL)")
        conn.execute("BEGIN")
        for profile_id, doc in self.known.items():
            conn.execute(f"INSERT INTO {TABLE} VALUES (?, ?, 1, ?)",
                         (profile_id.hex, json.dumps(doc), datetime.now(UTC).isoformat()))
        conn.execute("COMMIT")
        select = f"SELECT doc FROM {TABLE} WHERE id = ?"
        update = (f"UPDATE {TABLE} SET doc = json_set(doc, ?, json(?)), version = version + 1, "
                  "updated_at = ? WHERE id = ?")

        def one(profile_id: UUID, decide: Decide) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                doc = self.known[profile_id]
                if self.read_first:
                    doc = json.loads(conn.execute(select, (profile_id.hex,)).fetchone()[0])
                path, value = decide(doc)
                conn.execute(update, ("$." + ".".join(path), json.dumps(value),
                                      datetime.now(UTC).isoformat(), profile_id.hex))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        self.one, self.close = one, conn.close


def _plain(state: Any) -> dict[str, Any]:
    """The profile's state as a JSON document (what a CRUD table would hold)."""
    loaded: dict[str, Any] = json.loads(json.dumps(state, default=str))
    return loaded


def crud_figures(store: BenchStore, seconds: float, profiles: int,
                 slices: int = 3) -> Iterator[Figure]:
    """The application layer and each variant of the peer in turn, `slices` times (so a busy
    neighbour slows both alike): commands/s, and this process's CPU µs per command."""
    container = build(store.settings)
    try:
        service = container.service
        ids = commands.register_profiles(service, profiles)
        _, round_no = commands.app_commands_per_second(service, ids, 0.5)  # warm-up
        for read_first in (False, True):
            peer = CrudPeer(store, service, ids, read_first)
            try:
                peer.run(ids, 0.3, 0)  # warm-up
                app = [0, 0.0, 0.0]  # commands, wall seconds, CPU seconds
                crud = [0, 0.0, 0.0]
                for _ in range(slices):
                    wall, cpu = time.perf_counter(), time.process_time()
                    _, next_round = commands.app_commands_per_second(
                        service, ids, seconds / slices, round_no)
                    _add(app, (next_round - round_no) * len(ids), wall, cpu)
                    round_no = next_round
                    wall, cpu = time.perf_counter(), time.process_time()
                    _add(crud, peer.run(ids, seconds / slices, round_no)[0], wall, cpu)
            finally:
                peer.close()
            variant = "SELECT then UPDATE" if read_first else "UPDATE only"
            app_rate, crud_rate = app[0] / app[1], crud[0] / crud[1]
            app_cpu, crud_cpu = app[2] / app[0] * 1e6, crud[2] / crud[0] * 1e6
            yield Figure(store.name, f"application layer vs CRUD peer ({variant}), commands/s",
                         f"{app_rate:,.0f}", f"{crud_rate:,.0f}", app_rate / crud_rate)
            yield Figure(store.name, "  CPU µs/command of this process (service; CRUD peer)",
                         f"{app_cpu:,.0f}", f"{crud_cpu:,.0f}", app_cpu / crud_cpu)
    finally:
        container.close()


def _add(totals: list[float], done: int, wall: float, cpu: float) -> None:
    totals[0] += done
    totals[1] += time.perf_counter() - wall
    totals[2] += time.process_time() - cpu
