"""`flask mail explain` and `flask mail ingest`: the pipeline on raw message files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.mail.context import MailContext
from app.mail.pipeline import decide
from app.models import Forum

mail_group = click.Group("mail", help="Understand and take in raw mail.")


def _read(paths: tuple[str, ...]):
    """Yield (name, bytes) for each path, '-' being standard input."""
    for path in paths:
        if path == "-":
            yield "-", sys.stdin.buffer.read()
        else:
            yield path, Path(path).read_bytes()


def _context(raw: bytes) -> MailContext:
    """Return the context of the forum RAW was sent to, else the demo forum's addresses."""
    from app import demo
    from app.services.inbound import route
    from app.services.invitations import token_secret
    from app.services.mailcontext import context_for

    try:
        forum = route(raw) or db.session.scalars(select(Forum).order_by(Forum.id)).first()
    except SQLAlchemyError:
        db.session.rollback()
        forum = None  # no database yet: explain still works, with the demo's addresses
    if forum is not None:
        return context_for(forum)
    sender, agenda = f"sekretariat@{demo.DOMAIN}", f"dagsorden@{demo.DOMAIN}"
    return MailContext(sender_address=sender, agenda_address=agenda,
                       own_addresses=frozenset({sender, agenda}), token_secret=token_secret())


def explanation(path: str, raw: bytes) -> dict:
    """Return the pipeline's decision on RAW as plain data."""
    decision = decide(raw, _context(raw))
    data = decision.to_dict()
    return {
        "path": path,
        "kind": decision.kind,
        "rsvp": decision.rsvp,
        "matched": decision.invitation_id,
        "matched_by": decision.matched_by,
        "needs_review": decision.needs_review,
        **{k: v for k, v in data.items() if k not in {"kind", "rsvp"}},
    }


@mail_group.command("explain")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True,
              help="One JSON line per message; reasons as codes and values.")
@click.option("--lang", type=click.Choice(["da", "en"]), default=None,
              help="Language of the reasons in the text output (default: BABEL_DEFAULT_LOCALE).")
@with_appcontext
def explain_command(paths: tuple[str, ...], as_json: bool, lang: str | None) -> None:
    """Say what the pipeline makes of each message file, changing nothing."""
    from flask import current_app
    from flask_babel import force_locale

    from app.reason_text import render

    try:
        for path, raw in _read(paths):
            found = explanation(path, raw)
            if as_json:
                click.echo(json.dumps(found, ensure_ascii=False, default=str))
                continue
            answer = f" {found['rsvp']}" if found["rsvp"] else ""
            match = f" invitation #{found['matched']}" if found["matched"] else ""
            click.echo(f"{path}: {found['kind']}{answer}{match}")
            with force_locale(lang or current_app.config.get("BABEL_DEFAULT_LOCALE", "da")):
                for reason in found["reasons"]:
                    click.echo(f"    - {render(reason)}")
    finally:
        db.session.rollback()  # explain never writes


@mail_group.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@with_appcontext
def ingest_command(paths: tuple[str, ...]) -> None:
    """Take in message files as if they had arrived by IMAP, with all effects."""
    from app import jobs
    from app.services import inbound

    for path, raw in _read(paths):
        message, created = inbound.receive(raw, mailbox=f"file:{path}")
        followups = inbound.process(message) if created else []
        db.session.commit()
        jobs.enqueue_all(followups)
        state = message.state.value if created else "already received"
        click.echo(f"{path}: #{message.id} {message.kind or ''} {state} {message.reason or ''}")


def register(app: Flask) -> None:
    """Add the mail commands to APP's CLI."""
    app.cli.add_command(mail_group)
