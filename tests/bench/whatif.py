"""What-if: the application layer as one of several server processes (`serve --workers N`).

A single server trusts its cached profiles and lets the write find a stale one (another
process wrote since); one of several servers reads the profile's new events before each
command instead (adapters.bootstrap.build(several_servers=True)). Measured beside the
single-server figure, to show what that read costs.
"""

from __future__ import annotations

from adapters.bootstrap import Container, build
from tests.bench.stores import BenchStore


def one_of_several_servers(store: BenchStore) -> Container:
    return build(store.settings, several_servers=True)
