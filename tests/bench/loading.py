"""Loading a profile with a 10,000-event history against a 1-event one (no aggregate cache)."""

from __future__ import annotations

import statistics
import time
from uuid import UUID, uuid4

from application.service import ProfileService
from application.store import ProfileEventStore
from domain.events import Meta
from domain.inputs import AdditionalInfoInput, ContactPatch, PreferencesPatch
from domain.profile import Profile
from tests.bench.commands import bench_ctx, sample_registration

BATCH = 100


def grow_history(service: ProfileService, profile_id: UUID, events: int) -> int:
    """Append varied events in batches of BATCH per transaction (snapshots as configured)."""
    profile: Profile = service.get_profile(profile_id)
    n = profile.version
    while profile.version < events:
        for _ in range(min(BATCH, events - profile.version)):
            n += 1
            meta = Meta("service:bench", str(uuid4()), None, service.clock.now())
            flip = (n // 4) % 2 == 0
            kind = n % 4
            if kind == 0:
                profile.change_preferences(PreferencesPatch(pdf_invoices=flip), meta)
            elif kind == 1:
                phone = "+1 514 555 0199" if flip else "+1 514 555 0123"
                profile.change_contact(ContactPatch(phone=phone), meta)
            elif kind == 2:
                profile.link_social("twitter", f"https://x.com/m{n}", meta)
            else:
                title = "Developer" if flip else "CTO"
                profile.change_additional_info(AdditionalInfoInput(job_title=title), meta)
        service.save(profile)
    return profile.version


def load_ms(store: ProfileEventStore, profile_id: UUID, repeat: int) -> float:
    """Median milliseconds to rebuild the profile from the store, cache bypassed."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        store.get_profile(profile_id)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def long_history_load(service: ProfileService, env: dict[str, str], events: int,
                      repeat: int = 30) -> tuple[float, float]:
    """(ms for a profile with `events` events, ms for a 1-event profile); snapshots as set."""
    short = UUID(service.register(sample_registration(1), bench_ctx()).profile_id)
    long = UUID(service.register(sample_registration(2), bench_ctx()).profile_id)
    if grow_history(service, long, events) != events:
        raise RuntimeError(f"the long history does not have {events} events")
    cold = ProfileEventStore({**env, "AGGREGATE_CACHE_MAXSIZE": ""}, personal=service.personal)
    try:
        load_ms(cold, long, 3)
        load_ms(cold, short, 3)
        return load_ms(cold, long, repeat), load_ms(cold, short, repeat)
    finally:
        cold.close()

