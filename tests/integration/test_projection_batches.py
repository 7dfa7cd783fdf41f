"""Batches: every view in one transaction, a failing view left as it was, positions that moved
meanwhile, states remembered between batches, and the runner woken by new events."""

from __future__ import annotations

from uuid import UUID

from adapters.eventstore.subscription import Wakeup
from adapters.readside.batch import Member, apply_batch, decode
from adapters.readside.model import APPLICATION, VIEWS, ReadSide
from application.history import profile_state
from projections.profiles import AuditProjection
from tests.integration.readside_support import head, many_events, private_readside, snapshot
from tests.support import ctx, registration

CONSENT = {"channel": "api", "text_version": "v1", "language": "en"}


def events_since(container, start: int) -> list:
    recorder = container.service.recorder
    notifications = recorder.select_notifications(start=start, limit=10_000,
                                                  inclusive_of_start=False)
    return decode(container.service.mapper, APPLICATION, notifications)


def members(readside: ReadSide, remember: int = 0, **projections) -> list[Member]:
    """Views of their own on the read side's tables, as a runner has."""
    chosen = []
    for spec in VIEWS:
        view = readside.view_class(spec.name)(datastore=readside.log.datastore)
        if remember:
            view.remember(remember)
        chosen.append(Member(spec.name, view, projections.get(spec.name, spec.projection)(view)))
    return chosen


def positions(readside: ReadSide) -> dict[str, int]:
    return {row["name"]: row["position"] for row in readside.status()}


def failing_at(notification_id: int) -> type[AuditProjection]:
    class FailingAudit(AuditProjection):
        def process_event(self, domain_event, tracking):
            if tracking.notification_id == notification_id:
                raise RuntimeError("the audit fails mid-batch")
            super().process_event(domain_event, tracking)

    return FailingAudit


def test_a_view_failing_mid_batch_is_left_as_before_while_the_others_commit(container):
    start = head(container)
    with private_readside(container, start=False, start_after=start) as readside:
        profile_id = many_events(container, 20)
        events = events_since(container, start)
        datastore = readside.log.datastore

        failing = failing_at(events[9][1].notification_id)
        outcome = apply_batch(datastore, members(readside, audit_trail=failing), events)

        last = events[-1][1].notification_id
        assert set(outcome.failures) == {"audit_trail"}
        assert positions(readside) == {
            "profile_view": last, "audit_trail": start, "newsletter_audience": last
        }
        assert readside.audit.entries(profile_id=profile_id) == []
        assert readside.audit.profile_version(profile_id) is None
        assert readside.profiles.get(profile_id)["version"] == 21

        outcome = apply_batch(datastore, members(readside), events)
        assert outcome.failures == {}
        assert len(readside.audit.entries(profile_id=profile_id)) == 21
        assert set(positions(readside).values()) == {last}


def test_a_view_written_by_another_runner_meanwhile_applies_each_event_once(container):
    start = head(container)
    with private_readside(container, start=False, start_after=start) as readside:
        profile_id = many_events(container, 20)
        events = events_since(container, start)
        datastore = readside.log.datastore
        twin = [m for m in members(readside) if m.name == "audit_trail"]

        class Meddling(AuditProjection):
            """While its batch is being filled, another runner records the first 12 events."""

            meddled = False

            def process_event(self, domain_event, tracking):
                if not Meddling.meddled:
                    Meddling.meddled = True
                    assert apply_batch(datastore, twin, events[:12]).failures == {}
                super().process_event(domain_event, tracking)

        outcome = apply_batch(datastore, members(readside, audit_trail=Meddling), events)

        assert Meddling.meddled and outcome.failures == {}
        entries = readside.audit.entries(profile_id=profile_id)
        assert [e["version"] for e in entries] == list(range(1, 22))
        assert len({e["position"] for e in entries}) == 21


def test_states_remembered_between_batches_give_the_views_built_in_one_go(container, service):
    start = head(container)
    with private_readside(container, start=False, start_after=start) as readside:
        ids = [UUID(service.register(registration(), ctx()).profile_id) for _ in range(2)]
        for n in range(12):
            for profile_id in ids:
                service.change_additional_info(profile_id, {"job_title": f"Job {n}"}, ctx())
                if n % 4 == 1:
                    service.link_social(profile_id, "signal", f"https://signal.me/#p/{n}", ctx())
                categories = ["news", "tips"] if n % 2 else ["offers"]
                service.subscribe_newsletters(
                    profile_id, {"categories": categories, "consent": CONSENT}, ctx()
                )
        events = events_since(container, start)
        datastore = readside.log.datastore
        runner, other = members(readside, remember=10), members(readside)
        for number, first in enumerate(range(0, len(events), 3)):
            # another runner takes every fourth batch: what the first remembers is then stale
            writer = other if number % 4 == 3 else runner
            assert apply_batch(datastore, writer, events[first : first + 3]).failures == {}
        built = snapshot(readside, ids)

        readside.rebuild()
        assert snapshot(readside, ids) == built
        for profile_id in ids:
            aggregate = service.get_profile(profile_id)
            assert built["profiles"][str(profile_id)] == profile_state(aggregate)


def test_the_runner_is_woken_by_new_events(container, service):
    wakeup = Wakeup(service.recorder)
    try:
        assert wakeup.event.wait(10)  # set once listening, for events recorded before
        wakeup.clear()
        service.register(registration(), ctx())
        assert wakeup.event.wait(10)
    finally:
        wakeup.close()
