"""`profile-service keys rotate | migrate`: the master key rotated while serving, and profiles
recorded before per-profile data keys brought under keys of their own (privacy.md, "Keys")."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from adapters.entrypoints.cli.base import fail, load_settings, open_container
from adapters.security.migration import migrate as migrate_profiles
from adapters.security.rotation import RotationRefused, rotate
from adapters.settings import ConfigurationError, decode_key

keys_app = typer.Typer(help="The master key and the profiles' data keys.", no_args_is_help=True)


@keys_app.command("rotate")
def rotate_key(
    new_key_file: Annotated[
        Path,
        typer.Option("--new-key-file", help="A file holding the new key (base64 of 32 bytes)."),
    ],
) -> None:
    """Re-wrap every data key and card-vault entry under a new master key, while `serve` runs
    (running processes learn it and write under it at once). Then start every process with
    the new key: the old one is no longer needed."""
    try:
        new_master = decode_key(new_key_file.read_text(), f"the key file {new_key_file}")
    except OSError as error:
        fail(f"cannot read {new_key_file}: {error.strerror}")
    except ConfigurationError as error:
        fail(str(error))
    settings = load_settings()
    with open_container(settings) as container:
        try:
            done = rotate(container.sql, container.keyring, new_master)
        except RotationRefused as refused:
            fail(str(refused))
    embedded = settings.vault_key is None and not settings.is_postgres
    if embedded:  # the key file beside the SQLite file holds the new key from now on
        key_path = Path(settings.sqlite_path + ".vault-key")
        partial = key_path.with_name(key_path.name + ".rotating")
        partial.write_text(new_key_file.read_text().strip())
        os.chmod(partial, 0o600)
        partial.replace(key_path)
    where = f"the key file {settings.sqlite_path}.vault-key" if embedded else "PROFILE_VAULT_KEY"
    typer.echo(
        f"Rotated {done.data_keys} data keys and {done.vault_entries} card-vault entries to "
        f"key {done.key_id}; {where} must now hold the new key: the old one is not needed."
    )


@keys_app.command("migrate")
def migrate(
    discard_tree: Annotated[
        bool,
        typer.Option(
            "--discard-tree",
            help="The tamper-evident log already covers events: drop its tree and checkpoints "
            "(rebuilt from the re-encoded events) instead of refusing.",
        ),
    ] = False,
) -> None:
    """Give every profile recorded before per-profile data keys a key of its own, its events
    re-encoded in place: run once after upgrading, before the tamper-evident log covers them."""
    with open_container() as container:
        integrity = container.integrity()
        size, _ = integrity.store.size_and_position()
        if size and not discard_tree:
            fail(
                f"the tamper-evident log covers {size} events, which migrating would rewrite; "
                "run it with --discard-tree to drop the tree and its checkpoints first"
            )
        if size:
            integrity.store.drop(checkpoints=True)
            integrity.store.create()
        done = migrate_profiles(container.service, container.sql, container.data_keys)
    typer.echo(
        f"Migrated {done.profiles} profiles ({done.events} events) to data keys of their own."
    )


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
