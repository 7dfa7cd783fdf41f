"""A command's context: who acts (an actor of a known kind), under which idempotency key; the
system clock."""

from __future__ import annotations

from datetime import UTC

import pytest

from application.context import CommandContext
from application.ports import SystemClock
from domain.errors import RuleViolation


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"actor": "customer"}, "actor"),
        ({"actor": "robot:1"}, "actor"),
        ({"actor": "customer:"}, "actor"),
        ({"actor": "customer:1", "idempotency_key": ""}, "idempotency_key"),
        ({"actor": "customer:1", "idempotency_key": "with space"}, "idempotency_key"),
        ({"actor": "customer:1", "idempotency_key": "k" * 201}, "idempotency_key"),
    ],
)
def test_refuses_a_malformed_command_context(kwargs, field):
    with pytest.raises(RuleViolation) as caught:
        CommandContext(correlation_id="c", **kwargs)
    assert (caught.value.code, caught.value.field) == ("validation_error", field)


@pytest.mark.parametrize("kind", ["customer", "support", "service", "system"])
def test_accepts_every_actor_kind(kind):
    assert CommandContext(actor=f"{kind}:abc-1", correlation_id="c").actor == f"{kind}:abc-1"


def test_the_system_clock_tells_utc_time():
    assert SystemClock().now().tzinfo is UTC
