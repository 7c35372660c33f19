"""Flask commands: demo forum, secretaries' logins."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from app.config import wants_demo
from app.extensions import db
from app.models import Forum, User
from app.security import passwords
from app.services.errors import ServiceError


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no forum.")
def demo_command(if_empty: bool) -> None:
    """Create the demo Samarbejdsforum with its seats, people and meetings."""
    from app import demo

    if if_empty and not wants_demo(current_app.config):
        click.echo("A real database or server is configured: no demo forum with its known "
                   "password (DEMO=1 adds it). Create a login: flask users create-secretary.")
        return
    if db.session.scalar(select(func.count(Forum.id))):
        if if_empty:
            click.echo("The database already holds a forum; no demo added.")
            return
        if db.session.scalar(select(Forum).filter_by(slug="vesterbro")):
            raise click.ClickException("The demo forum 'vesterbro' exists already.")
    forum = demo.create_demo()
    db.session.commit()
    click.echo(f"Created the demo forum {forum.name!r} ({len(forum.seats)} seats).")
    click.echo(f"Log in as {demo.SECRETARY_EMAIL} with password {demo.SECRETARY_PASSWORD}")


users = click.Group("users", help="Manage secretaries' logins.")


@users.command("create-secretary")
@click.argument("email")
@click.option("--forum", "slugs", multiple=True, required=True, help="Slug of a forum served.")
@click.option("--name", default=None, help="The secretary's name.")
@click.password_option(help="Asked for when not given.")
def create_secretary(email: str, slugs: tuple[str, ...], name: str | None, password: str) -> None:
    """Create a secretary's login (or add forums to it) for one or more forums."""
    email = email.strip().lower()
    forums = [db.session.scalar(select(Forum).filter_by(slug=s)) for s in slugs]
    missing = [s for s, f in zip(slugs, forums, strict=True) if f is None]
    if missing:
        raise click.ClickException(f"No forum with slug: {', '.join(missing)}")
    weak = passwords.problem(password, email, name or "")
    if weak:
        raise click.ClickException(weak)
    user = db.session.scalar(select(User).filter_by(email=email))
    if user is None:
        user = User(email=email, name=name)
        db.session.add(user)
    user.set_password(password)
    for forum in forums:
        if forum not in user.forums:
            user.forums.append(forum)
    db.session.commit()
    click.echo(f"{email} is secretary of: {', '.join(f.name for f in user.forums)}")


@users.command("create-admin")
@click.argument("email")
@click.option("--name", default=None, help="The administrator's name.")
@click.password_option(help="Asked for when not given.")
def create_admin(email: str, name: str | None, password: str) -> None:
    """Create an installation administrator (or make a login one): creates forums and
    gives secretaries access."""
    email = email.strip().lower()
    user = db.session.scalar(select(User).filter_by(email=email))
    weak = passwords.problem(password, email, name or "")
    if weak:
        raise click.ClickException(weak)
    if user is None:
        user = User(email=email, name=name)
        db.session.add(user)
    user.set_password(password)
    user.is_admin = True
    db.session.commit()
    click.echo(f"{email} is an administrator: /admin/forums")


def register(app: Flask) -> None:
    """Add the commands to APP's CLI."""
    app.cli.add_command(demo_command)
    app.cli.add_command(users)
    from app import cli_mail, cli_mail_watch
    from app.backup import cli as backup_cli
    from app.privacy import cli as privacy_cli
    from app.worker import jobs_group

    app.cli.add_command(jobs_group)
    cli_mail.register(app)
    cli_mail_watch.register(app)  # after cli_mail: it adds `watch` to the same group
    backup_cli.register(app)
    privacy_cli.register(app)
    app.errorhandler(ServiceError)(_service_error)


def _service_error(error: ServiceError):
    """Show a refused request as a 400 page in the reader's language."""
    current_app.logger.info("Refused: %s", error.message)
    return str(error.message), 400
