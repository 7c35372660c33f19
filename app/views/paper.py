"""A meeting's agenda and minutes on paper: as PDF, and as a page to print."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import login_required
from werkzeug.wrappers import Response

from app.models import Meeting
from app.paper import render
from app.services import minutes as minutes_service
from app.services.errors import ServiceError
from app.views.common import forum_for_user, owned

bp = Blueprint("paper", __name__, url_prefix="/forum/<slug>/meetings/<int:meeting_id>")


def _pdf(meeting: Meeting, html: str, kind: str) -> Response:
    """Return HTML as a PDF opened in the browser, named for the meeting's day."""
    response = Response(render.pdf(html), mimetype="application/pdf")
    response.headers.set("Content-Disposition", "inline", filename=render.filename(meeting, kind))
    return response


def _minutes(slug: str, meeting_id: int):
    """Return the meeting and its minutes (the unsaved draft if none), or 404."""
    meeting = owned(Meeting, meeting_id, forum_for_user(slug))
    try:
        return meeting, minutes_service.unsaved(meeting)
    except ServiceError:
        abort(404)


@bp.route("/agenda.pdf")
@login_required
def agenda_pdf(slug: str, meeting_id: int) -> Response:
    """Return the meeting's agenda as a PDF."""
    meeting = owned(Meeting, meeting_id, forum_for_user(slug))
    return _pdf(meeting, render.agenda_html(meeting), "agenda")


@bp.route("/agenda/print")
@login_required
def agenda_print(slug: str, meeting_id: int) -> str:
    """Return the meeting's agenda as a page to print."""
    return render.agenda_html(owned(Meeting, meeting_id, forum_for_user(slug)))


@bp.route("/minutes.pdf")
@login_required
def minutes_pdf(slug: str, meeting_id: int) -> Response:
    """Return the meeting's minutes as a PDF (a draft says so)."""
    meeting, minutes = _minutes(slug, meeting_id)
    return _pdf(meeting, render.minutes_html(minutes), "minutes")


@bp.route("/minutes/print")
@login_required
def minutes_print(slug: str, meeting_id: int) -> str:
    """Return the meeting's minutes as a page to print."""
    return render.minutes_html(_minutes(slug, meeting_id)[1])
