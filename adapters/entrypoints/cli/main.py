"""The `profile-service` command line: every command group registered on one Typer app."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from adapters.entrypoints.cli import audit, demo, history, projections, relay, serve, tokens
from adapters.entrypoints.cli.base import CliError
from adapters.security.tokens import TokenError
from adapters.settings import ConfigurationError

app = typer.Typer(
    name="profile-service",
    help="The customer profile service of the web-hosting portal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (serve, tokens, projections, relay, audit, history, demo):
    module.register(app)


def _stop(reason: str) -> NoReturn:
    print(f"profile-service: {' '.join(reason.split())}", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    try:
        app()
    except (CliError, ConfigurationError, TokenError) as error:
        _stop(str(error))
    except Exception as error:  # a one-line reason, never a traceback, for any failure
        _stop(f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
