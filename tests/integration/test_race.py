"""Racing writers: at one expected version exactly one wins and versions stay gapless."""

from __future__ import annotations

from uuid import UUID

import pytest

from adapters.bootstrap import build
from domain.errors import VersionConflict
from tests.support import at_once, ctx

THREADS = 8


def race(service, profile_id: UUID, expected_version: int | None) -> list[object]:
    """Start THREADS commands at once; each returns its CommandResult or its error.
    `service` may be a list: the threads take turns among them (processes of their own)."""
    services = service if isinstance(service, list) else [service]

    def command(index: int) -> object:
        context = ctx(f"customer:racer-{index}", expected_version=expected_version)
        return services[index % len(services)].add_contact(
            profile_id, {"name": f"Racer {index}", "email": f"r{index}@example.com"}, context
        )

    return at_once([lambda i=i: command(i) for i in range(THREADS)])


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"])
def test_of_eight_writers_at_the_same_expected_version_exactly_one_wins(service, profile_id):
    for _ in range(3):  # a few rounds, each from the version the last one left
        version = service.get_profile(profile_id).version
        outcomes = race(service, profile_id, expected_version=version)
        winners = [o for o in outcomes if not isinstance(o, Exception)]
        losers = [o for o in outcomes if isinstance(o, Exception)]
        assert len(winners) == 1
        assert winners[0].version == version + 1
        assert len(losers) == THREADS - 1
        assert all(isinstance(o, VersionConflict) for o in losers), losers
        assert all(o.expected == version for o in losers)
    versions = [e.originator_version for e in service.events.get(profile_id)]
    assert versions == list(range(1, 5))
    assert len(service.get_profile(profile_id).state["contacts"]) == 3


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"])
def test_writers_without_an_expected_version_win_or_get_version_conflict(service, profile_id):
    outcomes = race(service, profile_id, expected_version=None)
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert winners
    assert all(isinstance(o, VersionConflict) and o.expected is None for o in losers), losers
    versions = [e.originator_version for e in service.events.get(profile_id)]
    assert versions == list(range(1, len(winners) + 2))
    assert sorted(w.version for w in winners) == versions[1:]


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"])
def test_of_writers_in_two_processes_at_one_expected_version_exactly_one_wins(
    settings, clock, service, profile_id
):
    second = build(settings, clock=clock)
    try:
        services = [service, second.service]
        for round_no in range(3):
            version = services[round_no % 2].get_profile(profile_id).version
            outcomes = race(services, profile_id, expected_version=version)
            winners = [o for o in outcomes if not isinstance(o, Exception)]
            assert len(winners) == 1 and winners[0].version == version + 1
            assert all(isinstance(o, VersionConflict) for o in outcomes if o not in winners)
        versions = [e.originator_version for e in service.events.get(profile_id)]
        assert versions == list(range(1, 5))
        assert len(second.service.get_profile(profile_id).state["contacts"]) == 3
    finally:
        second.close()
