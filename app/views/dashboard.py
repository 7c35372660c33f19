"""The secretary's first page: seats and coming meetings."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db
from app.models import Forum, utcnow
from app.services import meetings, roster

bp = Blueprint("dashboard", __name__)

TERM_WARNING_DAYS = 60


def forum_for_user(slug: str) -> Forum:
    """Return the forum SLUG if the logged-in secretary serves it, else 404."""
    forum = db.session.scalars(select(Forum).filter_by(slug=slug)).first()
    if forum is None or forum not in current_user.forums:
        abort(404)
    return forum


@bp.route("/")
@login_required
def index():
    """Send the secretary to her (first) forum."""
    if not current_user.forums:
        return render_template("dashboard/no_forum.html")
    return redirect(url_for("dashboard.forum", slug=current_user.forums[0].slug))


@bp.route("/forum/<slug>/")
@login_required
def forum(slug: str):
    """Show the forum's seats with holder, alternate and term end, and coming meetings."""
    forum = forum_for_user(slug)
    now = utcnow()
    today = meetings.local_day(forum, now)
    holdings = roster.holdings(forum, today)
    ending = {m.id for m in roster.terms_ending(forum, today, TERM_WARNING_DAYS)}
    return render_template(
        "dashboard/forum.html",
        forum=forum,
        holdings=holdings,
        ending=ending,
        vacant=sum(h.is_vacant for h in holdings),
        meetings=meetings.coming_meetings(forum, now),
        today=today,
    )
