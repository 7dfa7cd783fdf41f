"""The `profile-service` command line: every command group registered on one Typer app."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from eventsourcing.persistence import InterfaceError, OperationalError

from adapters.entrypoints.cli import (
    audit,
    demo,
    history,
    integrity,
    keys,
    projections,
    relay,
    serve,
    tokens,
)
from adapters.entrypoints.cli.base import CliError
from adapters.security.tokens import TokenError
from adapters.settings import ConfigurationError
from application.errors import ServiceFailure

app = typer.Typer(
    name="profile-service",
    help="The customer profile service of the web-hosting portal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (serve, tokens, keys, projections, relay, audit, integrity, history, demo):
    module.register(app)


def _stop(reason: str) -> NoReturn:
    print(f"profile-service: {' '.join(reason.split())}", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    try:
        app()
    except (CliError, ConfigurationError, TokenError) as error:
        _stop(str(error))
    except ServiceFailure as error:
        _stop(error.message)
    except (OperationalError, InterfaceError) as error:
        _stop(f"the store is busy or unreachable ({error}); retry in a moment")
    except Exception as error:  # a one-line reason, never a traceback, for any failure
        _stop(f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
