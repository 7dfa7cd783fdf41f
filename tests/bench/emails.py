"""What the e-mail reservation costs a command that changes the address: the same commands with
the claim written in their transaction, and with it left out, in interleaved slices."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from uuid import UUID

from adapters.bootstrap import build
from application.service import ProfileService
from tests.bench.commands import bench_ctx, register_profiles, sample_registration
from tests.bench.report import Figure
from tests.bench.stores import BenchStore

SLICE = 0.5  # seconds of one mode before the other


@dataclasses.dataclass
class _Claims:
    """Wraps the recorder's insert_events: with `on` False, the claims and releases are left
    out of what the command writes beside its events (what the path cost before the rule)."""

    inner: Any
    on: bool = True

    def __call__(self, stored: Any, **kwargs: Any) -> Any:
        side = kwargs.get("side")
        if side is not None and not self.on:
            kwargs["side"] = dataclasses.replace(side, claims=(), releases=()) or None
        return self.inner(stored, **kwargs)


def _changes(service: ProfileService, profiles: Sequence[UUID], round_no: int) -> int:
    for n, profile_id in enumerate(profiles):
        email = f"p{n}.r{round_no % 2}@bench.example"
        service.change_contact(profile_id, {"email": email}, bench_ctx())
    return len(profiles)


def _registrations(service: ProfileService, profiles: Sequence[UUID], round_no: int) -> int:
    for n in range(len(profiles) // 4):  # (argon2 at the bench's fast settings)
        data = {**sample_registration(n), "email": f"new{n}.r{round_no}@bench.example"}
        service.register(data, bench_ctx())
    return len(profiles) // 4


Workload = Callable[[ProfileService, Sequence[UUID], int], int]


def _interleaved(service: ProfileService, claims: _Claims, ids: Sequence[UUID],
                 work: Workload, seconds: float) -> tuple[float, float]:
    """(per second with the claim, without), in alternating slices of each."""
    done = {True: 0, False: 0}
    spent = {True: 0.0, False: 0.0}
    for round_no in (-2, -1):  # warm-up, in both modes
        claims.on = round_no == -1
        work(service, ids, round_no)
    round_no = 0
    deadline = time.perf_counter() + 2 * seconds
    while time.perf_counter() < deadline:
        for on in (True, False):
            claims.on = on
            start = time.perf_counter()
            while time.perf_counter() - start < SLICE:
                round_no += 1
                done[on] += work(service, ids, round_no)
            spent[on] += time.perf_counter() - start
    claims.on = True
    return done[True] / spent[True], done[False] / spent[False]


def email_figures(store: BenchStore, seconds: float, profiles: int) -> Iterator[Figure]:
    container = build(store.settings)
    try:
        service = container.service
        ids = register_profiles(service, profiles)
        claims = _Claims(service.recorder.insert_events)
        service.recorder.insert_events = claims  # type: ignore[method-assign]
        changes = _interleaved(service, claims, ids, _changes, seconds)
        registrations = _interleaved(service, claims, ids, _registrations, seconds)
    finally:
        container.close()
    for name, (with_claim, without) in (("e-mail changes/s", changes),
                                        ("registrations/s", registrations)):
        ratio = with_claim / without
        yield Figure(store.name, f"{name} with the e-mail reservation (1 thread)",
                     f"{with_claim:,.0f}", f"{without:,.0f} (claim left out)", ratio,
                     ">= 0.95x", ratio >= 0.95)
