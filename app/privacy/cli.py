"""`flask privacy purge`, `export PERSON_ID PATH` and `anonymise PERSON_ID`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import Flask

from app.extensions import db
from app.models import Person, utcnow
from app.privacy import access, erasure
from app.privacy.jobs import purge_all_forums
from app.services.errors import ServiceError

privacy_group = click.Group("privacy", help="Retention, access requests and erasure (GDPR).")


@privacy_group.command("purge")
def purge_command() -> None:
    """Purge what every forum keeps past its retention periods (the daily job, now)."""
    click.echo(json.dumps(purge_all_forums()))


@privacy_group.command("export")
@click.argument("person_id", type=int)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(person_id: int, path: Path) -> None:
    """Write everything about PERSON_ID to PATH (a ZIP), for an access request."""
    person = _person(person_id)
    path.write_bytes(access.export(person, utcnow()))
    click.echo(f"Wrote what the forum holds about {person.name} to {path}.")


@privacy_group.command("anonymise")
@click.argument("person_id", type=int)
@click.option("--actor", default="cli", help="Who asked, for the audit trail.")
def anonymise_command(person_id: int, actor: str) -> None:
    """Erase a former member's identity and mail; the records keep an anonymous name."""
    person = _person(person_id)
    try:
        name = erasure.anonymise(person, actor, date.today(), utcnow())
    except ServiceError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Person {person_id} is now »{name}«.")


def _person(person_id: int) -> Person:
    """Return the person PERSON_ID, or stop with a clear message."""
    person = db.session.get(Person, person_id)
    if person is None:
        raise click.ClickException(f"No person with id {person_id}.")
    return person


def register(app: Flask) -> None:
    """Add `privacy` to APP's CLI."""
    app.cli.add_command(privacy_group)
