"""ReadSide: running, read-your-writes, status and rebuilding, on SQLite and PostgreSQL."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from application.history import profile_state
from tests.integration.readside_support import head, many_events, private_readside, snapshot
from tests.support import ctx, registration


def test_a_caller_holding_a_version_waits_until_the_views_reflect_it(container, service):
    with private_readside(container) as readside:
        result = service.register(registration(), ctx())
        profile_id = UUID(result.profile_id)
        assert readside.wait_for_version(profile_id, result.version, timeout=10)
        assert readside.profiles.get(profile_id)["version"] == result.version
        assert readside.may_send(profile_id, "invoice").allowed
        assert readside.audit.entries(profile_id=profile_id)[-1]["version"] == result.version


def test_waiting_for_a_version_that_never_comes_gives_up(container, service):
    with private_readside(container) as readside:
        profile_id = UUID(service.register(registration(), ctx()).profile_id)
        assert readside.wait_for_version(profile_id, 1, timeout=10)
        assert not readside.wait_for_version(profile_id, 2, timeout=0.1)
        assert not readside.wait_for_version(uuid4(), 1, timeout=0.1)


def test_stopped_views_report_their_lag_and_waiting_for_a_position_times_out(container, service):
    with private_readside(container, start=False) as readside:
        service.register(registration(), ctx())
        target = head(container)
        status = readside.status()
        assert [row["name"] for row in status] == [
            "profile_view",
            "audit_trail",
            "newsletter_audience",
        ]
        assert all(row["head"] >= target and row["lag"] >= 1 for row in status)
        with pytest.raises(TimeoutError):
            readside.wait_for_position(target, timeout=0.1)
        readside.start()
        readside.wait_for_position(target, timeout=10)
        assert all(row["position"] >= target for row in readside.status())


def test_rebuilding_gives_the_views_built_event_by_event(container, service):
    start = head(container)
    profile_id = UUID(service.register(registration(), ctx()).profile_id)
    service.add_contact(profile_id, {"name": "Ann Lee", "email": "ann@example.com"}, ctx())
    other = many_events(container, 40)
    with private_readside(container, start_after=start) as readside:
        readside.wait_for_position(head(container), timeout=10)
        before = snapshot(readside, [profile_id, other])
        calls: list[tuple[int, int]] = []
        replayed = readside.rebuild(progress=lambda done, total: calls.append((done, total)))
        assert snapshot(readside, [profile_id, other]) == before
        assert replayed >= 3 * 43
        assert calls[-1] == (replayed, replayed)
        assert all(done <= total for done, total in calls)
        assert before["profiles"][str(profile_id)] == profile_state(service.get_profile(profile_id))


def test_a_running_view_rebuilt_alone_keeps_following_new_events(container, service):
    with private_readside(container) as readside:
        first = UUID(service.register(registration(), ctx()).profile_id)
        readside.wait_for_position(head(container), timeout=10)
        readside.rebuild("audit_trail")
        result = service.link_social(first, "signal", "https://signal.me/#p/abc", ctx())
        assert readside.wait_for_version(first, result.version, timeout=10)
        assert [e["event"] for e in readside.audit.entries(profile_id=first)] == [
            "ProfileRegistered",
            "SocialAccountLinked",
        ]


def test_rebuilding_an_unknown_view_is_refused(container):
    with private_readside(container, start=False) as readside, pytest.raises(ValueError):
        readside.rebuild("gossip")


def test_read_side_as_a_context_manager_runs_then_stops(container, service):
    with private_readside(container, start=False) as readside:
        with readside:
            result = service.register(registration(), ctx())
            assert readside.wait_for_version(UUID(result.profile_id), 1, timeout=10)
        later = service.register(registration(), ctx())
        assert not readside.wait_for_version(UUID(later.profile_id), 1, timeout=0.2)


def test_a_failed_runner_is_reported_and_started_again(container, service):
    with private_readside(container) as readside:
        first = UUID(service.register(registration(), ctx()).profile_id)
        assert readside.wait_for_version(first, 1, timeout=10)
        with readside.profiles.datastore.transaction(commit=True) as cursor:
            records, _tracking = readside.profiles.tables()
            cursor.execute(f"DROP TABLE {records}")  # the runner will fail
        second = UUID(service.register(registration(), ctx()).profile_id)
        assert readside.wait_until(lambda: "profile_view" in readside.errors(), timeout=20)
        readside.profiles.create_table()  # repaired: the restarted runner goes on
        assert readside.wait_for_version(second, 1, timeout=30)
        assert readside.errors() == {}
        assert readside.profiles.get(first) is None
        readside.rebuild("profile_view")
        assert readside.profiles.get(first) == profile_state(service.get_profile(first))
