"""The overview: the next meeting, its seat coverage, and what needs the secretary."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.extensions import db
from app.models import AgendaItem, AgendaStatus, InboundMessage, InboundState, Person, utcnow
from app.services import coverage, meetings, roster
from app.views.common import forum_for_user, next_meeting, visible_to

bp = Blueprint("dashboard", __name__)

TERM_WARNING_DAYS = 60


@bp.route("/favicon.ico")
def favicon():
    """Serve the icon at the address browsers and feed readers ask for without a link."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)


@bp.route("/")
@login_required
def index():
    """Send the secretary to her (first) forum."""
    active = [forum for forum in current_user.forums if forum.archived_dt is None]
    if not active:
        if current_user.is_admin:
            return redirect(url_for("admin.forums"))
        return render_template("dashboard/no_forum.html")
    return redirect(url_for("dashboard.forum", slug=active[0].slug))


def action_counts(forum, covers: list | None = None) -> dict[str, int]:
    """Return the numbers that need the secretary's attention; COVERS, the next
    meeting's seat coverage, if there is one."""
    today = meetings.local_day(forum, utcnow())
    # Three counts, one round trip.
    agenda, review, bouncing = db.session.execute(select(
        select(func.count(AgendaItem.id)).filter_by(
            forum_id=forum.id, status=AgendaStatus.pending).scalar_subquery(),
        select(func.count(InboundMessage.id)).where(
            visible_to(forum),
            InboundMessage.state.in_([InboundState.review, InboundState.quarantined]),
        ).scalar_subquery(),
        select(func.count(Person.id)).where(
            Person.forum_id == forum.id, Person.bouncing_since.is_not(None)).scalar_subquery(),
    )).one()
    return {
        "agenda": agenda,
        "review": review,
        "bouncing": bouncing,
        "terms": len({m.seat_id for m in roster.terms_ending(forum, today, TERM_WARNING_DAYS)}),
        # The card and the table count alike: seats without a member on the meeting day.
        "vacant": (coverage.vacant(covers) if covers is not None
                   else len(roster.vacancies(forum, today))),
    }


@bp.route("/forum/<slug>/")
@login_required
def forum(slug: str):
    """Show the next meeting with its seat coverage, and the counts that need action."""
    forum = forum_for_user(slug)
    meeting = next_meeting(forum)
    covers = coverage.seat_coverage(meeting) if meeting else None
    counts = action_counts(forum, covers)
    return render_template(
        "dashboard/forum.html",
        forum=forum,
        meeting=meeting,
        covers=covers or [],
        cover_counts=coverage.counts(covers or []),
        counts=counts,
    )
