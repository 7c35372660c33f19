"""Flask commands for meetings and the forum's rules: `flask meetings plan YEAR`,
`flask meetings invite ID`, `flask meetings remind ID` and `flask rules daily`."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from app import jobs, jobs_rules
from app.extensions import db
from app.models import Forum, Meeting, MeetingStatus, utcnow
from app.services import invitation_sync, meetings, plan
from app.services.errors import ServiceError

meetings_group = click.Group("meetings", help="Plan the forum's meetings.")
rules_group = click.Group("rules", help="Apply the forum's rules: terms and vacancies.")


def _forums(slug: str | None) -> list[Forum]:
    """Return the forum SLUG, or every forum."""
    stmt = select(Forum).order_by(Forum.slug)
    if slug:
        stmt = stmt.filter_by(slug=slug)
    forums = list(db.session.scalars(stmt))
    if slug and not forums:
        raise click.ClickException(f"No forum with slug: {slug}")
    return forums


def describe(proposal: plan.Proposal) -> str:
    """Return one proposal as a line: day, time, kind, and why it moved."""
    line = (f"{proposal.day:%a %Y-%m-%d} {proposal.start:%H.%M}-{proposal.end:%H.%M}  "
            f"Q{proposal.quarter}  {proposal.kind.value}")
    if proposal.skipped:
        why = ", ".join(f"{s.day:%Y-%m-%d} {s.holiday or 'another meeting'}"
                        for s in proposal.skipped)
        line += f"  (not {why})"
    return line


@meetings_group.command("plan")
@click.argument("year", type=int)
@click.option("--forum", "slug", default=None, help="Slug of the forum; default: every forum.")
@click.option("--summer/--no-summer", default=None,
              help="Propose the June meeting on summer activities (default: the forum's pattern).")
@click.option("--commit", is_flag=True, help="Create the proposed meetings.")
def plan_command(year: int, slug: str | None, summer: bool | None, commit: bool) -> None:
    """Propose YEAR's meetings by each forum's pattern; create them with --commit."""
    for forum in _forums(slug):
        proposals = plan.proposal_for(forum, year, summer)
        click.echo(f"{forum.name} ({forum.slug}), {year}:")
        for proposal in proposals:
            click.echo(f"  {describe(proposal)}")
        if not proposals:
            click.echo("  Every meeting of the year is planned already.")
        if commit and proposals:
            try:
                plan.confirm(forum, proposals, plan.pattern_for(forum).location, actor="cli")
            except ServiceError as exc:
                db.session.rollback()
                raise click.ClickException(str(exc.message)) from exc
    if commit:
        db.session.commit()
        click.echo("Created.")
    else:
        click.echo("Nothing created: add --commit to create these meetings.")


@meetings_group.command("invite")
@click.argument("meeting_id", type=int)
@click.option("--now", is_flag=True, help="Send in this process instead of the job worker.")
def invite_command(meeting_id: int, now: bool) -> None:
    """Send a meeting's invitations (again: only to those who lack this version)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise click.ClickException(f"No meeting with id {meeting_id}")
    try:
        invitation_sync.check_sendable(meeting)
    except ServiceError as exc:
        raise click.ClickException(
            f"Meeting {meeting_id} is {meeting.status.value}: {exc.message}") from exc
    label = f"{meeting.title} ({meeting.start_dt:%Y-%m-%d %H:%M} UTC)"
    if now:
        jobs.ensure_queue()
        sent = jobs.send_invitations(meeting_id)
        click.echo(f"{label}: {sent} invitations sent.")
    else:
        jobs.enqueue(jobs.send_invitations, meeting_id)
        click.echo(f"{label}: the invitations are queued for the job worker.")


@meetings_group.command("remind")
@click.argument("meeting_id", type=int)
def remind_command(meeting_id: int) -> None:
    """Remind those who have not answered a meeting's invitation, now (besides the
    scheduled reminder; asking twice the same day sends it once)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise click.ClickException(f"No meeting with id {meeting_id}")
    if meeting.status is not MeetingStatus.invited or meeting.start_dt <= utcnow():
        raise click.ClickException(
            f"Meeting {meeting_id}: reminders go only to a coming meeting whose invitations "
            "are out.")
    count = jobs.remind_now(meeting)
    click.echo(f"{meeting.title}: the reminder is queued for {count} who have not answered.")


@rules_group.command("daily")
@click.option("--date", "day", default=None, help="The day as YYYY-MM-DD; default: today.")
@click.option("--enqueue", is_flag=True, help="Leave the work to the job worker.")
def daily_command(day: str | None, enqueue: bool) -> None:
    """Send the due term notices and vacancy reminders of every forum (run once a day)."""
    targets = [(f.id, f.slug, day or meetings.local_day(f, utcnow()).isoformat())
               for f in _forums(None)]
    jobs.ensure_queue()
    for forum_id, slug, today in targets:
        if enqueue:
            jobs.enqueue(jobs_rules.check_terms, forum_id, today)
            click.echo(f"{slug}: queued the check of {today}.")
        else:
            sent = jobs_rules.check_terms(forum_id, today)
            click.echo(f"{slug}: {sent} notices sent for {today}.")


def register(app: Flask) -> None:
    """Add the commands to APP's CLI."""
    app.cli.add_command(meetings_group)
    app.cli.add_command(rules_group)
