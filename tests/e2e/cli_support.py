"""Command-line test helpers: the commands on a Typer app of their own, and the store's env."""

from __future__ import annotations

from typing import Any

import typer
from typer.testing import CliRunner, Result

from adapters.entrypoints.cli.main import app as cli_app
from adapters.settings import Settings

FAST_HASHING = {"PROFILE_ARGON2_TIME_COST": "1", "PROFILE_ARGON2_MEMORY_KIB": "1024"}


def cli_env(settings: Settings) -> dict[str, str]:
    env = {
        "PROFILE_DATABASE_URL": settings.database_url,
        "PROFILE_LOG_FORMAT": "json",
        **FAST_HASHING,
    }
    if settings.vault_key is not None:
        env["PROFILE_VAULT_KEY"] = settings.vault_key.get_secret_value()
    return env


class Cli:
    """Runs `profile-service` commands in-process against one store."""

    def __init__(self, settings: Settings) -> None:
        self.app: typer.Typer = cli_app
        self.env = cli_env(settings)
        self.runner = CliRunner()

    def __call__(self, *args: str, **kwargs: Any) -> Result:
        return self.runner.invoke(self.app, list(args), env=self.env, **kwargs)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result
