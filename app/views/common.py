"""What every secretary page needs: her forum, her name for the audit, the next meeting."""

from __future__ import annotations

from io import BytesIO

from flask import Response, abort, send_file
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.models import Forum, Meeting, MeetingStatus, utcnow


def forum_for_user(slug: str) -> Forum:
    """Return the forum SLUG if the logged-in secretary serves it, else 404."""
    forum = db.session.scalars(select(Forum).filter_by(slug=slug)).first()
    if forum is None or forum not in current_user.forums:
        abort(404)
    return forum


def owned(model, ident: int, forum: Forum):
    """Return the row of MODEL with IDENT if it belongs to FORUM, else 404."""
    row = db.session.get(model, ident)
    if row is None or row.forum_id != forum.id:
        abort(404)
    return row


def actor() -> str:
    """Return who is acting, for the audit trail."""
    return current_user.email


def next_meeting(forum: Forum) -> Meeting | None:
    """Return the forum's next meeting that is not cancelled."""
    stmt = (
        select(Meeting)
        .where(Meeting.forum_id == forum.id, Meeting.end_dt >= utcnow(),
               Meeting.status != MeetingStatus.cancelled)
        .order_by(Meeting.start_dt)
    )
    return db.session.scalars(stmt).first()


def coming_meetings(forum: Forum) -> list[Meeting]:
    """Return the forum's coming meetings that are not cancelled."""
    stmt = (
        select(Meeting)
        .where(Meeting.forum_id == forum.id, Meeting.end_dt >= utcnow(),
               Meeting.status != MeetingStatus.cancelled)
        .order_by(Meeting.start_dt)
    )
    return list(db.session.scalars(stmt))


def options(pairs) -> list[SelectChoice]:
    """Return (value, label) pairs as the choices WTForms wants."""
    return [SelectChoice(value, label) for value, label in pairs]


def download(data: bytes, filename: str) -> Response:
    """Return DATA as a file download named FILENAME, whatever its letters (RFC 5987's
    filename* beside an ASCII one), never shown inline and never sniffed as a page."""
    response = send_file(BytesIO(data), mimetype="application/octet-stream", as_attachment=True,
                         download_name=filename or "vedhaeftning", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
