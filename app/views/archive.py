"""The archive: past meetings, search, a meeting's pack as one HTML file, attendance as CSV."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required
from werkzeug.wrappers import Response

from app.models import Forum, Meeting, utcnow
from app.services import archive, attendance, meetings
from app.views.common import forum_for_user, owned

bp = Blueprint("archive", __name__, url_prefix="/forum/<slug>/archive")


@bp.app_template_global("attendance_chart")
def attendance_chart(forum: Forum, year: int | None = None) -> dict:
    """Return the attendance record of YEAR for templates/roster/_attendance.html."""
    held_in = attendance.years(forum)
    year = (year or request.args.get("attendance_year", type=int)
            or (held_in[0] if held_in else meetings.local_day(forum, utcnow()).year))
    records = attendance.record(forum, year) if year in held_in else []
    return {"year": year, "years": held_in, "records": records,
            "chart": attendance.chart(records)}


@bp.route("/")
@login_required
def index(slug: str):
    """List past meetings, or those whose texts contain the search words."""
    forum = forum_for_user(slug)
    q = (request.args.get("q") or "").strip()[:200]
    found = archive.past_meetings(forum, utcnow(), q or None)
    hits = {m.id: archive.snippets(archive.pack(m), q) for m in found} if q else {}
    return render_template("archive/index.html", forum=forum, q=q, meetings=found, hits=hits)


@bp.route("/<int:meeting_id>/")
@login_required
def show(slug: str, meeting_id: int):
    """Show a past meeting's agenda, attendance and minutes."""
    forum = forum_for_user(slug)
    meeting = owned(Meeting, meeting_id, forum)
    return render_template("archive/show.html", forum=forum, pack=archive.pack(meeting))


@bp.route("/<int:meeting_id>/export")
@login_required
def export(slug: str, meeting_id: int) -> Response:
    """Download the meeting's agenda and minutes as one self-contained HTML file."""
    forum = forum_for_user(slug)
    meeting = owned(Meeting, meeting_id, forum)
    html = render_template("archive/export.html", forum=forum, pack=archive.pack(meeting))
    day = meetings.local_day(forum, meeting.start_dt)
    response = Response(html, mimetype="text/html")
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"{forum.slug}-{day.isoformat()}.html")
    return response


@bp.route("/attendance/<int:year>.csv")
@login_required
def attendance_csv(slug: str, year: int) -> Response:
    """Download the attendance record of YEAR as CSV."""
    forum = forum_for_user(slug)
    text = attendance.csv_text(attendance.record(forum, year), year)
    # A byte order mark makes Excel read the Danish letters as UTF-8.
    response = Response("\ufeff" + text, mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"{forum.slug}-attendance-{year}.csv")
    return response
