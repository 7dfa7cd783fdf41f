"""`profile-service relay run`: the event feed to NATS JetStream; one instance publishes, others
stand by (events.md)."""

from __future__ import annotations

import signal
from types import FrameType

import typer
from rich.console import Console

from adapters.bootstrap import Container
from adapters.entrypoints.cli.base import fail, load_settings, open_container
from adapters.eventstore.leadership import LeaderOnly
from adapters.logging import configure_logging
from adapters.readside.model import ReadSide
from adapters.settings import Settings

relay_app = typer.Typer(help="The event feed's relay to NATS JetStream.", no_args_is_help=True)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def led_relay(
    container: Container, read_side: ReadSide, err: Console | None = None
) -> LeaderOnly:
    """The relay, publishing while this process leads the stream's relays, else standing by."""
    stream = container.settings.nats_stream
    return LeaderOnly(
        container.leadership(container.relay_kind),
        container.relay(read_side),
        say=err.print if err is not None else None,
        leading=f"Relay publishing the event feed to the stream {stream} (Ctrl-C to stop).",
        standing_by=f"Standing by: another relay publishes to the stream {stream}; "
        "taking over when it stops.",
    )


def in_process_relay_wanted(settings: Settings) -> bool:
    """`serve` runs the relay itself on the embedded default (SQLite) with PROFILE_NATS_URL."""
    return not settings.is_postgres and settings.nats_url is not None


def in_process_relay(container: Container, read_side: ReadSide) -> LeaderOnly | None:
    """`serve`'s own relay, when it is wanted."""
    if not in_process_relay_wanted(container.settings):
        return None
    return led_relay(container, read_side)


@relay_app.command("run")
def run() -> None:
    """Publish every event to NATS JetStream until stopped (Ctrl-C or SIGTERM).

    Run it on as many machines as wanted: one publishes, the others stand by and take over
    within seconds when it dies. The projections must run too (the feed is the audit trail).
    """
    settings = load_settings()
    if settings.nats_url is None:
        fail("PROFILE_NATS_URL is not set: name the NATS server, e.g. nats://127.0.0.1:4222")
    configure_logging(settings.log_format)
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    err = Console(stderr=True)
    try:
        with open_container(settings) as container:
            leader = led_relay(container, container.read_side(), err)
            leader.start()
            try:
                leader.run_forever()
            except KeyboardInterrupt:
                err.print("Stopping the relay.")
            finally:
                leader.stop()
    finally:
        signal.signal(signal.SIGTERM, previous)


def register(app: typer.Typer) -> None:
    app.add_typer(relay_app, name="relay")
