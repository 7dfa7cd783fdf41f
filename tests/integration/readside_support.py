"""Read-side test helpers: views kept apart on the shared PostgreSQL, copies rebuilt from events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID, uuid4

from adapters.bootstrap import Container
from adapters.readside.model import ReadSide
from domain.events import Meta
from domain.inputs import AdditionalInfoInput, Consent, PreferencesPatch
from domain.profile import Profile
from tests.support import ctx, registration

CONSENT = Consent(channel="portal", text_version="v1", language="fr")


def head(container: Container) -> int:
    return container.service.recorder.max_notification_id() or 0


def new_readside(container: Container, start_after: int | None = None) -> ReadSide:
    """Private views: on PostgreSQL under their own table names, starting at the head."""
    if container.settings.is_postgres:
        start = head(container) if start_after is None else start_after
        return container.read_side(suffix=f"_t{uuid4().hex[:10]}", start_after=start)
    if start_after is None:
        return container.read_side()
    return container.read_side(suffix=f"_t{uuid4().hex[:10]}", start_after=start_after)


@contextmanager
def private_readside(
    container: Container, *, start: bool = True, start_after: int | None = None
) -> Iterator[ReadSide]:
    readside = new_readside(container, start_after)
    try:
        if start:
            readside.start()
        yield readside
    finally:
        readside.stop()
        if container.settings.is_postgres or start_after is not None:
            readside.drop()


def snapshot(readside: ReadSide, profile_ids: Iterable[UUID]) -> dict[str, Any]:
    """Everything the views say about these profiles."""
    ids = sorted(str(p) for p in profile_ids)
    categories = readside.categories
    return {
        "profiles": {p: readside.profiles.get(p) for p in ids},
        "audit": {p: list(readside.audit.iter_entries(profile_id=p)) for p in ids},
        "communications": {p: readside.audience.communications(p) for p in ids},
        "audiences": {
            c: [s for s in readside.audience.subscribers(c, limit=10_000) if s in ids]
            for c in categories
        },
    }


def many_events(container: Container, count: int) -> UUID:
    """Register a profile and record `count` more events on it in one go."""
    service = container.service
    profile_id = UUID(service.register(registration(), ctx()).profile_id)
    profile: Profile = service.get_profile(profile_id)
    for n in range(count):
        meta = Meta("support:bulk", str(uuid4()), None, service.clock.now())
        if n % 4 == 0:
            profile.change_preferences(PreferencesPatch(pdf_invoices=n % 8 == 0), meta)
        elif n % 4 == 1:
            profile.change_additional_info(AdditionalInfoInput(job_title=f"Job {n}"), meta)
        elif n % 4 == 2:
            profile.change_preferences(PreferencesPatch(domain_suggestions=n % 8 == 2), meta)
        elif n % 8 == 3:
            profile.subscribe(["news", "tips"][: 1 + n % 2], CONSENT, meta)
        else:
            profile.unsubscribe(meta)
    service.save(profile)
    return profile_id
