"""`flask backup create PATH` and `flask backup restore PATH`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from app.backup import archive
from app.backup.database import BackupError
from app.extensions import db

backup_group = click.Group("backup", help="Back up and restore the database and the keys.")


@backup_group.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path) -> None:
    """Write the database, its attachments and the instance's keys to PATH."""
    try:
        summary = archive.create(db.engine, Path(current_app.instance_path), path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(summary.tables.values())
    click.echo(f"Backed up {len(summary.tables)} tables ({rows} rows, {summary.dialect}, "
               f"revision {summary.revision or 'unknown'}) to {path}.")
    click.echo(f"Instance files: {', '.join(summary.instance_files) or 'none'}.")
    _warn_about_keys(summary)


def _warn_about_keys(summary: archive.Summary) -> None:
    """Say that the file holds the keys, and which keys it cannot hold."""
    click.echo("WARNING: the backup holds the keys that sign reply links and open the "
               "mailboxes' passwords and tokens. Store it encrypted, apart from the server.",
               err=True)
    missing = [name for name in ("secret_key", "credentials_key")
               if name not in summary.instance_files]
    if missing:
        click.echo(f"Not in the instance folder (set in the environment?): "
                   f"{', '.join(missing)}. Keep those with the backup yourself.", err=True)


@backup_group.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a database that holds data.")
def restore_command(path: Path, replace: bool) -> None:
    """Restore the backup PATH into this installation's (empty) database and instance."""
    db.session.remove()  # no connection of ours may hold the database being replaced
    try:
        summary = archive.restore(db.engine, Path(current_app.instance_path), path, replace)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {sum(summary.tables.values())} rows from {summary.created} "
               f"(revision {summary.revision or 'unknown'}) and "
               f"{', '.join(summary.instance_files) or 'no instance files'}.")
    click.echo("Next: flask db upgrade, then restart every process (they read the keys at "
               "start).")


def register(app: Flask) -> None:
    """Add `backup` to APP's CLI."""
    app.cli.add_command(backup_group)
