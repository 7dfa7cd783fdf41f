"""What every command shares: settings from the environment, the container, a one-line failure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer

from adapters.bootstrap import Container, build
from adapters.settings import ConfigurationError, Settings


class CliError(Exception):
    """Stops a command with a one-line reason on standard error and a non-zero status."""


def fail(reason: str, code: int = 1) -> NoReturn:
    typer.echo(f"profile-service: {reason}", err=True)
    raise typer.Exit(code)


def load_settings() -> Settings:
    try:
        return Settings()
    except ConfigurationError as error:
        raise CliError(str(error)) from None


@contextmanager
def open_container(settings: Settings | None = None) -> Iterator[Container]:
    """The service built from the environment's settings, closed on the way out."""
    container = build(settings or load_settings())
    try:
        yield container
    finally:
        container.close()
